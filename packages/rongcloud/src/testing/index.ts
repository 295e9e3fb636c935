/**
 * `@imbridge/rongcloud/testing`: a local RongCloud on 127.0.0.1 for tests and demos.
 *
 * @module
 */
export { VERSION } from '../version.ts';
export type { LocalRongCloudAPI } from './apis.ts';
export {
  LOCAL_RONGCLOUD_APIS,
  LOCAL_RONGCLOUD_DEFAULT_RATE_LIMITS,
} from './apis.ts';
export { DIFY_CONVERSATION_TTL_MS } from './dify-conversations.ts';
export { LOCAL_RONGCLOUD_ERROR_CODES } from './error-codes.ts';
export { createLocalRongCloud } from './local-rongcloud.ts';
export type {
  LocalBot,
  LocalConversation,
  LocalConversationSelector,
  LocalMessage,
  LocalStreamChunk,
  LocalStreamState,
} from './stored-types.ts';
export type {
  LocalDeliveryResult,
  LocalDifyCall,
  LocalFaultOptions,
  LocalHost,
  LocalRequestRecord,
  LocalRongCloud,
  LocalRongCloudOptions,
  LocalWebhookDelivery,
  LocalWebhookOptions,
} from './types.ts';
