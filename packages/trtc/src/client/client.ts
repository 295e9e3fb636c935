import type { AIConversationMethods } from './conversation.ts';
import type {
  ControlAIConversationOptions,
  DescribeAIConversationOptions,
  DescribeAIConversationResult,
  StartAIConversationOptions,
  StartAIConversationResult,
  StopAIConversationOptions,
  TRTCActionResult,
  UpdateAIConversationOptions,
} from './conversation-types.ts';
import type { CallOptions, TRTCClientOptions } from './options.ts';
import type { AITranscriptionMethods } from './transcription.ts';
import type {
  DescribeAITranscriptionOptions,
  DescribeAITranscriptionResult,
  StartAITranscriptionOptions,
  StartAITranscriptionResult,
  StopAITranscriptionOptions,
} from './transcription-types.ts';
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

  /**
   * Puts an AI agent into a room (`StartAIConversation`): TRTC transcribes `agentConfig.targetUserId`,
   * asks the LLM of `llmConfig` and speaks its answer with `ttsConfig`. Options are checked before
   * anything is sent; `llmConfig` and `ttsConfig` go out as the JSON strings TRTC expects; their
   * keys (and the agent's UserSig) are redacted from every error. `roomId`'s type picks
   * `RoomIdType` (see {@link RoomId}).
   *
   * With a `sessionId`, a second start of the same session does not throw
   * `FailedOperation.TaskExist`: it resolves to `{ status: 'already-running', sessionId }`.
   *
   * @throws {ValidationError} when an option is invalid (no request is made).
   * @throws {APICallError} for a failed call, e.g. `InvalidParameter.UserSig` with a hint.
   * @example
   * ```ts
   * const result = await trtc.startAIConversation({
   *   sdkAppId: 1400000000,
   *   roomId: 'support-42',
   *   sessionId: 'support-42',
   *   agentConfig: { userId: 'agent-1', userSig, targetUserId: 'alice' },
   *   llmConfig: { type: 'openai', model: 'gpt-4o-mini', apiKey, apiUrl: 'https://api.openai.com/v1/chat/completions', streaming: true },
   *   ttsConfig: { type: 'flow', voiceId: 'v-female-R2s4N9qJ', model: 'flow_01_turbo' },
   * });
   * if (result.status === 'started') console.log(result.taskId);
   * ```
   * @see https://cloud.tencent.com/document/api/647/108514
   */
  startAIConversation(options: StartAIConversationOptions): Promise<StartAIConversationResult>;

  /**
   * Stops a conversation (`StopAIConversation`).
   *
   * @throws {APICallError} `FailedOperation.TaskNotExist` (kind `not-found`) when it already ended.
   * @see https://cloud.tencent.com/document/api/647/108513
   */
  stopAIConversation(options: StopAIConversationOptions): Promise<TRTCActionResult>;

  /**
   * Reads a running conversation's state (`DescribeAIConversation`), by `taskId` or by
   * `sdkAppId` and `sessionId`.
   *
   * @throws {APICallError} `FailedOperation.TaskNotExist` (kind `not-found`) once it has ended.
   * @see https://cloud.tencent.com/document/api/647/108512
   */
  describeAIConversation(
    options: DescribeAIConversationOptions,
  ): Promise<DescribeAIConversationResult>;

  /**
   * Changes a running conversation (`UpdateAIConversation`); fields left out are kept. New
   * `llmConfig`/`ttsConfig` keys are redacted from errors like Start's.
   *
   * @throws {ValidationError} when an option is invalid (no request is made).
   * @throws {APICallError} for a failed call.
   * @see https://cloud.tencent.com/document/api/647/110461
   */
  updateAIConversation(options: UpdateAIConversationOptions): Promise<TRTCActionResult>;

  /**
   * Drives a running conversation (`ControlAIConversation`): `'server-push-text'` makes the agent
   * say a text (or play audio) now; `'invoke-llm'` sends text to the LLM as if the user said it.
   *
   * @throws {ValidationError} when an option is invalid (no request is made).
   * @throws {APICallError} for a failed call.
   * @see https://cloud.tencent.com/document/api/647/110460
   */
  controlAIConversation(options: ControlAIConversationOptions): Promise<TRTCActionResult>;

  /**
   * Puts a transcription robot into a room (`StartAITranscription`): it transcribes the whole room
   * or one user, optionally translating the transcript. Options are checked before anything is
   * sent; the robot's UserSig is redacted from every error. `roomId`'s type picks `RoomIdType`
   * (see {@link RoomId}). Tasks end 10 hours after they start at the latest.
   *
   * With a `sessionId`, a second start of the same session does not throw
   * `FailedOperation.TaskExist`: it resolves to `{ status: 'already-running', sessionId }`.
   *
   * @throws {ValidationError} when an option is invalid (no request is made).
   * @throws {APICallError} for a failed call, e.g. `InvalidParameter.UserSig` with a hint.
   * @example
   * ```ts
   * const result = await trtc.startAITranscription({
   *   sdkAppId: 1400000000,
   *   roomId: 'support-42',
   *   transcriptionParams: { userId: 'transcriber-1', userSig },
   *   recognizeConfig: { language: 'en' },
   *   translationConfig: { targetLanguages: ['zh'], mode: 'text' },
   * });
   * if (result.status === 'started') console.log(result.taskId);
   * ```
   */
  startAITranscription(options: StartAITranscriptionOptions): Promise<StartAITranscriptionResult>;

  /**
   * Stops a transcription (`StopAITranscription`).
   *
   * @throws {APICallError} `FailedOperation.TaskNotExist` (kind `not-found`) when it already ended.
   */
  stopAITranscription(options: StopAITranscriptionOptions): Promise<TRTCActionResult>;

  /**
   * Reads a running transcription's state (`DescribeAITranscription`), by `taskId` or by
   * `sdkAppId` and `sessionId`.
   *
   * @throws {APICallError} `FailedOperation.TaskNotExist` (kind `not-found`) once it has ended.
   */
  describeAITranscription(
    options: DescribeAITranscriptionOptions,
  ): Promise<DescribeAITranscriptionResult>;
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
 * Every option left out is read from its environment variable once, at creation: `credentials`
 * from `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY` and `TENCENTCLOUD_SESSION_TOKEN`,
 * `region` from `TENCENTCLOUD_REGION`, `endpoint` / `baseUrl` from `TRTC_ENDPOINT` /
 * `TRTC_BASE_URL` (see `TRTC_ENV_VARIABLES`), from `process.env` or the `env` option; an option
 * given in code always wins.
 *
 * @throws {ValidationError} code `invalid-option` when an option or a variable is invalid, or
 *   the API key or the region is in neither the options nor the environment (the message names
 *   both, never a secret's value).
 * @example
 * ```ts
 * // TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_REGION
 * const trtc = createTrtcClient();
 *
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
export function createTrtcClient(options: TRTCClientOptions = {}): TRTCClient {
  const transport = createTrtcTransport(options);
  // The typed actions check their options with zod: loaded with the first of them, not at import.
  let loaded: Promise<AIConversationMethods & AITranscriptionMethods> | undefined;
  const methods = () =>
    (loaded ??= Promise.all([import('./conversation.ts'), import('./transcription.ts')]).then(
      ([conversation, transcription]) => ({
        ...conversation.aiConversationMethods(transport),
        ...transcription.aiTranscriptionMethods(transport),
      }),
    ));
  return {
    region: transport.region,
    baseUrl: transport.baseUrl,
    call: (action, params, callOptions) => transport.call(action, params, callOptions),
    startAIConversation: async (input) => (await methods()).startAIConversation(input),
    stopAIConversation: async (input) => (await methods()).stopAIConversation(input),
    describeAIConversation: async (input) => (await methods()).describeAIConversation(input),
    updateAIConversation: async (input) => (await methods()).updateAIConversation(input),
    controlAIConversation: async (input) => (await methods()).controlAIConversation(input),
    startAITranscription: async (input) => (await methods()).startAITranscription(input),
    stopAITranscription: async (input) => (await methods()).stopAITranscription(input),
    describeAITranscription: async (input) => (await methods()).describeAITranscription(input),
  };
}
