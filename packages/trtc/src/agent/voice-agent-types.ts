/**
 * Public types of {@link createVoiceAgent}: its options, the handle, and what its methods take
 * and return.
 *
 * @module
 */
import type { LanguageModel, LoggerOption, RequestHandler, StateAdapter } from '@imbridge/core';
import type { SecretInput } from '@imbridge/provider-utils';
import type { AgentConfig, STTConfig } from '../client/agent-config.ts';
import type { TRTCClient } from '../client/client.ts';
import type {
  AIConversationStatus,
  ServerPushTextCommand,
  TRTCActionResult,
} from '../client/conversation-types.ts';
import type { LLMConfig } from '../client/llm-config.ts';
import type { CallOptions } from '../client/options.ts';
import type { RoomId } from '../client/room.ts';
import type { TTSConfig } from '../client/tts-config.ts';
import type { TRTCWebhook } from '../webhooks/types.ts';

// `createVoiceAgent` is only named in TSDoc links.
import type { createVoiceAgent } from './voice-agent.ts';

/**
 * How TRTC calls the agent's endpoint: the `LLMConfig` fields a voice agent lets you set. The
 * type (`openai`), URL, key, streaming and history are the agent's: TRTC sends each utterance
 * alone and the endpoint adds the session's conversation.
 */
export type VoiceAgentLLMOptions = Pick<
  LLMConfig,
  | 'systemPrompt'
  | 'timeoutSeconds'
  | 'maxTokens'
  | 'temperature'
  | 'topP'
  | 'extraBody'
  | 'metaInfo'
>;

/** `AgentConfig` without the fields the agent fills in (its user, UserSig and target). */
export type VoiceAgentConfig = Omit<AgentConfig, 'userId' | 'userSig' | 'targetUserId'>;

/**
 * Options of {@link createVoiceAgent}. Each setting that has an environment variable (see
 * `TRTC_ENV_VARIABLES`) is read from it when left out; an option given in code always wins.
 */
export interface VoiceAgentOptions {
  /**
   * The TRTC client that starts, stops and controls the conversations. Left out:
   * `createTrtcClient({ env })`, which reads its settings from the environment
   * (`TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`, `TENCENTCLOUD_REGION`…); its errors
   * name `createTrtcClient`.
   */
  trtc?: TRTCClient | undefined;
  /**
   * The TRTC application. Left out: read from `TRTC_SDK_APP_ID` (a decimal integer); required
   * from one or the other.
   */
  sdkAppId?: number | undefined;
  /**
   * The application's SDK secret key from the TRTC console (not the Tencent Cloud API key): the
   * agent's UserSig is made with it, and, unless `tokenSecret` is given, the key that signs the
   * endpoint's session keys is derived from it. A value or a function returning it. Left out:
   * read from `TRTC_SECRET_KEY`; required from one or the other.
   */
  secretKey?: SecretInput | undefined;
  /** The model that answers: any `@imbridge/llm` model (Dify, MiniMax, OpenAI-compatible) or yours. */
  model: LanguageModel;
  /**
   * The public URL at which TRTC reaches {@link VoiceAgent.handler}, e.g.
   * `https://bot.example.com/trtc/v1/chat/completions`. A URL that does not end in
   * `/chat/completions` gets `/chat/completions` appended. It is also the audience of the session
   * keys: keys minted for another URL are refused. Left out: read from `TRTC_AGENT_PUBLIC_URL`;
   * required from one or the other.
   */
  publicUrl?: string | undefined;
  /** The agent's voice (required by TRTC). */
  ttsConfig: TTSConfig;
  /** Speech recognition. */
  sttConfig?: STTConfig | undefined;
  /** The agent's behaviour in the room (welcome message, interruptions, idle time…). */
  agentConfig?: VoiceAgentConfig | undefined;
  /** How TRTC calls the endpoint (system prompt, timeout, sampling). */
  llm?: VoiceAgentLLMOptions | undefined;
  /**
   * The agent's TRTC user id, unless `start` names one (1 to 32 characters). Reusing an id in a
   * room replaces the agent that had it.
   *
   * @default 'imbridge-voice-agent'
   */
  agentUserId?: string | undefined;
  /**
   * The secret the session keys are signed with (HS256), at least 32 characters. Every instance
   * serving the endpoint needs the same one.
   *
   * @default a key derived from `secretKey`
   */
  tokenSecret?: SecretInput | undefined;
  /**
   * How long a session's key is accepted, in seconds (60 to 86400). TRTC presents it on every
   * turn, so a conversation longer than this must be restarted.
   *
   * @default 7200
   */
  tokenTtlSeconds?: number | undefined;
  /**
   * Validity of the agent's UserSig, in seconds (it is checked when the agent enters the room).
   *
   * @default 86400
   */
  userSigTtlSeconds?: number | undefined;
  /**
   * Where sessions are kept: each conversation, stopped sessions (whose keys the endpoint
   * refuses) and the task ↔ session links. Give a shared state (e.g. `@imbridge/redis`) when
   * several instances serve the endpoint.
   *
   * @default memoryState()
   */
  state?: StateAdapter | undefined;
  /**
   * Prefix of the agent's state keys.
   *
   * @default 'imbridge:trtc-agent:'
   */
  keyPrefix?: string | undefined;
  /**
   * Turns of conversation kept per session and sent to the model with each utterance.
   *
   * @default 20
   */
  historyTurns?: number | undefined;
  /**
   * Limit of each state call, in milliseconds: a call the store does not answer fails like a
   * broken one (a key is then refused; an answer goes without history).
   *
   * @default 5000
   */
  stateTimeoutMs?: number | undefined;
  /**
   * The model name TRTC sends and the endpoint reports.
   *
   * @default model.modelId
   */
  modelName?: string | undefined;
  /** Largest request body the endpoint accepts, in bytes. @default 1_048_576 */
  maxBodyBytes?: number | undefined;
  /** Where refused requests and state failures go. @default warnings and errors to the console */
  logger?: LoggerOption;
  /** The clock, in milliseconds since the epoch (tests). @default Date.now */
  now?: (() => number) | undefined;
  /**
   * Where the options left out are read from: the environment variables by name, e.g. the `env`
   * a Cloudflare Worker's `fetch` handler receives (values that are not strings are ignored).
   * When given, it is the only source (also for the client made when `trtc` is left out).
   *
   * @default globalThis.process.env where there is one, otherwise nothing
   */
  env?: object | undefined;
}

