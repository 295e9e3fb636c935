export { VERSION } from '../version.ts';
export type {
  LocalConversation,
  LocalConversationSelector,
  LocalDeliveryResult,
  LocalFaultOptions,
  LocalGroupType,
  LocalMessage,
  LocalRequestRecord,
  LocalTencentChat,
  LocalTencentChatOptions,
  LocalWebhookOptions,
} from './local-tencent-chat.ts';
export {
  createLocalTencentChat,
  LOCAL_TENCENT_CHAT_ERROR_CODES,
} from './local-tencent-chat.ts';
