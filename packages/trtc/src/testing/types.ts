/**
 * Public types of the local TRTC: its options, the handle it returns, and what it records.
 *
 * @module
 */

/** The actions the local TRTC answers (TRTC API 3.0, version `2019-07-22`). */
export const LOCAL_TRTC_ACTIONS = [
  'StartAIConversation',
  'DescribeAIConversation',
  'StopAIConversation',
  'UpdateAIConversation',
  'ControlAIConversation',
] as const;

/** A value of {@link LOCAL_TRTC_ACTIONS}. */
export type LocalTRTCAction = (typeof LOCAL_TRTC_ACTIONS)[number];

/**
 * The status of an AI-conversation task, as `DescribeAIConversation` reports it. The local TRTC
 * starts a task `InProgress` at once; a stopped task is `Stopped` in {@link LocalTRTC.tasks}
 * (TRTC itself forgets it: Describe and Stop answer `FailedOperation.TaskNotExist`).
 */
export type LocalTRTCTaskStatus = 'Idle' | 'Preparing' | 'InProgress' | 'Stopped';

/** Options of {@link createLocalTRTC}. */
export interface LocalTRTCOptions {
  /** The only API key's SecretId the server knows (`TENCENTCLOUD_SECRET_ID` in the examples). */
  secretId: string;
  /** Its SecretKey, which the server signs with to check requests (`TENCENTCLOUD_SECRET_KEY`). */
  secretKey: string;
  /** The application's SdkAppId; `StartAIConversation` must name it (`TRTC_SDK_APP_ID`). */
  sdkAppId: number;
  /**
   * Where the AI service webhooks (event group 9) go. Left out: none are sent.
   *
   * @default undefined
   */
  callbackUrl?: string | undefined;
  /**
   * The callback signing key of the console (`TRTC_CALLBACK_KEY`). With it, each webhook carries
   * `Sign: base64(HMAC-SHA256(callbackKey, body))`; without it, no `Sign` header, as TRTC does
   * when the console has no key.
   *
   * @default undefined
   */
  callbackKey?: string | undefined;
  /**
   * The server's clock in milliseconds since the epoch: request timestamps are checked against it
   * and task start times come from it.
   *
   * @default Date.now
   */
  now?: (() => number) | undefined;
  /**
   * The port on 127.0.0.1; 0 takes a free one.
   *
   * @default 0
   */
  port?: number | undefined;
  /**
   * How a failed webhook (a network error, no answer within 5 s, a non-2xx status) is retried:
   * at once, then every `intervalMs` while the message is at most `maxAgeMs` old (TRTC: every
   * 10 s for a minute). `false`: each webhook is tried once.
   *
   * @default { intervalMs: 10_000, maxAgeMs: 60_000 }
   */
  webhookRetry?: LocalTRTCWebhookRetry | false | undefined;
}

/** The retry schedule of {@link LocalTRTCOptions.webhookRetry}. */
export interface LocalTRTCWebhookRetry {
  /**
   * Wait between two retries after the immediate one, in milliseconds.
   *
   * @default 10_000
   */
  intervalMs?: number | undefined;
  /**
   * No retry is made once the message is older than this (milliseconds since it was raised).
   *
   * @default 60_000
   */
  maxAgeMs?: number | undefined;
}

/** One request the local TRTC received, in arrival order. */
export interface LocalTRTCRequestRecord {
  /** `X-TC-Action` as sent (`''` when missing). */
  readonly action: string;
  /** `X-TC-Region` as sent, if any. */
  readonly region: string | undefined;
  /** The SecretId of the `Authorization` header, when it could be read. */
  readonly secretId: string | undefined;
  /** The raw body, as UTF-8 text. */
  readonly bodyText: string;
  /** The `Error.Code` answered; `undefined` for a success, a reset or an HTTP error. */
  readonly errorCode: string | undefined;
  /** The HTTP status answered (`0` for a reset connection). */
  readonly httpStatus: number;
  /** The `RequestId` of the answer (`''` for a reset or an HTTP error). */
  readonly requestId: string;
}

