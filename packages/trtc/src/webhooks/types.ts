/**
 * Why an AI conversation ended, by the `LeaveCode` of an `EVENT_TYPE_AI_SERVICE_STOP` (902)
 * callback: 0 the StopAIConversation API; 1 a user kicked the bot out; 2 a user dismissed the
 * room; 3 the server kicked the bot out; 4 the server dismissed the room; 98 an internal error
 * (TRTC advises starting again); 99 no stream from anyone but the bot for longer than the
 * timeout. Any other code is `'unknown'`.
 *
 * @see https://trtc.io/document/68331
 */
export const TRTC_AGENT_STOP_REASONS = {
  /** Stopped by the StopAIConversation API. */
  0: 'stop-api',
  /** A user kicked the bot out of the room. */
  1: 'kicked-by-user',
  /** A user dismissed the room. */
  2: 'room-dismissed-by-user',
  /** The server kicked the bot out of the room. */
  3: 'kicked-by-server',
  /** The server dismissed the room. */
  4: 'room-dismissed-by-server',
  /** An internal error of TRTC; start the conversation again. */
  98: 'internal-error',
  /** No stream from anyone but the bot for longer than the timeout. */
  99: 'no-user-stream',
} as const;

/** The values of {@link TRTC_AGENT_STOP_REASONS}, and `'unknown'` for any other `LeaveCode`. */
export type TRTCAgentStopReason =
  | (typeof TRTC_AGENT_STOP_REASONS)[keyof typeof TRTC_AGENT_STOP_REASONS]
  | 'unknown';

/**
 * The metrics TRTC documents for `EVENT_TYPE_AI_METRIC_MESSAGE` (906). Other names are passed
 * on as they are.
 *
 * @see https://trtc.io/document/68331
 */
export const TRTC_METRIC_NAMES = [
  'asr_latency',
  'llm_network_latency',
  'llm_first_token',
  'tts_network_latency',
  'tts_first_frame_latency',
  'tts_discontinuity',
  'interruption',
] as const;

/** One of {@link TRTC_METRIC_NAMES}. */
export type TRTCMetricName = (typeof TRTC_METRIC_NAMES)[number];

/** Fields of every parsed TRTC callback, whatever its group. */
export interface TRTCWebhookFields {
  /** The event group (`EventGroupId`): 9 for the AI service events. */
  eventGroupId: number;
  /** The vendor event type (`EventType`), e.g. `901`. */
  eventType: number;
  /**
   * The SDKAppID in the `SdkAppId` header, when it holds a positive integer. Not covered by the
   * signature; pass `sdkAppId` to `parseTrtcWebhook` to refuse callbacks of other apps.
   */
  sdkAppId?: number;
  /**
   * When TRTC sent the callback, unix milliseconds (`CallbackTs`, or `CallbackMsTs` as the field
   * table spells it), when the body carries a non-negative integer or a string of digits.
   */
  callbackTimeMs?: number;
  /** The whole JSON body, unvalidated beyond the fields mapped into this result. */
  raw: Readonly<Record<string, unknown>>;
}

/** Fields of every parsed AI service event (group 9). */
export interface TRTCAIServiceWebhookFields extends TRTCWebhookFields {
  /** The AI conversation task (`EventInfo.TaskId`), as returned by StartAIConversation. */
  taskId: string;
  /** The room (`EventInfo.RoomId`), as a string even when TRTC sends a number. */
  roomId: string;
  /** `EventInfo.RoomIdType` as sent (TRTC's convention: 0 numeric room id, 1 string room id). */
  roomIdType?: number;
  /**
   * When the event happened, unix milliseconds (`EventInfo.EventMsTs`, documented as a string,
   * sent as a number), when it is a non-negative integer or a string of digits. TRTC redelivers
   * callbacks that are not answered with a 200: deduplicate on `taskId`, `eventType` and this.
   */
  eventTimeMs?: number;
}

/**
 * `EVENT_TYPE_AI_SERVICE_START` (901): the AI conversation task started, or failed to.
 *
 * @see https://trtc.io/document/68331
 */
export interface TRTCAgentStartedWebhook extends TRTCAIServiceWebhookFields {
  /** Discriminant. */
  kind: 'agent-started';
  /** True when `Payload.Status` is 0; false when the task failed to start (1). */
  succeeded: boolean;
  /** `Payload.Status` as sent: 0 success, 1 failure. */
  status: number;
}

/**
 * `EVENT_TYPE_AI_SERVICE_STOP` (902): the AI conversation task ended.
 *
 * @see https://trtc.io/document/68331
 */
export interface TRTCAgentStoppedWebhook extends TRTCAIServiceWebhookFields {
  /** Discriminant. */
  kind: 'agent-stopped';
  /** Why it ended, from the `LeaveCode` (see {@link TRTC_AGENT_STOP_REASONS}). */
  stopReason: TRTCAgentStopReason;
  /** `Payload.LeaveCode` as sent. */
  leaveCode: number;
}

