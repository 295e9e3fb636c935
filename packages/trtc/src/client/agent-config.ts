import { z } from 'zod';
import {
  AMBIENT_SCENES,
  type AmbientScene,
  FILTERED_BRACKETS,
  type FilteredBrackets,
  INTERRUPT_MODES,
  type InterruptMode,
  SUBTITLE_MODES,
  type SubtitleMode,
  TURN_DETECTION_MODES,
  type TurnDetectionMode,
} from './agent-constants.ts';
import { mapFields, nonEmptyString } from './wire.ts';

export {
  AMBIENT_SCENES,
  type AmbientScene,
  FILTERED_BRACKETS,
  type FilteredBrackets,
  INTERRUPT_MODES,
  type InterruptMode,
  SUBTITLE_MODES,
  type SubtitleMode,
  TURN_DETECTION_MODES,
  type TurnDetectionMode,
};

/** Eagerness of semantic turn detection (`'auto'` is `'medium'`). */
export type SemanticEagerness = 'low' | 'medium' | 'high' | 'auto';

/**
 * The agent in the room (TRTC's `AgentConfig`).
 *
 * @see https://cloud.tencent.com/document/api/647/44055#AgentConfig
 */
export interface AgentConfig {
  /** The agent's TRTC user id; unique in the room (reusing one interrupts the earlier task). */
  userId: string;
  /** The UserSig of `userId`. Redacted from the call's errors. */
  userSig: string;
  /** The user whose audio the agent listens to. */
  targetUserId: string;
  /**
   * Seconds without a stream in the room after which the task stops.
   *
   * @default 60
   */
  maxIdleTimeSeconds?: number | undefined;
  /** What the agent says first. */
  welcomeMessage?: string | undefined;
  /**
   * Whether the welcome message can be interrupted (`'normal'`) or not (`'high'`).
   *
   * @default 'normal'
   */
  welcomeMessagePriority?: 'normal' | 'high' | undefined;
  /**
   * Who interrupts the agent.
   *
   * @default 'server'
   */
  interruptMode?: InterruptMode | undefined;
  /**
   * Milliseconds of continuous speech that interrupt the agent (interrupt mode `'server'`).
   *
   * @default 500
   */
  interruptSpeechDurationMs?: number | undefined;
  /** While the agent speaks, only these words interrupt it (and they get no reply). */
  interruptWords?: readonly string[] | undefined;
  /**
   * When a turn starts.
   *
   * @default 'asr-sentence'
   */
  turnDetectionMode?: TurnDetectionMode | undefined;
  /** Semantic turn detection settings (with `turnDetectionMode: 'semantic'`). */
  turnDetection?: { semanticEagerness?: SemanticEagerness | undefined } | undefined;
  /**
   * Drop one-character utterances.
   *
   * @default true
   */
  filterOneWord?: boolean | undefined;
  /** Brackets whose content is not spoken. Left out: everything is spoken. */
  filterBracketsContent?: FilteredBrackets | undefined;
  /**
   * How subtitles are delivered.
   *
   * @default 'full-text'
   */
  subtitleMode?: SubtitleMode | undefined;
  /** A background sound; `volume` in [0, 2], default 1. */
  ambientSound?: { scene: AmbientScene; volume?: number | undefined } | undefined;
  /** Voiceprint filtering: only the registered voice (one id from RegisterVoicePrint) is heard. */
  voicePrint?: { enabled?: boolean | undefined; ids?: readonly string[] | undefined } | undefined;
}

/** Languages `alternativeLanguages` may not contain. */
const NOT_ALTERNATIVE = new Set([
  'zh-dialect',
  '16k_zh_edu',
  '16k_zh_medical',
  '16k_zh_court',
  '8k_zh_large',
  '16k_zh_large',
  '16k_multi_lang',
  '16k_zh_en',
]);

/** A hot word for speech recognition, with its weight: 1–11, or 100. */
export interface HotWord {
  /** The word: at most 30 characters (10 CJK characters), without `|` or `,`. */
  word: string;
  /** Its weight: an integer from 1 to 11, or 100. */
  weight: number;
}

/**
 * Speech recognition (TRTC's `STTConfig`).
 *
 * @see https://cloud.tencent.com/document/api/647/44055#STTConfig
 */
export interface STTConfig {
  /**
   * The language or engine, e.g. `'zh'`, `'en'`, `'16k_zh_large'`, `'16k_multi_lang'`, `'ja'`.
   *
   * @default 'zh'
   */
  language?: string | undefined;
  /** Other languages recognised (billed as advanced); engine names such as `16k_zh_large` are refused. */
  alternativeLanguages?: readonly string[] | undefined;
  /** Parameters from Tencent support. */
  customParam?: string | undefined;
  /**
   * Silence that ends a sentence, 240–2000 ms.
   *
   * @default 1000
   */
  vadSilenceTimeMs?: number | undefined;
  /**
   * Far-field voice suppression, 0 (off) to 5; 2 is recommended.
   *
   * @default 0
   */
  vadLevel?: number | undefined;
  /** Hot words, at most 128. */
  hotWords?: readonly HotWord[] | undefined;
}

