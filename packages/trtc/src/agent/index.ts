export { createVoiceAgent } from './voice-agent.ts';
export type {
  DescribeVoiceAgentOptions,
  SayOptions,
  StartVoiceAgentOptions,
  StopVoiceAgentOptions,
  VoiceAgent,
  VoiceAgentConfig,
  VoiceAgentDescription,
  VoiceAgentLLMOptions,
  VoiceAgentOptions,
  VoiceAgentSession,
  VoiceAgentStopped,
  VoiceAgentTarget,
} from './voice-agent-types.ts';
