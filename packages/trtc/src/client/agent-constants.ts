/**
 * The value tables of `AgentConfig` (zod-free, so that importing the package does not load
 * zod; the schemas load with the first call that checks a config).
 *
 * @module
 */
/** Who interrupts the agent: TRTC on detected speech (`0`), or the client's signal (`1`). */
export const INTERRUPT_MODES = { server: 0, client: 1 } as const;
/** A key of {@link INTERRUPT_MODES}. */
export type InterruptMode = keyof typeof INTERRUPT_MODES;

/**
 * When a turn starts: on a full ASR sentence (`0`), when the client says so after subtitles
 * (`1`), or by semantic turn detection (`3`, tuned by {@link AgentConfig.turnDetection}).
 */
export const TURN_DETECTION_MODES = { 'asr-sentence': 0, client: 1, semantic: 3 } as const;
/** A key of {@link TURN_DETECTION_MODES}. */
export type TurnDetectionMode = keyof typeof TURN_DETECTION_MODES;

/** Brackets whose content the agent does not speak (`FilterBracketsContent` 1–5). */
export const FILTERED_BRACKETS = { '（）': 1, '()': 2, '【】': 3, '[]': 4, '{}': 5 } as const;
/** A key of {@link FILTERED_BRACKETS}. */
export type FilteredBrackets = keyof typeof FILTERED_BRACKETS;

/**
 * Subtitles: as soon as possible, each one the full text so far (`0`), or sentence by sentence in
 * step with the audio, each one new text the client appends (`1`).
 */
export const SUBTITLE_MODES = { 'full-text': 0, sentence: 1 } as const;
/** A key of {@link SUBTITLE_MODES}. */
export type SubtitleMode = keyof typeof SUBTITLE_MODES;

/** Background sounds TRTC can mix under the agent's voice. */
export const AMBIENT_SCENES = [
  'coffee_shops',
  'busy_office',
  'street_traffic',
  'evening_mountain',
] as const;
/** One of {@link AMBIENT_SCENES}. */
export type AmbientScene = (typeof AMBIENT_SCENES)[number];
