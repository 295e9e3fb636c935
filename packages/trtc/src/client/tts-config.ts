import type { SecretInput } from '@imbridge/provider-utils';
import { z } from 'zod';
import {
  addExtra,
  extraSchema,
  httpUrl,
  mapFields,
  nonEmptyString,
  resolveCallSecret,
  secretInputSchema,
} from './wire.ts';

/** Fields every {@link TTSConfig} variant takes. */
export interface TTSConfigBase {
  /**
   * Fields this voice vendor needs beyond the typed ones, sent as given. A key that a typed field
   * sets is refused. Not redacted: put keys in the typed secret fields.
   */
  extra?: Readonly<Record<string, unknown>> | undefined;
}

/** TRTC's built-in voices (`TTSType: "flow"`). */
export interface FlowTTSConfig extends TTSConfigBase {
  /** The vendor. */
  type: 'flow';
  /** The voice, e.g. `'v-female-R2s4N9qJ'`, or a cloned voice's id. */
  voiceId: string;
  /** The model, e.g. `'flow_01_turbo'`. */
  model: string;
  /**
   * Speaking rate, 0.5 to 2.0.
   *
   * @default 1.0
   */
  speed?: number | undefined;
  /**
   * Volume, 0 to 10.
   *
   * @default 1.0
   */
  volume?: number | undefined;
  /**
   * Pitch in semitones, -12 to 12.
   *
   * @default 0
   */
  pitch?: number | undefined;
  /** The language spoken. */
  language?: 'zh' | 'en' | 'yue' | undefined;
}

/** Tencent Cloud TTS (`TTSType: "tencent"`, legacy). */
export interface TencentTTSConfig extends TTSConfigBase {
  /** The vendor. */
  type: 'tencent';
  /** The Tencent Cloud AppId. */
  appId: number | string;
  /** The SecretId of the TTS key. */
  secretId: string;
  /** The SecretKey of the TTS key. Never logged; redacted from every error of the call. */
  secretKey: SecretInput;
  /** The voice, e.g. `101001`. */
  voiceType: number;
  /** Rate from -2 (0.6×) through 0 (1.0×) to 6 (2.5×), two decimals allowed. */
  speed?: number | undefined;
  /**
   * Volume, 0 to 10.
   *
   * @default 0
   */
  volume?: number | undefined;
  /** The primary language (`PrimaryLanguage` 1, 2, 3). */
  primaryLanguage?: 'zh' | 'en' | 'ja' | undefined;
  /** A cloned voice. */
  fastVoiceType?: string | undefined;
  /** An emotion such as `'neutral'`, `'happy'`, `'news'`. */
  emotionCategory?: string | undefined;
  /**
   * Strength of the emotion, 50 to 200.
   *
   * @default 100
   */
  emotionIntensity?: number | undefined;
}

/** MiniMax (`TTSType: "minimax"`). */
export interface MinimaxTTSConfig extends TTSConfigBase {
  /** The vendor. */
  type: 'minimax';
  /** The model, e.g. `'speech-02-turbo'`. */
  model?: string | undefined;
  /** The endpoint, e.g. `https://api.minimax.chat/v1/t2a_v2`. */
  apiUrl?: string | undefined;
  /** The API key. Never logged; redacted from every error of the call. */
  apiKey?: SecretInput | undefined;
  /** The MiniMax group id. */
  groupId?: string | undefined;
  /** The voice, e.g. `'female-tianmei'`. */
  voiceType?: string | undefined;
  /** Speaking rate. */
  speed?: number | undefined;
}

/** Volcengine (`TTSType: "volcengine"`). */
export interface VolcengineTTSConfig extends TTSConfigBase {
  /** The vendor. */
  type: 'volcengine';
  /** The Volcengine app id. */
  appId: string;
  /** The access token. Never logged; redacted from every error of the call. */
  token: SecretInput;
  /** Speaking rate. @default 1.0 */
  speed?: number | undefined;
  /** Volume. @default 1.0 */
  volume?: number | undefined;
  /** The cluster. @default 'volcano_tts' */
  cluster?: string | undefined;
  /** The voice, e.g. `'zh_male_aojiaobazong_moon_bigtts'`. */
  voiceType?: string | undefined;
}

/** Azure Speech (`TTSType: "azure"`). */
export interface AzureTTSConfig extends TTSConfigBase {
  /** The vendor. */
  type: 'azure';
  /** The subscription key. Never logged; redacted from every error of the call. */
  subscriptionKey: SecretInput;
  /** The Azure region. */
  region: string;
  /** The voice name. */
  voiceName: string;
  /** The language, e.g. `'en-US'`. */
  language: string;
  /** Speaking rate, 0.5 to 2. @default 1 */
  rate?: number | undefined;
}

/** Cartesia or ElevenLabs (`TTSType: "cartesia"` / `"elevenlabs"`). */
export interface ModelVoiceTTSConfig extends TTSConfigBase {
  /** The vendor. */
  type: 'cartesia' | 'elevenlabs';
  /** The model, e.g. `'sonic-multilingual'`, `'eleven_turbo_v2_5'`. */
  model?: string | undefined;
  /** The API key. Never logged; redacted from every error of the call. */
  apiKey?: SecretInput | undefined;
  /** The voice id. */
  voiceId?: string | undefined;
}

/** Your own TTS endpoint (`TTSType: "custom"`). */
export interface CustomTTSConfig extends TTSConfigBase {
  /** The vendor. */
  type: 'custom';
  /** The bearer key TRTC sends. Never logged; redacted from every error of the call. */
  apiKey: SecretInput;
  /** The URL TRTC POSTs text to. */
  apiUrl: string;
  /** Audio format. @default 'wav' */
  audioFormat?: 'pcm' | 'wav' | undefined;
  /** Sample rate in Hz. @default 16000 */
  sampleRate?: number | undefined;
  /** Channels. @default 1 */
  audioChannel?: 1 | 2 | undefined;
}

