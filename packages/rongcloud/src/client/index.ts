/**
 * The RongCloud Server API client: signed requests with host failover, users, bots with webhook
 * and Dify integrations, messages and `RC:StreamMsg` stream messages.
 *
 * @module
 */
export type {
  BotInfo,
  BotIntegration,
  BotIntegrationFields,
  BotIntegrationInfo,
  BotIntegrationOptions,
  BotMetadata,
  CreateBotOptions,
  DeleteBotIntegrationOptions,
  DeleteBotOptions,
  DifyBotIntegration,
  DifyBotIntegrationInfo,
  DifyIntegrationType,
  GetBotsOptions,
  GetBotsResult,
  ListBotsOptions,
  ListBotsResult,
  OtherBotIntegrationInfo,
  UpdateBotOptions,
  WebhookBotIntegration,
  WebhookBotIntegrationInfo,
} from './bot-types.ts';
export { DIFY_INTEGRATION_TYPES } from './bot-types.ts';
export { createRongCloudClient } from './client.ts';
export { RONGCLOUD_ENV_VARIABLES } from './environment.ts';
export { classifyRongCloudError, RONGCLOUD_SIGNATURE_HINT } from './errors.ts';
export type {
  MessageContent,
  MessageContentByObjectName,
  MessageMentions,
  MessageUserInfo,
  PublishedMessageUid,
  PublishGroupMessageOptions,
  PublishGroupStreamMessageOptions,
  PublishMessageFields,
  PublishMessageResult,
  PublishPrivateMessageOptions,
  PublishPrivateStreamMessageOptions,
  PublishStreamMessageFields,
  PublishStreamMessageResult,
  RecallMessageOptions,
  RongCloudConversationType,
  TextMessageContent,
} from './message-types.ts';
export { RONGCLOUD_CONVERSATION_TYPES } from './message-types.ts';
export type {
  CallOptions,
  RongCloudClientOptions,
  RongCloudHosts,
  RongCloudRegion,
} from './options.ts';
export { DEFAULT_RONGCLOUD_RETRY, RONGCLOUD_REGIONS } from './options.ts';
export { RONGCLOUD_MAX_STREAM_BODY_BYTES } from './streams.ts';
export type { RegisterUserOptions, RegisterUserResult, RongCloudClient } from './types.ts';
