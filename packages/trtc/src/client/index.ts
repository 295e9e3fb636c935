/**
 * The TRTC API 3.0 client: TC3-signed calls with per-action rate limits, retries and typed errors
 * with hints.
 *
 * @module
 */
export type { AgentConfig, HotWord, SemanticEagerness, STTConfig } from './agent-config.ts';
export type {
  AmbientScene,
  FilteredBrackets,
  InterruptMode,
  SubtitleMode,
  TurnDetectionMode,
} from './agent-constants.ts';
export {
  AMBIENT_SCENES,
  FILTERED_BRACKETS,
  INTERRUPT_MODES,
  SUBTITLE_MODES,
  TURN_DETECTION_MODES,
} from './agent-constants.ts';
export type { TRTCClient } from './client.ts';
export { createTrtcClient } from './client.ts';
export type {
  AIConversationAlreadyRunning,
  AIConversationStarted,
  AIConversationStatus,
  ControlAIConversationOptions,
  DescribeAIConversationOptions,
  DescribeAIConversationResult,
  InvokeLLMCommand,
  ServerPushTextCommand,
  StartAIConversationOptions,
  StartAIConversationResult,
  StopAIConversationOptions,
  TRTCActionResult,
  UpdateAIConversationOptions,
} from './conversation-types.ts';
export { classifyTrtcError, classifyTrtcResponse } from './errors.ts';
export type { LLMConfig, LLMUserMessage } from './llm-config.ts';
export type {
  CallOptions,
  TRTCClientOptions,
  TRTCCredentials,
  TRTCCredentialsInput,
  TRTCEndpoint,
} from './options.ts';
export {
  DEFAULT_TRTC_RETRY,
  TRTC_API_VERSION,
  TRTC_ENDPOINTS,
  TRTC_ENV_VARIABLES,
  TRTC_SERVICE,
} from './options.ts';
export type { RoomId } from './room.ts';
export { MAX_NUMERIC_ROOM_ID } from './room.ts';
export type {
  AITranscriptionAlreadyRunning,
  AITranscriptionMode,
  AITranscriptionParams,
  AITranscriptionRecognizeConfig,
  AITranscriptionStarted,
  AITranscriptionStatus,
  AITranscriptionTerm,
  AITranscriptionTranslationConfig,
  AITranscriptionTTSConfig,
  DescribeAITranscriptionOptions,
  DescribeAITranscriptionResult,
  StartAITranscriptionOptions,
  StartAITranscriptionResult,
  StopAITranscriptionOptions,
} from './transcription-types.ts';
export type { TRTCResponse } from './transport.ts';
export type {
  AzureTTSConfig,
  CustomTTSConfig,
  FlowTTSConfig,
  MinimaxTTSConfig,
  ModelVoiceTTSConfig,
  TencentTTSConfig,
  TTSConfig,
  TTSConfigBase,
  VolcengineTTSConfig,
} from './tts-config.ts';
