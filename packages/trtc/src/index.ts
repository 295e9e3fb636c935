/**
 * `@imbridge/trtc`: Tencent RTC conversational AI for LLM bots — TC3-HMAC-SHA256 signing, a
 * client for the TRTC API (the AI-conversation family), and TRTC webhooks.
 *
 * @example
 * ```ts
 * import { createTrtcClient } from '@imbridge/trtc';
 * const trtc = createTrtcClient({ credentials: { secretId, secretKey }, region: 'ap-guangzhou' });
 * await trtc.stopAIConversation({ taskId });
 * ```
 * @module
 */
export * from './client/index.ts';
export * from './signing/index.ts';
export { VERSION } from './version.ts';
export * from './webhooks/index.ts';