/** An AI-conversation task the local TRTC keeps. */
export interface LocalTRTCTask {
  /** The `TaskId` returned by `StartAIConversation`. */
  readonly taskId: string;
  /** The `SessionId` of the start request, if any. */
  readonly sessionId: string | undefined;
  /** The room, as sent. */
  readonly roomId: string;
  /** `0` numeric room, `1` string room. */
  readonly roomIdType: number;
  /** The bot's TRTC user (`AgentConfig.UserId`). */
  readonly botUserId: string;
  /** The user the bot listens to (`AgentConfig.TargetUserId`). */
  readonly targetUserId: string;
  /** The `LLMConfig` JSON string, as last sent (by Start, or an Update that carried one). */
  readonly llmConfig: string;
  /** The `TTSConfig` JSON string, as last sent (by Start, or an Update that carried one). */
  readonly ttsConfig: string;
  /** The greeting (`AgentConfig.WelcomeMessage`, or the last Update's `WelcomeMessage`). */
  readonly welcomeMessage: string | undefined;
  /** `InterruptMode`: `0` the server interrupts the bot (the default), `1` the client does. */
  readonly interruptMode: number;
  /** `InterruptSpeechDuration` in milliseconds (default 500). */
  readonly interruptSpeechDurationMs: number;
  /** Where the task is. */
  readonly status: LocalTRTCTaskStatus;
  /** When it started, in milliseconds since the epoch (the `now` option's clock). */
  readonly startedAtMs: number;
  /** When it stopped, if it did. */
  readonly stoppedAtMs: number | undefined;
}

/**
 * One POST of a webhook the local TRTC made, in the order the POSTs ended: a webhook retried
 * twice has three records (`attempt` 1, 2, 3) with the same `body`.
 */
export interface LocalTRTCWebhookRecord {
  /**
   * The group-9 `EventType`: 901 task started, 902 task stopped, 903 a user's sentence or the
   * bot's reply, 904 a user started speaking, 905 the bot finished speaking, 908 an LLM error.
   */
  readonly eventType: number;
  /** The task it is about. */
  readonly taskId: string;
  /** The exact body posted. */
  readonly body: string;
  /** The `Sign` header sent, if a `callbackKey` was set. */
  readonly sign: string | undefined;
  /** The HTTP status the receiver answered; `undefined` when the POST itself failed. */
  readonly status: number | undefined;
  /** Why the POST failed (a network error or a timeout), if it did. */
  readonly error: string | undefined;
  /** `1` for the first POST of this webhook, `2` for the immediate retry, and so on. */
  readonly attempt: number;
}

/**
 * Why a turn failed:
 *
 * - `timeout`: no answer (headers and first chunk) within `LLMConfig.Timeout`;
 * - `http-error`: the LLM answered a non-2xx status;
 * - `network-error`: no answer at all (refused, reset, cut mid-stream);
 * - `llm-error`: an `{"error": …}` object, as an SSE event or as the JSON answer;
 * - `invalid-response`: an answer that is neither an SSE stream of chunks nor a completion.
 */
export const LOCAL_TRTC_TURN_FAILURES = [
  'timeout',
  'http-error',
  'network-error',
  'llm-error',
  'invalid-response',
] as const;

/** A value of {@link LOCAL_TRTC_TURN_FAILURES}. */
export type LocalTRTCTurnFailure = (typeof LOCAL_TRTC_TURN_FAILURES)[number];

/** How a turn ended. */
export type LocalTRTCTurnStatus = 'completed' | 'failed' | 'aborted';

/**
 * One turn: a user's utterance (or an `InvokeLLM` command) and the LLM call it made. Never
 * holds the API key.
 */
export interface LocalTRTCTurn {
  /** The task. */
  readonly taskId: string;
  /** The round, as the 903/904/905/908 webhooks of this turn carry it (`RoundId`). */
  readonly roundId: string;
  /** The `X-Request-Id` header sent to the LLM (a new one per turn). */
  readonly requestId: string;
  /** The user message sent last: the utterance, or the `InvokeLLM` `Content`. */
  readonly userText: string;
  /** The reply: all of it when completed, what had arrived otherwise. */
  readonly replyText: string;
  /** How it ended. */
  readonly status: LocalTRTCTurnStatus;
  /** Why it failed, when it did. */
  readonly failure: LocalTRTCTurnFailure | undefined;
  /** The HTTP status the LLM answered, if it answered. */
  readonly httpStatus: number | undefined;
  /**
   * A short description of the failure (at most 200 characters, never the API key): `'timeout'`
   * for a timeout, `HTTP <status>: <message>` for an HTTP error, the LLM's error message for an
   * `llm-error`.
   */
  readonly error: string | undefined;
  /** True for a turn of `ControlAIConversation` `InvokeLLM` (sent with `X-Invoke-LLM: 1`). */
  readonly invokeLLM: boolean;
}

/** Options of {@link LocalTRTC.simulateUtterance}. */
export interface LocalTRTCUtteranceOptions {
  /** Aborts the turn: the LLM request's connection is dropped and the turn ends `aborted`. */
  signal?: AbortSignal | undefined;
}

/**
 * A `ControlAIConversation` `ServerPushText` the local TRTC received: its fields as sent
 * (`undefined` when left out).
 */
