import { botMethods } from './bots.ts';
import { messageMethods } from './messages.ts';
import type { RongCloudClientOptions } from './options.ts';
import { streamMethods } from './streams.ts';
import { createRongCloudTransport } from './transport.ts';
import type { RongCloudClient } from './types.ts';
import { userMethods } from './users.ts';

/**
 * Creates a RongCloud Server API client: regional primary and backup hosts with sticky
 * failover (network errors, timeouts and 5xx only — never 4xx, 1002 or 1004), every attempt
 * signed afresh (a new nonce and a millisecond timestamp; the official Node SDK signs once per
 * process), a token bucket per API, per-attempt timeouts, retries with back-off and jitter for
 * transient failures (5xx, 429, codes 1000 and 1008; one retry loop per call), form or JSON
 * bodies chosen per endpoint, and typed results. Options are checked here: an empty `appKey`,
 * a missing `appSecret` or an unknown `region` fails at once with a message naming the option.
 * Connection settings left out are read from the `RONGCLOUD_*` environment variables (an option
 * given in code wins).
 *
 * @throws {ValidationError} when an option is invalid, or `appKey` / `appSecret` is in neither
 *   the options nor the environment (the message names both).
 * @example
 * ```ts
 * // RONGCLOUD_APP_KEY, RONGCLOUD_APP_SECRET (and RONGCLOUD_REGION or RONGCLOUD_BASE_URL)
 * const client = createRongCloudClient();
 * await client.registerUser({ userId: 'assistant', name: 'Assistant' });
 * await client.createBot({
 *   userId: 'assistant', name: 'Assistant', type: 'Message AI', profileUrl: 'https://example.com/bot.png',
 *   integrations: [{ type: 'webhook', callbackUrl: 'https://bot.example.com/rongcloud', events: ['message:private'] }],
 * });
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/auth
 */
export function createRongCloudClient(options: RongCloudClientOptions = {}): RongCloudClient {
  const transport = createRongCloudTransport(options);
  return {
    appKey: transport.appKey,
    get baseUrl() {
      return transport.baseUrl;
    },
    call: (path, fields, callOptions) => transport.call(path, fields, callOptions),
    ...userMethods(transport),
    ...botMethods(transport),
    ...messageMethods(transport),
    ...streamMethods(transport),
  };
}
