/**
 * `@imbridge/rongcloud`: RongCloud (融云) for LLM bots — per-request signing with host failover,
 * a typed server API client (users, bots with webhook and Dify integrations, messages,
 * `RC:StreamMsg` stream messages), signed bot webhooks and an `@imbridge/core` chat adapter.
 *
 * @example
 * ```ts
 * import { createRongCloudAdapter } from '@imbridge/rongcloud';
 * // appKey, appSecret, botUserIds… or the RONGCLOUD_* environment variables
 * const adapter = createRongCloudAdapter({ botUserIds: ['bot-assistant'] });
 * const handler = createBot({ model }).webhook(adapter);
 * ```
 * @module
 */
export * from './adapter/index.ts';
export * from './client/index.ts';
export * from './signing/index.ts';
export { VERSION } from './version.ts';
export * from './webhooks/index.ts';
