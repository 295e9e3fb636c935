import type { AgentConfig, STTConfig } from './agent-config.ts';
import type { LLMConfig } from './llm-config.ts';
import type { CallOptions } from './options.ts';
import type { RoomId } from './room.ts';
import type { TTSConfig } from './tts-config.ts';

/** Options of {@link TRTCClient.startAIConversation}. */
export interface StartAIConversationOptions extends CallOptions {
  /** The TRTC application (`SdkAppId`). */
  sdkAppId: number;
  /** The room: a number is a numeric room, a string a string room (see {@link RoomId}). */
  roomId: RoomId;
  /** The agent. */
  agentConfig: AgentConfig;
  /** The LLM that writes the agent's replies (TRTC's docs call it required). */
  llmConfig: LLMConfig;
  /** The agent's voice (TRTC's docs call it required). */
  ttsConfig: TTSConfig;
  /** Speech recognition. */
  sttConfig?: STTConfig | undefined;
  /**
   * Your unique id of this conversation. Makes the call idempotent: a second start with the
   * same id resolves to `{ status: 'already-running' }` instead of starting a second agent, and
   * {@link TRTCClient.describeAIConversation} can find the task by it.
   */
  sessionId?: string | undefined;
  /** Experimental parameters from Tencent support (`ExperimentalParams`). */
  experimentalParams?: string | undefined;
}

/** A conversation that this call started. */
export interface AIConversationStarted {
  /** What happened. */
  status: 'started';
  /** The task's id, for stop, describe, update and control. */
  taskId: string;
  /** The `sessionId` passed, if any. */
  sessionId: string | undefined;
  /** Tencent's request id. */
  requestId: string | undefined;
}

/**
 * A conversation with this `sessionId` was already running (`FailedOperation.TaskExist`): no
 * second agent was started. Find its task with `describeAIConversation({ sdkAppId, sessionId })`.
 */
export interface AIConversationAlreadyRunning {
  /** What happened. */
  status: 'already-running';
  /** The `sessionId` of the running conversation. */
  sessionId: string;
  /** Tencent's request id. */
  requestId: string | undefined;
}

/** What {@link TRTCClient.startAIConversation} resolves to. */
export type StartAIConversationResult = AIConversationStarted | AIConversationAlreadyRunning;

/** Options of {@link TRTCClient.stopAIConversation}. */
export interface StopAIConversationOptions extends CallOptions {
  /** The task to stop. */
  taskId: string;
}

/** What a call without output resolves to. */
export interface TRTCActionResult {
  /** Tencent's request id. */
  requestId: string | undefined;
}

/** Options of {@link TRTCClient.describeAIConversation}: by task, or by app and session. */
export type DescribeAIConversationOptions = CallOptions &
  (
    | {
        /** The task. */
        taskId: string;
      }
    | {
        /** The TRTC application of the session. */
        sdkAppId: number;
        /** The `sessionId` the conversation was started with. */
        sessionId: string;
      }
  );

/** The state of a task: `Idle`, `Preparing`, `InProgress`, `Stopped` (cleaning up), or newer. */
export type AIConversationStatus = 'idle' | 'preparing' | 'in-progress' | 'stopped' | 'unknown';

/** What {@link TRTCClient.describeAIConversation} resolves to. */
export interface DescribeAIConversationResult {
  /** The task. */
  taskId: string;
  /** Its state (`'unknown'` for a state this version does not know: see `vendorStatus`). */
  status: AIConversationStatus;
  /** The state as Tencent wrote it. */
  vendorStatus: string;
  /** When it started, as Tencent wrote it. */
  startTime: string | undefined;
  /** Its `sessionId`, when it was started with one. */
  sessionId: string | undefined;
  /** Tencent's request id. */
  requestId: string | undefined;
}

/** Options of {@link TRTCClient.updateAIConversation}: fields left out are not changed. */
export interface UpdateAIConversationOptions extends CallOptions {
  /** The task. */
  taskId: string;
  /** A new welcome message. */
  welcomeMessage?: string | undefined;
  /** Who interrupts the agent. */
  interruptMode?: 'server' | 'client' | undefined;
  /** Milliseconds of speech that interrupt the agent (interrupt mode `'server'`). */
  interruptSpeechDurationMs?: number | undefined;
  /** A new LLM. */
  llmConfig?: LLMConfig | undefined;
  /** A new voice. */
  ttsConfig?: TTSConfig | undefined;
}

/** Makes the agent say something now (`ServerPushText`). */
export interface ServerPushTextCommand {
  /** The command. */
  command: 'server-push-text';
  /** What to say (ignored when `audioBase64` is given). */
  text?: string | undefined;
  /** Base64 mono audio at the TTS sample rate, played instead of `text`. */
  audioBase64?: string | undefined;
  /** May interrupt what the agent is saying. */
  interrupt?: boolean | undefined;
  /** Stop the task once this has played. */
  stopAfterPlay?: boolean | undefined;
  /**
   * Without `interrupt`, when a turn is going on: `'drop'` this message, or `'queue'` it until
   * the turn ends.
   *
   * @default 'drop'
   */
  dropMode?: 'drop' | 'queue' | undefined;
  /**
   * `'high'`: cannot be interrupted, and other messages are ignored while it plays (needs a
   * ticket to Tencent).
   *
   * @default 'normal'
   */
  priority?: 'normal' | 'high' | undefined;
  /** Add the text to the LLM's history. */
  addHistory?: boolean | undefined;
  /** Data bound to the subtitle and delivered to clients. */
  metaInfo?: Readonly<Record<string, unknown>> | undefined;
}

/** Sends text to the LLM as if the user said it (`InvokeLLM`, header `X-Invoke-LLM: 1`). */
export interface InvokeLLMCommand {
  /** The command. */
  command: 'invoke-llm';
  /** The text. */
  content: string;
  /** May interrupt what the agent is saying. */
  interrupt?: boolean | undefined;
  /** Experimental parameters from Tencent support. */
  experimentalParams?: string | undefined;
}

/** Options of {@link TRTCClient.controlAIConversation}. */
export type ControlAIConversationOptions = CallOptions & {
  /** The task. */
  taskId: string;
} & (ServerPushTextCommand | InvokeLLMCommand);
