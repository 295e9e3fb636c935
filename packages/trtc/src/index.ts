/**
 * `@imbridge/trtc`: Tencent RTC conversational AI for LLM bots — TC3-HMAC-SHA256 signing, a
 * client for the TRTC API (the AI-conversation family), TRTC webhooks, and voice agents backed by
 * any `@imbridge/llm` model.
 *
 * @example
 * ```ts
 * import { createTrtcClient } from '@imbridge/trtc';
 * const trtc = createTrtcClient({ credentials: { secretId, secretKey }, region: 'ap-guangzhou' });
 * await trtc.stopAIConversation({ taskId });
 * ```
 * @module
 */
export * from './agent/index.ts';
export * from './client/index.ts';
export * from './signing/index.ts';
export { VERSION } from './version.ts';
export * from './webhooks/index.ts';
