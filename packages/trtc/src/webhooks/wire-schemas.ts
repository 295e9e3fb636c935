/**
 * Zod schemas of the TRTC callback bodies imbridge understands (event group 9, the AI service
 * events). Vendor field names live here and in the mappers of `map.ts` only. Schemas are lenient
 * on fields we only pass on (unknown keys are ignored, optional ones may be `null`, times of the
 * wrong type are dropped by the mapper) and strict on the ones an app acts on.
 *
 * @internal
 */
import { z } from 'zod';

/** `EventGroupId` of the AI service events (AI conversation, 901–909). */
export const AI_SERVICE_EVENT_GROUP = 9;

/** `EventType`s of group 9 with a typed result (the reference lists no 907). */
export const EVENT_TYPES = {
  /** `EVENT_TYPE_AI_SERVICE_START` */
  serviceStart: 901,
  /** `EVENT_TYPE_AI_SERVICE_STOP` */
  serviceStop: 902,
  /** `EVENT_TYPE_AI_SERVICE_MSG` */
  serviceMessage: 903,
  /** `EVENT_TYPE_AI_START_OF_SPEECH` */
  startOfSpeech: 904,
  /** `EVENT_TYPE_AI_SPEAKING_FINISHED` */
  speakingFinished: 905,
  /** `EVENT_TYPE_AI_METRIC_MESSAGE` */
  metricMessage: 906,
  /** `EVENT_TYPE_AI_ERROR_METRIC_CALLBACK` */
  errorMetric: 908,
  /** `EVENT_TYPE_AI_SESSION_STATUS_CALLBACK` */
  sessionStatus: 909,
} as const;

const integer = z.number().int();
const nonEmptyString = z.string().min(1);

/**
 * An identifier TRTC may send as a string or a number (`RoomId` is `"1234"` in the examples of
 * group 9 and a number in those of other groups), kept as a string.
 */
const identifier = z
  .union([nonEmptyString, z.number().int().nonnegative()])
  .transform((value) => String(value));

/** Any JSON object; reads the event group and type before dispatching. */
export const webhookEnvelopeSchema = z.object({
  EventGroupId: integer.nullish(),
  EventType: integer.nullish(),
  /** Documented as `CallbackMsTs` in the field table, sent as `CallbackTs` in the examples. */
  CallbackTs: z.unknown().optional(),
  CallbackMsTs: z.unknown().optional(),
});

/** `EventInfo` of a group-9 event around its `Payload`. */
function aiServiceEventSchema<Payload extends z.ZodType>(payload: Payload) {
  return z.object({
    EventInfo: z.object({
      TaskId: nonEmptyString,
      RoomId: identifier,
      RoomIdType: integer.nullish(),
      /** Unix milliseconds; documented as a String, a Number in the examples. */
      EventMsTs: z.unknown().optional(),
      Payload: payload,
    }),
  });
}

/** 901: `{ Status: 0 | 1 }` (0 started, 1 failed to start). */
export const serviceStartSchema = aiServiceEventSchema(z.object({ Status: integer }));

/** 902: `{ LeaveCode }`. */
export const serviceStopSchema = aiServiceEventSchema(z.object({ LeaveCode: integer }));

/** 903: a whole ASR sentence or a whole LLM reply. */
export const serviceMessageSchema = aiServiceEventSchema(
  z.object({
    UserId: nonEmptyString,
    Text: z.string(),
    StartTimeMs: z.unknown().optional(),
    EndTimeMs: z.unknown().optional(),
    RoundId: identifier.nullish(),
  }),
);

/** 904: a user started speaking. */
export const startOfSpeechSchema = aiServiceEventSchema(
  z.object({ UserId: nonEmptyString, RoundId: identifier.nullish() }),
);

/** 905: the bot finished speaking. */
export const speakingFinishedSchema = aiServiceEventSchema(
  z.object({
    UserId: nonEmptyString,
    RoundId: identifier.nullish(),
    Text: z.string().nullish(),
  }),
);

/** A metric value: a finite number, or a string holding one. */
const metricValue = z.union([
  z.number().finite(),
  z
    .string()
    .regex(/^-?\d{1,15}(\.\d{1,15})?$/)
    .transform(Number),
]);

/** 906: a latency or quality metric of one round. */
export const metricMessageSchema = aiServiceEventSchema(
  z.object({
    Metric: nonEmptyString,
    Value: metricValue,
    Tag: z.object({ RoundId: identifier.nullish() }).nullish(),
  }),
);

/** 908: an error of the STT, LLM or TTS stage. */
export const errorMetricSchema = aiServiceEventSchema(
  z.object({
    Metric: nonEmptyString,
    Tag: z
      .object({
        RoundId: identifier.nullish(),
        Code: z.union([z.number(), z.string()]).nullish(),
        Message: z.string().nullish(),
      })
      .nullish(),
  }),
);

/** 909: the session's status (`session_ready`). */
export const sessionStatusSchema = aiServiceEventSchema(z.object({ Status: nonEmptyString }));

/** Parsed `EventInfo` fields shared by every group-9 event (its `Payload` aside). */
export type AIServiceEventInfo = Omit<z.infer<typeof serviceStartSchema>['EventInfo'], 'Payload'>;
