/**
 * The catalogue of the Server APIs the local RongCloud answers: their paths, the body format each
 * one takes (form or JSON, chosen by the vendor per endpoint) and their documented call-rate
 * limits.
 *
 * @module
 */

/**
 * Every Server API path the local RongCloud answers. Form endpoints (`/user/*`, `/message/*`)
 * take `application/x-www-form-urlencoded`; `/v3/*` endpoints take `application/json`.
 *
 * @example
 * ```ts
 * for (const api of LOCAL_RONGCLOUD_APIS) local.failNext(api, 1000, 1, { host: 'primary' });
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/auth
 */
export const LOCAL_RONGCLOUD_APIS = [
  '/user/getToken.json',
  '/message/private/publish.json',
  '/message/group/publish.json',
  '/message/recall.json',
  '/v3/bot/create.json',
  '/v3/bot/query.json',
  '/v3/bot/get.json',
  '/v3/bot/update.json',
  '/v3/bot/delete.json',
  '/v3/bot/integration/create.json',
  '/v3/bot/integration/update.json',
  '/v3/bot/integration/delete.json',
  '/v3/message/private/publish_stream.json',
  '/v3/message/group/publish_stream.json',
] as const;

/**
 * One Server API path of the local RongCloud, e.g. `'/v3/bot/create.json'`.
 *
 * @example
 * ```ts
 * const api: LocalRongCloudAPI = '/message/private/publish.json';
 * ```
 */
export type LocalRongCloudAPI = (typeof LOCAL_RONGCLOUD_APIS)[number];

/** The body format an API takes: a form (`/user/*`, `/message/*`) or JSON (`/v3/*`). */
export type BodyFormat = 'form' | 'json';

/** The body format of `api`, by the vendor's rule: JSON for `/v3/*`, a form otherwise. */
export function bodyFormatOf(api: LocalRongCloudAPI): BodyFormat {
  return api.startsWith('/v3/') ? 'json' : 'form';
}

/** True when `path` is one of {@link LOCAL_RONGCLOUD_APIS}. */
export function isLocalRongCloudAPI(path: string): path is LocalRongCloudAPI {
  return (LOCAL_RONGCLOUD_APIS as readonly string[]).includes(path);
}

/**
 * Calls per second each API accepts before answering HTTP 429 with code 1008 (one token bucket
 * per API and app, shared by the primary and the backup host). Bot and stream APIs: 100/s
 * (RongCloud's bot and stream message pages). Group publish: 20 messages/s, where a call to
 * several groups spends one token per group (the Go SDK's `GroupSend` notes). The rest:
 * RongCloud's default of 100/s; private publish's documented 6000 messages per minute is
 * modelled as 100/s. Override any of them with the `rateLimits` option.
 *
 * @example
 * ```ts
 * const local = await createLocalRongCloud({ appKey, appSecret, rateLimits: { '/v3/bot/get.json': 2 } });
 * console.log(LOCAL_RONGCLOUD_DEFAULT_RATE_LIMITS['/message/group/publish.json']); // 20
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/create-a-bot
 * @see https://docs.rongcloud.cn/platform-chat-api/message/send-private-stream
 */
export const LOCAL_RONGCLOUD_DEFAULT_RATE_LIMITS: Readonly<Record<LocalRongCloudAPI, number>> = {
  '/user/getToken.json': 100,
  '/message/private/publish.json': 100,
  '/message/group/publish.json': 20,
  '/message/recall.json': 100,
  '/v3/bot/create.json': 100,
  '/v3/bot/query.json': 100,
  '/v3/bot/get.json': 100,
  '/v3/bot/update.json': 100,
  '/v3/bot/delete.json': 100,
  '/v3/bot/integration/create.json': 100,
  '/v3/bot/integration/update.json': 100,
  '/v3/bot/integration/delete.json': 100,
  '/v3/message/private/publish_stream.json': 100,
  '/v3/message/group/publish_stream.json': 100,
};
