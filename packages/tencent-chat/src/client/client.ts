import { accountMethods } from './accounts.ts';
import { messageMethods } from './messages.ts';
import type { TencentChatClientOptions } from './options.ts';
import { streamMethods } from './streams.ts';
import { createTencentChatTransport, type TencentChatTransport } from './transport.ts';
import type { TencentChatClient } from './types.ts';

/**
 * Creates a Tencent Cloud Chat REST client: regional hosts with a backup host, a cached admin
 * UserSig renewed before expiry (and on error 70001), a token bucket per API, per-attempt
 * timeouts, retries with back-off and jitter for transient failures (one retry loop per call),
 * and typed results. Options are checked here: a wrong `sdkAppId`, an empty `secretKey` or an
 * unknown `region` fails at once with a message naming the option. Connection settings left out
 * are read from the `TENCENT_IM_*` environment variables (an option given in code wins).
 *
 * @throws {ValidationError} when an option is invalid, or `sdkAppId` / `secretKey` is in neither
 *   the options nor the environment (the message names both).
 * @example
 * ```ts
 * // TENCENT_IM_SDK_APP_ID, TENCENT_IM_SECRET_KEY (and TENCENT_IM_ADMIN_USER_ID, TENCENT_IM_REGION…)
 * const client = createTencentChatClient();
 * await client.createRobot({ robotId: '@RBT#assistant', nick: 'Assistant' });
 * await client.addFriends({ userId: 'alice', friends: [{ userId: '@RBT#assistant' }] });
 * ```
 */
export function createTencentChatClient(
  options: TencentChatClientOptions & { transport?: TencentChatTransport | undefined } = {},
): TencentChatClient {
  const transport = options.transport ?? createTencentChatTransport(options);
  return {
    sdkAppId: transport.sdkAppId,
    adminUserId: transport.adminUserId,
    call: (service, command, body, callOptions) =>
      transport.call(service, command, body, callOptions),
    ...accountMethods(transport),
    ...messageMethods(transport),
    ...streamMethods(transport),
  };
}
