/**
 * `@imbridge/tencent-chat`: Tencent Cloud Chat for LLM bots — UserSig, a typed REST client,
 * signed webhooks, the chatbot streaming custom-message protocol, and the `ChatAdapter` that
 * plugs into `@imbridge/core`'s bot runtime.
 *
 * @example
 * ```ts
 * import { createBot } from '@imbridge/core';
 * import { createTencentChatAdapter } from '@imbridge/tencent-chat';
 * // sdkAppId, secretKey, callbackToken… or the TENCENT_IM_* environment variables
 * const adapter = createTencentChatAdapter();
 * const handler = createBot({ model }).webhook(adapter);
 * ```
 * @module
 */

export type { RetryOptions, SecretInput, VendorErrorClass } from '@imbridge/provider-utils';
export type { TencentChatAdapter } from './adapter/adapter.ts';
export { createTencentChatAdapter } from './adapter/adapter.ts';
export type { TencentChatAdapterOptions, TencentStreamMode } from './adapter/options.ts';
export type {
  ChatbotElementOptions,
  ChatbotErrorPayload,
  ChatbotInterruptPayload,
  ChatbotPayload,
  ChatbotSource,
  ChatbotStreamPayload,
  MsgKeyParts,
} from './chatbot/payload.ts';
export {
  CHATBOT_PLUGIN_VERSION,
  CHATBOT_SOURCE,
  chatbotCustomElement,
  chatbotPayloadBytes,
  decodeChatbotPayload,
  encodeChatbotPayload,
  formatMsgKey,
  parseMsgKey,
} from './chatbot/payload.ts';
export { createTencentChatClient } from './client/client.ts';
export {
  DEFAULT_ADMIN_USER_ID,
  TENCENT_CHAT_ENV_VARIABLES,
} from './client/environment.ts';
export { classifyTencentError, USER_SIG_EXPIRED_CODE } from './client/errors.ts';
export type {
  CallOptions,
  TencentChatClientOptions,
  TencentChatRegion,
} from './client/options.ts';
export { TENCENT_CHAT_REGIONS } from './client/options.ts';
export type { TencentChatTransport, TencentChatTransportHooks } from './client/transport.ts';
export { createTencentChatTransport } from './client/transport.ts';
export type {
  AddFriendsOptions,
  AddFriendsResult,
  CreateRobotOptions,
  DeleteRobotOptions,
  ForbiddenCallback,
  FriendToAdd,
  ImportAccountOptions,
  ListRobotsResult,
  ModifyC2CMessageOptions,
  ModifyGroupMessageOptions,
  RecallGroupMessagesOptions,
  RecallGroupMessagesResult,
  SendC2CMessageOptions,
  SendC2CMessageResult,
  SendC2CStreamMessageOptions,
  SendGroupMessageOptions,
  SendGroupMessageResult,
  SendGroupStreamMessageOptions,
  SendRobotStreamMessageOptions,
  SendStreamMessageResult,
  TencentChatClient,
  WithdrawC2CMessageOptions,
} from './client/types.ts';
export type {
  CustomElement,
  MessageElement,
  OtherElement,
  ReceivedWireMessageElement,
  StreamChunk,
  StreamElement,
  TextElement,
  WireMessageElement,
} from './messages/elements.ts';
export { fromWireMessageBody, textOfElements, toWireMessageBody } from './messages/elements.ts';
export type {
  EncodePrivateMapKeyUserBufOptions,
  GenPrivateMapKeyOptions,
  GenUserSigOptions,
  PrivateMapKeyUserBuf,
  TRTCPrivilege,
  VerifyUserSigFailure,
  VerifyUserSigFailureReason,
  VerifyUserSigOptions,
  VerifyUserSigResult,
  VerifyUserSigSuccess,
} from './user-sig/user-sig.ts';
export {
  DEFAULT_USER_SIG_EXPIRES_IN_SECONDS,
  decodePrivateMapKeyUserBuf,
  encodePrivateMapKeyUserBuf,
  genPrivateMapKey,
  genUserSig,
  TRTC_PRIVILEGES,
  VERIFY_USER_SIG_FAILURE_REASONS,
  verifyUserSig,
} from './user-sig/user-sig.ts';
export { VERSION } from './version.ts';
export type { ParseTencentWebhookOptions } from './webhooks/parse.ts';
export { DEFAULT_WEBHOOK_MAX_BODY_BYTES, parseTencentWebhook } from './webhooks/parse.ts';
export { webhookAcknowledgement, webhookRejection } from './webhooks/responses.ts';
export type {
  CallbackSignCheck,
  CallbackSignFailure,
  VerifyCallbackSignOptions,
} from './webhooks/sign.ts';
export {
  checkCallbackSign,
  computeCallbackSign,
  DEFAULT_CALLBACK_TOLERANCE_SECONDS,
  verifyCallbackSign,
} from './webhooks/sign.ts';
export type {
  TencentBotC2CMessageWebhook,
  TencentBotGroupMessageWebhook,
  TencentC2CAfterSendWebhook,
  TencentC2CMessageFields,
  TencentChatMessagePayload,
  TencentGroupAfterSendWebhook,
  TencentGroupMessageFields,
  TencentUnknownWebhook,
  TencentWebhook,
  TencentWebhookBase,
  TencentWebhookCommand,
} from './webhooks/types.ts';