export interface LocalTRTCPushedText {
  /** The task. */
  readonly taskId: string;
  /** `Text`: what the bot is to say. */
  readonly text: string | undefined;
  /** `Audio`: base64 audio to play instead of `Text`. */
  readonly audio: string | undefined;
  /** `Interrupt`: it may cut the bot's current speech (the task's running turns are aborted). */
  readonly interrupt: boolean | undefined;
  /** `StopAfterPlay`: the task stops after it (at once, as nothing is played). */
  readonly stopAfterPlay: boolean | undefined;
  /** `DropMode`: `0` dropped during an interaction, `1` queued. */
  readonly dropMode: number | undefined;
  /** `Priority`: `0` interruptible, `1` not. */
  readonly priority: number | undefined;
  /** `AddHistory`: the text was added to the task's LLM history as an assistant message. */
  readonly addHistory: boolean | undefined;
  /** `MetaInfo`, the JSON string as sent. */
  readonly metaInfo: string | undefined;
  /** When it was received (the `now` option's clock). */
  readonly atMs: number;
}

/**
 * What {@link LocalTRTC.failNext} makes the next calls of an action answer, after their
 * signature is checked and before they are processed (nothing is stored):
 *
 * - `{ code, message }`: the API 3.0 error envelope with this `Error.Code` (HTTP 200, as Tencent);
 * - `{ httpStatus }`: that HTTP status with a plain-text body (a gateway's error page);
 * - `{ reset: true }`: the connection is closed without an answer.
 */
export type LocalTRTCFault =
  | { readonly code: string; readonly message: string }
  | { readonly httpStatus: number }
  | { readonly reset: true };

/** A running local TRTC, from {@link createLocalTRTC}. */
export interface LocalTRTC {
  /** `http://127.0.0.1:PORT`: the endpoint to give a client instead of `https://trtc.tencentcloudapi.com`. */
  readonly baseUrl: string;
  /** Every request received so far, oldest first (a copy). */
  readonly requests: readonly LocalTRTCRequestRecord[];
  /** Every task started so far, running or stopped, oldest first (a copy). */
  readonly tasks: readonly LocalTRTCTask[];
  /** Every webhook POST that has ended so far, retries included, oldest first (a copy). */
  readonly webhooks: readonly LocalTRTCWebhookRecord[];
  /** Every turn that has ended so far, oldest first (a copy). */
  readonly turns: readonly LocalTRTCTurn[];
  /** Every `ServerPushText` received so far, oldest first (a copy). */
  readonly pushedTexts: readonly LocalTRTCPushedText[];
  /**
   * Plays one user utterance (a full ASR sentence of the target user) into a running task: the
   * local TRTC posts 904 and 903 (the user's text), calls the task's LLM like TRTC does, and
   * posts 903 (the reply) and 905, or 908 (`llm_error`) when the call fails.
   *
   * @param text The recognised sentence, sent as the last user message.
   * @returns The turn, once it has ended. An LLM failure resolves (status `failed`); so does an
   *   abort through `options.signal` or a Stop of the task (status `aborted`).
   * @throws {LocalTRTCTaskNotFoundError} when the task is unknown or stopped.
   * @example
   * ```ts
   * const turn = await local.simulateUtterance(taskId, 'What is the weather like?');
   * console.log(turn.status, turn.replyText);
   * ```
   */
  simulateUtterance(
    taskId: string,
    text: string,
    options?: LocalTRTCUtteranceOptions,
  ): Promise<LocalTRTCTurn>;
  /** Resolves once every turn started so far (`InvokeLLM` ones too) has ended. */
  flushTurns(): Promise<void>;
  /**
   * Makes the next `times` calls of `action` fail with `fault` (faults queue up in order).
   *
   * @param times How many calls fail. @default 1
   * @example
   * ```ts
   * local.failNext('StartAIConversation', { code: 'InternalError', message: 'try again' });
   * local.failNext('StopAIConversation', { httpStatus: 502 }, 2);
   * local.failNext('DescribeAIConversation', { reset: true });
   * ```
   */
  failNext(action: LocalTRTCAction, fault: LocalTRTCFault, times?: number): void;
  /**
   * Resolves once every webhook raised so far has been delivered or given up on, retries
   * included (with the default schedule, a dead receiver holds this for up to a minute).
   */
  flushWebhooks(): Promise<void>;
  /**
   * Stops listening, drops open connections and aborts the running turns. Webhooks already
   * raised get their POST (each bounded by the 5 s timeout) but no retry is scheduled any more,
   * and waiting retries are dropped: `close` does not wait for a retry schedule. Idempotent.
   */
  close(): Promise<void>;
}