/** Options of {@link VoiceAgent.start}. */
export interface StartVoiceAgentOptions extends CallOptions {
  /** The room: a number is a numeric room, a string a string room. */
  roomId: RoomId;
  /** The user the agent listens and answers to. */
  targetUserId: string;
  /**
   * Your id of this conversation. Starting the same session twice does not start a second agent.
   *
   * @default a random UUID
   */
  sessionId?: string | undefined;
  /** The agent's TRTC user id in this room. @default the agent's `agentUserId` */
  agentUserId?: string | undefined;
  /** What the agent says first, instead of `agentConfig.welcomeMessage`. */
  welcomeMessage?: string | undefined;
  /** The system prompt of this conversation, instead of `llm.systemPrompt`. */
  systemPrompt?: string | undefined;
}

/** What {@link VoiceAgent.start} resolves to. */
export interface VoiceAgentSession {
  /** `'started'`, or `'already-running'` when this `sessionId` had an agent already. */
  status: 'started' | 'already-running';
  /** The TRTC task (for stop, say, describe); `undefined` if an already-running one is gone. */
  taskId: string | undefined;
  /** The session. */
  sessionId: string;
  /** The agent's TRTC user id. */
  agentUserId: string;
  /**
   * When the key minted by this call stops being accepted, in milliseconds since the epoch. For
   * `'already-running'` that key is not used: the running task keeps the key it was started with,
   * and that key's expiry.
   */
  expiresAtMs: number;
  /** Tencent's request id. */
  requestId: string | undefined;
}

/** Which conversation: by TRTC task, or by your session id. */
export type VoiceAgentTarget = { taskId: string } | { sessionId: string };

/** Options of {@link VoiceAgent.stop}. */
export type StopVoiceAgentOptions = CallOptions & VoiceAgentTarget;

/** What {@link VoiceAgent.stop} resolves to. */
export interface VoiceAgentStopped extends TRTCActionResult {
  /** `'stopped'`, or `'not-running'` when TRTC had no such task (it ended already). */
  status: 'stopped' | 'not-running';
  /** The session whose key is now refused, when it was known. */
  sessionId: string | undefined;
}

/** Options of {@link VoiceAgent.describe}. */
export type DescribeVoiceAgentOptions = CallOptions & VoiceAgentTarget;

/** What {@link VoiceAgent.describe} resolves to. */
export interface VoiceAgentDescription extends TRTCActionResult {
  /** The task. */
  taskId: string;
  /** Its state. */
  status: AIConversationStatus;
  /** The session, when TRTC reports it. */
  sessionId: string | undefined;
  /** When it started, as Tencent wrote it. */
  startTime: string | undefined;
}

/** Options of {@link VoiceAgent.say}. */
export interface SayOptions
  extends CallOptions,
    Pick<ServerPushTextCommand, 'interrupt' | 'stopAfterPlay' | 'dropMode' | 'priority'> {
  /** The task whose agent speaks. */
  taskId: string;
  /** What it says. */
  text: string;
  /**
   * Add the text to the session's conversation, so the model knows it was said.
   *
   * @default true
   */
  addHistory?: boolean | undefined;
}

/** A voice agent, from {@link createVoiceAgent}. */
export interface VoiceAgent {
  /**
   * Puts the agent into a room: makes its UserSig, mints the session's key and starts the TRTC
   * conversation with `LLMConfig` pointing at {@link VoiceAgent.handler} with that key.
   */
  start(options: StartVoiceAgentOptions): Promise<VoiceAgentSession>;
  /** Refuses the session's key from now on, then stops the conversation. */
  stop(options: StopVoiceAgentOptions): Promise<VoiceAgentStopped>;
  /** The conversation's state at TRTC. */
  describe(options: DescribeVoiceAgentOptions): Promise<VoiceAgentDescription>;
  /** Makes the agent say `text` now (`ServerPushText`). */
  say(options: SayOptions): Promise<TRTCActionResult>;
  /**
   * Takes TRTC's callbacks into account: when a task of this agent stops without
   * {@link VoiceAgent.stop} (the user left, the room was dismissed, idle timeout — event 902),
   * the key it was started with is refused from then on. Other callbacks are ignored. Give it to
   * `createTrtcWebhookHandler({ onWebhook: agent.handleWebhook })`.
   */
  handleWebhook(webhook: TRTCWebhook): Promise<void>;
  /**
   * The OpenAI-compatible endpoint TRTC calls (mount it at `publicUrl`): each request must carry
   * a live session key with matching `X-Room-Id` and `X-User-Id`, or gets a 401 without touching
   * the model; allowed requests get the session's conversation.
   */
  readonly handler: RequestHandler;
  /** The URL TRTC is given (`publicUrl`, ending in `/chat/completions`). */
  readonly apiUrl: string;
}