const agentSchemaShape = {
  userId: nonEmptyString,
  userSig: nonEmptyString,
  targetUserId: nonEmptyString,
  maxIdleTimeSeconds: z.int().min(1).optional(),
  welcomeMessage: z.string().optional(),
  welcomeMessagePriority: z.enum(['normal', 'high']).optional(),
  interruptMode: z.enum(['server', 'client']).optional(),
  interruptSpeechDurationMs: z.int().min(0).optional(),
  interruptWords: z.array(nonEmptyString).optional(),
  turnDetectionMode: z.enum(['asr-sentence', 'client', 'semantic']).optional(),
  turnDetection: z
    .strictObject({ semanticEagerness: z.enum(['low', 'medium', 'high', 'auto']).optional() })
    .optional(),
  filterOneWord: z.boolean().optional(),
  filterBracketsContent: z.enum(['（）', '()', '【】', '[]', '{}']).optional(),
  subtitleMode: z.enum(['full-text', 'sentence']).optional(),
  ambientSound: z
    .strictObject({ scene: z.enum(AMBIENT_SCENES), volume: z.number().min(0).max(2).optional() })
    .optional(),
  voicePrint: z
    .strictObject({
      enabled: z.boolean().optional(),
      ids: z.array(nonEmptyString).max(1).optional(),
    })
    .optional(),
};

/** Checks an {@link AgentConfig}. */
export const agentConfigSchema = z.strictObject(agentSchemaShape);

const hotWordSchema = z.strictObject({
  word: z
    .string()
    .min(1)
    .max(30)
    .refine((word) => !/[|,]/.test(word), { message: 'must not contain | or ,' }),
  weight: z.int().refine((weight) => (weight >= 1 && weight <= 11) || weight === 100, {
    message: 'must be an integer from 1 to 11, or 100',
  }),
});

/** Checks an {@link STTConfig}. */
export const sttConfigSchema = z.strictObject({
  language: nonEmptyString.optional(),
  alternativeLanguages: z
    .array(
      nonEmptyString.refine((language) => !NOT_ALTERNATIVE.has(language), {
        message: 'is an engine that cannot be an alternative language',
      }),
    )
    .optional(),
  customParam: z.string().optional(),
  vadSilenceTimeMs: z.int().min(240).max(2000).optional(),
  vadLevel: z.int().min(0).max(5).optional(),
  hotWords: z.array(hotWordSchema).max(128).optional(),
});

/** `AgentConfig` on the wire (TRTC's field names and numeric codes). */
export function agentConfigToWire(
  agent: z.infer<typeof agentConfigSchema>,
): Record<string, unknown> {
  const wire = mapFields(
    agent,
    {
      userId: 'UserId',
      userSig: 'UserSig',
      targetUserId: 'TargetUserId',
      maxIdleTimeSeconds: 'MaxIdleTime',
      welcomeMessage: 'WelcomeMessage',
      interruptSpeechDurationMs: 'InterruptSpeechDuration',
      filterOneWord: 'FilterOneWord',
      interruptWords: 'InterruptWordList',
    },
    {},
  );
  if (agent.welcomeMessagePriority !== undefined) {
    wire.WelcomeMessagePriority = agent.welcomeMessagePriority === 'high' ? 1 : 0;
  }
  if (agent.interruptMode !== undefined) wire.InterruptMode = INTERRUPT_MODES[agent.interruptMode];
  if (agent.turnDetectionMode !== undefined) {
    wire.TurnDetectionMode = TURN_DETECTION_MODES[agent.turnDetectionMode];
  }
  if (agent.turnDetection?.semanticEagerness !== undefined) {
    wire.TurnDetection = { SemanticEagerness: agent.turnDetection.semanticEagerness };
  }
  if (agent.filterBracketsContent !== undefined) {
    wire.FilterBracketsContent = FILTERED_BRACKETS[agent.filterBracketsContent];
  }
  if (agent.subtitleMode !== undefined) wire.SubtitleMode = SUBTITLE_MODES[agent.subtitleMode];
  if (agent.ambientSound !== undefined) {
    wire.AmbientSound = mapFields(agent.ambientSound, { scene: 'Scene', volume: 'Volume' }, {});
  }
  if (agent.voicePrint !== undefined) {
    const voicePrint: Record<string, unknown> = {};
    if (agent.voicePrint.enabled !== undefined) voicePrint.Mode = agent.voicePrint.enabled ? 1 : 0;
    if (agent.voicePrint.ids !== undefined) voicePrint.IdList = agent.voicePrint.ids;
    wire.VoicePrint = voicePrint;
  }
  return wire;
}

/** `STTConfig` on the wire; `hotWords` become TRTC's `"word|weight,…"` string. */
export function sttConfigToWire(stt: z.infer<typeof sttConfigSchema>): Record<string, unknown> {
  const wire = mapFields(
    stt,
    {
      language: 'Language',
      alternativeLanguages: 'AlternativeLanguage',
      customParam: 'CustomParam',
      vadSilenceTimeMs: 'VadSilenceTime',
      vadLevel: 'VadLevel',
    },
    {},
  );
  if (stt.hotWords !== undefined && stt.hotWords.length > 0) {
    wire.HotWordList = stt.hotWords.map(({ word, weight }) => `${word}|${weight}`).join(',');
  }
  return wire;
}