/**
 * The voice of the agent (TRTC's `TTSConfig`, sent as a JSON string), by vendor.
 *
 * @see https://cloud.tencent.com/document/product/647/115414
 */
export type TTSConfig =
  | FlowTTSConfig
  | TencentTTSConfig
  | MinimaxTTSConfig
  | VolcengineTTSConfig
  | AzureTTSConfig
  | ModelVoiceTTSConfig
  | CustomTTSConfig;

const optionalString = nonEmptyString.optional();

/** Checks a {@link TTSConfig}. */
export const ttsConfigSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('flow'),
    voiceId: nonEmptyString,
    model: nonEmptyString,
    speed: z.number().min(0.5).max(2).optional(),
    volume: z.number().min(0).max(10).optional(),
    pitch: z.int().min(-12).max(12).optional(),
    language: z.enum(['zh', 'en', 'yue']).optional(),
    extra: extraSchema,
  }),
  z.strictObject({
    type: z.literal('tencent'),
    appId: z.union([z.int().min(1), nonEmptyString]),
    secretId: nonEmptyString,
    secretKey: secretInputSchema,
    voiceType: z.int(),
    speed: z
      .number()
      .min(-2)
      .max(6)
      .refine((speed) => Math.abs(speed * 100 - Math.round(speed * 100)) < 1e-6, {
        message: 'must have at most two decimals',
      })
      .optional(),
    volume: z.number().min(0).max(10).optional(),
    primaryLanguage: z.enum(['zh', 'en', 'ja']).optional(),
    fastVoiceType: optionalString,
    emotionCategory: optionalString,
    emotionIntensity: z.int().min(50).max(200).optional(),
    extra: extraSchema,
  }),
  z.strictObject({
    type: z.literal('minimax'),
    model: optionalString,
    apiUrl: httpUrl.optional(),
    apiKey: secretInputSchema.optional(),
    groupId: optionalString,
    voiceType: optionalString,
    speed: z.number().positive().optional(),
    extra: extraSchema,
  }),
  z.strictObject({
    type: z.literal('volcengine'),
    appId: nonEmptyString,
    token: secretInputSchema,
    speed: z.number().positive().optional(),
    volume: z.number().min(0).optional(),
    cluster: optionalString,
    voiceType: optionalString,
    extra: extraSchema,
  }),
  z.strictObject({
    type: z.literal('azure'),
    subscriptionKey: secretInputSchema,
    region: nonEmptyString,
    voiceName: nonEmptyString,
    language: nonEmptyString,
    rate: z.number().min(0.5).max(2).optional(),
    extra: extraSchema,
  }),
  z.strictObject({
    type: z.enum(['cartesia', 'elevenlabs']),
    model: optionalString,
    apiKey: secretInputSchema.optional(),
    voiceId: optionalString,
    extra: extraSchema,
  }),
  z.strictObject({
    type: z.literal('custom'),
    apiKey: secretInputSchema,
    apiUrl: httpUrl,
    audioFormat: z.enum(['pcm', 'wav']).optional(),
    sampleRate: z.int().positive().optional(),
    audioChannel: z.union([z.literal(1), z.literal(2)]).optional(),
    extra: extraSchema,
  }),
]);

/** Wire names of every typed TTS field (the secrets among them are resolved first). */
const TTS_FIELDS: Readonly<Record<string, string>> = {
  type: 'TTSType',
  appId: 'AppId',
  secretId: 'SecretId',
  secretKey: 'SecretKey',
  subscriptionKey: 'SubscriptionKey',
  token: 'Token',
  apiKey: 'APIKey',
  apiUrl: 'APIUrl',
  groupId: 'GroupId',
  region: 'Region',
  model: 'Model',
  voiceId: 'VoiceId',
  voiceType: 'VoiceType',
  voiceName: 'VoiceName',
  fastVoiceType: 'FastVoiceType',
  cluster: 'Cluster',
  language: 'Language',
  speed: 'Speed',
  rate: 'Rate',
  volume: 'Volume',
  pitch: 'Pitch',
  emotionCategory: 'EmotionCategory',
  emotionIntensity: 'EmotionIntensity',
  audioFormat: 'AudioFormat',
  sampleRate: 'SampleRate',
  audioChannel: 'AudioChannel',
};

/** The secret fields of the variants. */
const TTS_SECRETS = ['secretKey', 'subscriptionKey', 'token', 'apiKey'] as const;

const PRIMARY_LANGUAGES = { zh: 1, en: 2, ja: 3 } as const;

/**
 * `TTSConfig` as the JSON string TRTC expects, with its keys resolved and their forms added to
 * `secrets`.
 */
export async function ttsConfigToWire(
  tts: z.infer<typeof ttsConfigSchema>,
  method: string,
  secrets: string[],
): Promise<string> {
  const source: Record<string, unknown> = { ...tts };
  for (const name of TTS_SECRETS) {
    const input = source[name];
    if (input === undefined) continue;
    source[name] = await resolveCallSecret(
      input as SecretInput,
      method,
      `ttsConfig.${name}`,
      secrets,
    );
  }
  // The secret id travels beside its key: kept out of errors as well.
  if (tts.type === 'tencent') secrets.push(tts.secretId);
  const wire = mapFields(source, TTS_FIELDS, {});
  if (tts.type === 'tencent' && tts.primaryLanguage !== undefined) {
    wire.PrimaryLanguage = PRIMARY_LANGUAGES[tts.primaryLanguage];
  }
  return JSON.stringify(addExtra(wire, tts.extra, method, 'ttsConfig'));
}
