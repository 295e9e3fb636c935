/**
 * The request the benchmarks sign: a StartAIConversation call as an application sends it, wire
 * names as Tencent spells them (LLMConfig and TTSConfig are JSON strings inside the JSON body),
 * with a Chinese welcome message and hot words so the body is not ASCII only.
 */

/** A Tencent Cloud API key of the shape the console issues (not a real one). */
export const SECRET_ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
/** The SecretKey of Tencent's published TC3 example (`Gu5t…EXAMPLE`). */
export const SECRET_KEY = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE';

export const REGION = 'ap-guangzhou';
export const HOST = 'trtc.tencentcloudapi.com';
export const SERVICE = 'trtc';
export const ACTION = 'StartAIConversation';
export const API_VERSION = '2019-07-22';

/** The agent's UserSig (TLSSigAPIv2 shape, ~190 characters). */
const USER_SIG =
  'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMiUZOamKlkZmqOKplYUZBaBxE1NTY3gosWZ6UpWSj5ljuYp*p7l5unBxXnF2WVhVU4uAf7Ozi5JpX7O5SbuHuUhzgZJmQXaTia2SrUAohcx8g__';

const LLM_CONFIG = {
  LLMType: 'openai',
  Model: 'gpt-4o-mini',
  APIKey: 'sk-proj-4f9d2c1b7a8e6f5d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f',
  APIUrl: 'https://api.openai.com/v1/chat/completions',
  Streaming: true,
  SystemPrompt:
    'You are the voice assistant of an online shop. Answer in one or two short sentences, in the language the customer speaks, without lists or markdown. If you do not know, say so and offer to hand over to a human agent.',
  Timeout: 3,
  History: 5,
  HistoryMode: 1,
};

const TTS_CONFIG = {
  TTSType: 'flow',
  VoiceId: 'v-female-R2s4N9qJ',
  Model: 'flow_01_turbo',
  Speed: 1,
  Volume: 1,
  Language: 'zh',
};

/** The parameters of one StartAIConversation call (1.5 kB of JSON). */
export const START_AI_CONVERSATION_PARAMS = {
  SdkAppId: 1_400_000_000,
  RoomId: 'support-room-20260101-0042',
  RoomIdType: 1,
  SessionId: 'support-room-20260101-0042-session-7',
  AgentConfig: {
    UserId: 'voice-agent-0042',
    UserSig: USER_SIG,
    TargetUserId: 'customer-9f3a1c',
    MaxIdleTime: 60,
    WelcomeMessage: '您好，我是您的智能客服助手，请问有什么可以帮您？',
    InterruptMode: 0,
    InterruptSpeechDuration: 500,
    TurnDetectionMode: 3,
    FilterOneWord: true,
    WelcomeMessagePriority: 0,
    FilterBracketsContent: 1,
    SubtitleMode: 0,
  },
  STTConfig: {
    Language: 'zh',
    AlternativeLanguage: ['en'],
    VadSilenceTime: 1000,
    HotWordList: '退货|10,发票|10,快递单号|11',
    VadLevel: 1,
  },
  LLMConfig: JSON.stringify(LLM_CONFIG),
  TTSConfig: JSON.stringify(TTS_CONFIG),
};