/**
 * `EVENT_TYPE_AI_SERVICE_MSG` (903): a whole sentence recognised from a user (ASR) or a whole
 * reply of the LLM. The body has no role flag: compare `userId` with the bot's user id.
 *
 * @see https://trtc.io/document/68331
 */
export interface TRTCMessageWebhook extends TRTCAIServiceWebhookFields {
  /** Discriminant. */
  kind: 'message';
  /** Who spoke (`Payload.UserId`): a user for a recognised sentence, the bot for a reply. */
  userId: string;
  /** The sentence or the reply (`Payload.Text`). */
  text: string;
  /** The conversation round (`Payload.RoundId`), when given. */
  roundId?: string;
  /** Start of the sentence (`Payload.StartTimeMs`), milliseconds as sent, when a number. */
  startTimeMs?: number;
  /** End of the sentence (`Payload.EndTimeMs`), milliseconds as sent, when a number. */
  endTimeMs?: number;
}

/**
 * `EVENT_TYPE_AI_START_OF_SPEECH` (904): a user started speaking (a new round begins; the bot
 * may be interrupted).
 *
 * @see https://trtc.io/document/68331
 */
export interface TRTCSpeechStartedWebhook extends TRTCAIServiceWebhookFields {
  /** Discriminant. */
  kind: 'speech-started';
  /** Who started speaking (`Payload.UserId`). */
  userId: string;
  /** The conversation round (`Payload.RoundId`), when given. */
  roundId?: string;
}

/**
 * `EVENT_TYPE_AI_SPEAKING_FINISHED` (905): the bot finished speaking its reply.
 *
 * @see https://trtc.io/document/68331
 */
export interface TRTCAgentSpeakingFinishedWebhook extends TRTCAIServiceWebhookFields {
  /** Discriminant. */
  kind: 'agent-speaking-finished';
  /** The bot's user id (`Payload.UserId`). */
  userId: string;
  /** The conversation round (`Payload.RoundId`), when given. */
  roundId?: string;
  /** What the bot said (`Payload.Text`), when given. */
  text?: string;
}

/**
 * `EVENT_TYPE_AI_METRIC_MESSAGE` (906): one latency or quality figure of a round.
 *
 * @see https://trtc.io/document/68331
 */
export interface TRTCMetricWebhook extends TRTCAIServiceWebhookFields {
  /** Discriminant. */
  kind: 'metric';
  /** The metric (`Payload.Metric`): one of {@link TRTC_METRIC_NAMES} or a newer name. */
  metric: TRTCMetricName | (string & {});
  /**
   * Its value (`Payload.Value`) as sent: milliseconds for the latencies (TRTC's `*_latency`,
   * `llm_first_token`), a count or flag for the others. A string holding a number is converted.
   */
  value: number;
  /** The conversation round (`Payload.Tag.RoundId`), when given. */
  roundId?: string;
}

/**
 * `EVENT_TYPE_AI_ERROR_METRIC_CALLBACK` (908): a stage of the pipeline failed (e.g. `llm_error`
 * when the LLM endpoint failed).
 *
 * @see https://trtc.io/document/68331
 */
export interface TRTCErrorWebhook extends TRTCAIServiceWebhookFields {
  /** Discriminant. */
  kind: 'error';
  /** What failed (`Payload.Metric`), e.g. `llm_error`. */
  metric: string;
  /** The conversation round (`Payload.Tag.RoundId`), when given. */
  roundId?: string;
  /** The vendor's error code (`Payload.Tag.Code`), when given. */
  errorCode?: number | string;
  /** The vendor's error text (`Payload.Tag.Message`), when given. */
  errorMessage?: string;
}

/**
 * `EVENT_TYPE_AI_SESSION_STATUS_CALLBACK` (909): the session's status changed; `session_ready`
 * once the bot is in the room and listening.
 *
 * @see https://trtc.io/document/68331
 */
export interface TRTCSessionStatusWebhook extends TRTCAIServiceWebhookFields {
  /** Discriminant. */
  kind: 'session-status';
  /** `Payload.Status` as sent, e.g. `session_ready`. */
  status: string;
}

/**
 * A callback of another event group (room and media events…) or an event type of group 9
 * without a typed result (such as 907, which TRTC does not document): acknowledge it and report
 * it as ignored.
 */
export interface TRTCUnknownWebhook extends TRTCWebhookFields {
  /** Discriminant. */
  kind: 'unknown';
}

/**
 * A verified, validated TRTC server callback, discriminated by `kind`.
 *
 * @see https://trtc.io/document/68331
 */
export type TRTCWebhook =
  | TRTCAgentStartedWebhook
  | TRTCAgentStoppedWebhook
  | TRTCMessageWebhook
  | TRTCSpeechStartedWebhook
  | TRTCAgentSpeakingFinishedWebhook
  | TRTCMetricWebhook
  | TRTCErrorWebhook
  | TRTCSessionStatusWebhook
  | TRTCUnknownWebhook;

/** The `kind` values of {@link TRTCWebhook}. */
export type TRTCWebhookKind = TRTCWebhook['kind'];
