/**
 * Zod schemas of the RongCloud bot webhook bodies imbridge understands. Vendor field names live
 * here and in the mappers of `map.ts` only. Schemas are lenient on fields we do not use (unknown
 * keys are ignored, optional ones may be `null`) and strict on the ones we do.
 *
 * @internal
 */
import { z } from 'zod';

const nonEmptyString = z.string().min(1);
const optionalString = z.string().nullish();

/** Any JSON object (unknown keys ignored); reads the event name before dispatching. */
export const webhookEnvelopeSchema = z.object({
  type: nonEmptyString.nullish(),
});

/** `bot`: the bot the event is for. */
const botSchema = z.object({
  userId: nonEmptyString,
  name: optionalString,
  profileUrl: optionalString,
  type: optionalString,
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

/**
 * Fields of a message event's `data`. Only `fromUserId`, `toUserId`, `objectName`, `content` and
 * `channelType` are documented; the id and time fields are plausible names, all optional and not
 * type-checked here (a value of the wrong type is ignored by the mapper, not rejected).
 */
const messageDataFields = {
  fromUserId: nonEmptyString,
  objectName: nonEmptyString,
  /** A string holding the content's JSON (documented); an object is tolerated. */
  content: z.union([z.string(), z.record(z.string(), z.unknown())]),
  channelType: optionalString,
  msgUID: z.unknown().optional(),
  messageUID: z.unknown().optional(),
  messageId: z.unknown().optional(),
  msgTimestamp: z.unknown().optional(),
  msgTimeStamp: z.unknown().optional(),
  sentTime: z.unknown().optional(),
};

/**
 * Common fields of every message event. `timestamp` (documented: unix milliseconds) is
 * informational, so a value of another type is ignored by the mapper rather than rejected.
 */
const messageEventFields = {
  type: nonEmptyString,
  timestamp: z.unknown().optional(),
  bot: botSchema,
};

/** `message:private`. */
export const privateMessageEventSchema = z.object({
  ...messageEventFields,
  data: z.object({ ...messageDataFields, toUserId: nonEmptyString }),
});

/** `mentionedInfo` of a message content: `type` 1 = everyone, 2 = the users listed. */
export const mentionedInfoSchema = z.object({
  type: z.number().int(),
  userIdList: z.array(z.string()).nullish(),
  mentionedContent: optionalString,
});

/** `message:group` (assumed name and shape; see `EVENT_TYPES` in `event-types.ts`). */
export const groupMessageEventSchema = z.object({
  ...messageEventFields,
  /** One of `toGroupId` and `groupId` is required (checked by the mapper). */
  data: z.object({
    ...messageDataFields,
    toGroupId: nonEmptyString.nullish(),
    groupId: nonEmptyString.nullish(),
    mentionedInfo: mentionedInfoSchema.nullish(),
  }),
});

/**
 * The content of an `RC:TxtMsg`: only the text is checked (`extra`, `user` and the rest are kept
 * as they are; `mentionedInfo` is checked for group messages only).
 */
export const textMessageContentSchema = z.object({
  content: z.string(),
});

/** Parsed `message:private` body. */
export type PrivateMessageEvent = z.infer<typeof privateMessageEventSchema>;
/** Parsed `message:group` body. */
export type GroupMessageEvent = z.infer<typeof groupMessageEventSchema>;
/** Parsed `mentionedInfo`. */
export type MentionedInfo = z.infer<typeof mentionedInfoSchema>;
