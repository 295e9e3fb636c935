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
  /** The `LLMConfig` JSON string, as sent. */
  readonly llmConfig: string;
  /** The `TTSConfig` JSON string, as sent. */
  readonly ttsConfig: string;
  /** Where the task is. */
  readonly status: LocalTRTCTaskStatus;
  /** When it started, in milliseconds since the epoch (the `now` option's clock). */
  readonly startedAtMs: number;
  /** When it stopped, if it did. */
  readonly stoppedAtMs: number | undefined;
}

/** One webhook the local TRTC posted (or tried to), in the order they were sent. */
export interface LocalTRTCWebhookRecord {
  /** The group-9 `EventType`: 901 task started, 902 task stopped. */
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
  /** Every webhook posted so far whose POST has ended, oldest first (a copy). */
  readonly webhooks: readonly LocalTRTCWebhookRecord[];
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
  /** Resolves once every webhook posted so far has been answered or has failed. */
  flushWebhooks(): Promise<void>;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}
