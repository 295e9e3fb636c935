import type { STTConfig } from './agent-config.ts';
import type { AIConversationStatus } from './conversation-types.ts';
import type { CallOptions } from './options.ts';
import type { RoomId } from './room.ts';

/** Who a transcription robot transcribes (`TranscriptionMode`). */
export type AITranscriptionMode = 'room' | 'single-user';

/** The transcription robot and what it listens to (TRTC's `TranscriptionParams`). */
export interface AITranscriptionParams {
  /** The robot's TRTC user id. */
  userId: string;
  /** The UserSig of `userId`. Redacted from the call's errors. */
  userSig: string;
  /**
   * Seconds the task lives on once every publisher has left the room.
   *
   * @default 60
   */
  maxIdleTimeSeconds?: number | undefined;
  /**
   * `'room'` transcribes the whole room (one task per room); `'single-user'` transcribes
   * `targetUserId` only (robots then subscribe to each other).
   *
   * @default 'room'
   */
  mode?: AITranscriptionMode | undefined;
  /** The user transcribed; required when `mode` is `'single-user'`. */
  targetUserId?: string | undefined;
  /** The users transcribed (`TargetUserIdList`). */
  targetUserIds?: readonly string[] | undefined;
  /**
   * Voice-print filtering (`VoicePrint`): `enabled` is its `Mode`, `ids` its `IdList`. The
   * reference names this field for transcriptions without its contents; the shape is the one
   * `AgentConfig.VoicePrint` documents (an assumption, to be confirmed against TRTC's docs).
   */
  voicePrint?: { enabled?: boolean | undefined; ids?: readonly string[] | undefined } | undefined;
  /**
   * Turn detection (`TurnDetection`), shaped like `AgentConfig.TurnDetection` (an assumption,
   * as for `voicePrint`).
   */
  turnDetection?:
    | { semanticEagerness?: 'low' | 'medium' | 'high' | 'auto' | undefined }
    | undefined;
}

/**
 * Speech recognition of a transcription (TRTC's `RecognizeConfig`): the fields of
 * {@link STTConfig} it shares, with its own limits. The deprecated `Model` and
 * `TranslationLanguage` are not offered.
 */
export interface AITranscriptionRecognizeConfig
  extends Omit<STTConfig, 'customParam' | 'vadLevel' | 'hotWords'> {
  /**
   * Far-field voice suppression, 0 (off) to 3.
   *
   * @default 0
   */
  vadLevel?: number | undefined;
  /** Hot words, at most 300. */
  hotWords?: STTConfig['hotWords'];
}

/** The voice of simultaneous speech translation (the `TTSConfig` of `TranslationConfig`). */
export interface AITranscriptionTTSConfig {
  /** The voice. */
  voiceId: string;
  /** The model. */
  model?: 'flow_01_turbo' | 'flow_01_ex' | undefined;
  /** Speed, 0.5 to 2.0. */
  speed?: number | undefined;
  /** Volume, above 0 up to 10. */
  volume?: number | undefined;
}

/** A term translated a fixed way. */
export interface AITranscriptionTerm {
  /** The term in the source language. */
  source: string;
  /** Its translation. */
  target: string;
}

/** Translation of the transcript (TRTC's `TranslationConfig`). */
export interface AITranscriptionTranslationConfig {
  /** The languages translated into, ISO 639-1 codes such as `'en'` (at least one). */
  targetLanguages: readonly string[];
  /** `'text'`: translated text only (`Mode` 1); `'speech'`: simultaneous speech too (`Mode` 2). */
  mode?: 'text' | 'speech' | undefined;
  /** The voice of `'speech'` translation. */
  ttsConfig?: AITranscriptionTTSConfig | undefined;
  /** Terms translated a fixed way. */
  terminology?: readonly AITranscriptionTerm[] | undefined;
}

/** Options of {@link TRTCClient.startAITranscription}. */
export interface StartAITranscriptionOptions extends CallOptions {
  /** The TRTC application (`SdkAppId`). */
  sdkAppId: number;
  /** The room: a number is a numeric room, a string a string room (see {@link RoomId}). */
  roomId: RoomId;
  /** The robot and what it transcribes. */
  transcriptionParams: AITranscriptionParams;
  /** Speech recognition. */
  recognizeConfig?: AITranscriptionRecognizeConfig | undefined;
  /** Translation of the transcript. */
  translationConfig?: AITranscriptionTranslationConfig | undefined;
  /**
   * Your unique id of this transcription. A second start with the same id resolves to
   * `{ status: 'already-running' }`, and {@link TRTCClient.describeAITranscription} can find the
   * task by it.
   */
  sessionId?: string | undefined;
}

/** A transcription that this call started. */
export interface AITranscriptionStarted {
  /** What happened. */
  status: 'started';
  /** The task's id, for stop and describe. */
  taskId: string;
  /** The `sessionId` passed, if any. */
  sessionId: string | undefined;
  /** Tencent's request id. */
  requestId: string | undefined;
}

/**
 * A transcription with this `sessionId` was already running (`FailedOperation.TaskExist`): no
 * second robot was started. Find its task with `describeAITranscription({ sdkAppId, sessionId })`.
 */
export interface AITranscriptionAlreadyRunning {
  /** What happened. */
  status: 'already-running';
  /** The `sessionId` of the running transcription. */
  sessionId: string;
  /** Tencent's request id. */
  requestId: string | undefined;
}

/** What {@link TRTCClient.startAITranscription} resolves to. */
export type StartAITranscriptionResult = AITranscriptionStarted | AITranscriptionAlreadyRunning;

/** Options of {@link TRTCClient.stopAITranscription}. */
export interface StopAITranscriptionOptions extends CallOptions {
  /** The task to stop. */
  taskId: string;
}

/** Options of {@link TRTCClient.describeAITranscription}: by task, or by app and session. */
export type DescribeAITranscriptionOptions = CallOptions &
  (
    | {
        /** The task. */
        taskId: string;
      }
    | {
        /** The TRTC application of the session. */
        sdkAppId: number;
        /** The `sessionId` the transcription was started with. */
        sessionId: string;
      }
  );

/** The state of a transcription task: `Idle`, `Preparing`, `InProgress`, `Stopped`, or newer. */
export type AITranscriptionStatus = AIConversationStatus;

/** What {@link TRTCClient.describeAITranscription} resolves to. */
export interface DescribeAITranscriptionResult {
  /** The task. */
  taskId: string;
  /** Its state (`'unknown'` for a state this version does not know: see `vendorStatus`). */
  status: AITranscriptionStatus;
  /** The state as Tencent wrote it. */
  vendorStatus: string;
  /** When it started, as Tencent wrote it. */
  startTime: string | undefined;
  /** Its `sessionId`, when it was started with one. */
  sessionId: string | undefined;
  /** Tencent's request id. */
  requestId: string | undefined;
}
