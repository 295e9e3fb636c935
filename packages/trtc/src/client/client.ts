import type { CallOptions, TRTCClientOptions } from './options.ts';
import { createTrtcTransport, type TRTCResponse } from './transport.ts';

/** A TRTC API 3.0 client. */
export interface TRTCClient {
  /** The region sent as `X-TC-Region` unless a call overrides it. */
  readonly region: string;
  /** The base URL calls go to. */
  readonly baseUrl: string;
  /**
   * Calls any TRTC action (version `2019-07-22`) with its wire parameters and returns the
   * answer's `Response` object (`RequestId` included).
   *
   * @param action - The action, e.g. `'DescribeAIConversation'`.
   * @param params - The action's parameters, as Tencent names them (serialised once, signed as sent).
   * @throws {APICallError} for a failed call: `providerCode` is Tencent's `Error.Code`, with
   *   `requestId`, `retryable` and, for codes that say what to fix, a `hint`.
   * @throws {AbortedError} when `options.signal` fires.
   * @throws {ValidationError} when `action` or `options.region` is malformed, or the credentials
   *   cannot be resolved.
   * @example
   * ```ts
   * const { Status } = await client.call('DescribeAIConversation', { TaskId: taskId });
   * ```
   */
  call(
    action: string,
    params?: Readonly<Record<string, unknown>>,
    options?: CallOptions,
  ): Promise<TRTCResponse>;
}

/**
 * Creates a TRTC API 3.0 client: every attempt signed with TC3-HMAC-SHA256 over the exact body
 * sent (a fresh timestamp each time; credentials, or an async provider of temporary credentials
 * sent with `X-TC-Token`, resolved before each attempt), the China or international host, a
 * token bucket per action, per-attempt timeouts, retries with back-off for `RequestLimitExceeded*`,
 * `InternalError`, `ServiceUnavailable`, network errors and 5xx (never for `AuthFailure*`), and
 * typed errors with Tencent's code, request id and a hint. No secret ever appears in an error.
 * Options are checked here: a missing secret, a malformed region or an unknown endpoint fails at
 * once with a message naming the option.
 *
 * Without `credentials`, the client reads `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and
 * `TENCENTCLOUD_SESSION_TOKEN` from the environment once, at creation.
 *
 * @throws {ValidationError} code `invalid-option` when an option is invalid.
 * @example
 * ```ts
 * const client = createTrtcClient({
 *   credentials: {
 *     secretId: process.env.TENCENTCLOUD_SECRET_ID ?? '',
 *     secretKey: process.env.TENCENTCLOUD_SECRET_KEY ?? '',
 *   },
 *   region: 'ap-singapore',
 *   endpoint: 'international',
 * });
 * await client.call('StopAIConversation', { TaskId: taskId });
 * ```
 * @see https://trtc.io/document/34262 (TRTC API 3.0 endpoints)
 */
export function createTrtcClient(options: TRTCClientOptions): TRTCClient {
  const transport = createTrtcTransport(options);
  return {
    region: transport.region,
    baseUrl: transport.baseUrl,
    call: (action, params, callOptions) => transport.call(action, params, callOptions),
  };
}
