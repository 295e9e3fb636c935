/**
 * Zod schemas of the user, message and stream message calls: their inputs and the answers the
 * client reads fields from. Loaded with the first such call (`loadMessageSchemas` of `wire.ts`), not at
 * import: signing and building a request need none of this.
 *
 * @internal
 * @module
 */
import { utf8ByteLength } from '@imbridge/core';
import { z } from 'zod';
import { checkInput } from './check.ts';
import { RONGCLOUD_CONVERSATION_TYPES } from './message-types.ts';
import { type CheckedContent, TEXT_OBJECT_NAME } from './message-wire.ts';
import { MAX_GROUP_RECEIVERS, MAX_PRIVATE_RECEIVERS } from './messages.ts';

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

function withinBytes(max: number) {
  return z
    .string()
    .min(1)
    .refine((value) => utf8ByteLength(value) <= max, `must be at most ${max} bytes of UTF-8`);
}

/** `registerUser` input. */
export const registerUserSchema = z.object({
  userId: withinBytes(64),
  name: withinBytes(128),
  portraitUri: z.string().max(1024).optional(),
});

/** `user/getToken` answer. */
export const tokenAnswerSchema = z.looseObject({
  token: z.string(),
  userId: z.string().nullish(),
});

// ---------------------------------------------------------------------------------------------
// Message content
// ---------------------------------------------------------------------------------------------

/** A user id (or group id) in a message call. */
const idSchema = z.string().min(1);

/** Sender information in content. */
const userInfoSchema = z.object({
  id: idSchema,
  name: z.string().optional(),
  portrait: z.string().optional(),
  extra: z.string().optional(),
});

const mentionsSchema = z
  .object({
    type: z.enum(['all', 'users']),
    userIds: z.array(idSchema).optional(),
    mentionedContent: z.string().optional(),
  })
  .refine((mentions) => mentions.type === 'all' || (mentions.userIds?.length ?? 0) > 0, {
    message: "must list userIds when type is 'users'",
    path: ['userIds'],
  });

const textContentSchema = z.object({
  content: z.object({
    content: z.string(),
    extra: z.string().optional(),
    user: userInfoSchema.optional(),
    mentionedInfo: mentionsSchema.optional(),
  }),
});

const customContentSchema = z.object({
  content: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
});

/**
 * Checks a message content: an `RC:TxtMsg`'s fields (its text, sender, mentions), any JSON
 * object for another object name (taken as it is).
 */
export function checkContent(objectName: string, content: unknown, method: string): CheckedContent {
  if (objectName === TEXT_OBJECT_NAME) {
    return { text: checkInput(textContentSchema, { content }, method).content };
  }
  checkInput(customContentSchema, { content }, method);
  return { custom: content as Readonly<Record<string, unknown>> };
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

function receivers(max: number) {
  return z.union([idSchema, z.array(idSchema).min(1).max(max)], {
    error: `must be an id or an array of 1 to ${max} ids`,
  });
}

const publishFields = {
  fromUserId: idSchema,
  objectName: z.string().min(1),
  pushContent: z.string().optional(),
  pushData: z.string().optional(),
  persisted: z.boolean().optional(),
  includeSender: z.boolean().optional(),
  disablePush: z.boolean().optional(),
  expansion: z.boolean().optional(),
  extraContent: z.record(z.string(), z.string()).optional(),
  disableUpdateLastMessage: z.boolean().optional(),
  busChannel: z.string().optional(),
};

/** The fields every publish call checks, as checked. */
export type CheckedPublishFields = z.infer<z.ZodObject<typeof publishFields>>;

/** `publishPrivateMessage` input. */
export const privateMessageSchema = z.object({
  ...publishFields,
  toUserId: receivers(MAX_PRIVATE_RECEIVERS),
  counted: z.boolean().optional(),
  verifyBlacklist: z.boolean().optional(),
});

/** `publishGroupMessage` input. */
export const groupMessageSchema = z.object({
  ...publishFields,
  toGroupId: receivers(MAX_GROUP_RECEIVERS),
  toUserId: z.array(idSchema).optional(),
  mentioned: z.boolean().optional(),
});

/** `recallMessage` input. */
export const recallSchema = z.object({
  fromUserId: idSchema,
  targetId: idSchema,
  conversationType: z.enum(
    Object.keys(RONGCLOUD_CONVERSATION_TYPES) as [keyof typeof RONGCLOUD_CONVERSATION_TYPES],
  ),
  messageUid: z.string().min(1),
  sentTimeMs: z.int().min(0),
  asAdmin: z.boolean().optional(),
  deleteMessage: z.boolean().optional(),
  disablePush: z.boolean().optional(),
  busChannel: z.string().optional(),
  disableUpdateLastMessage: z.boolean().optional(),
});

/** A publish call's answer. */
export const publishAnswerSchema = z.looseObject({
  messageUID: z.string().nullish(),
  messageUIDs: z
    .array(
      z.looseObject({
        userId: z.string().nullish(),
        groupId: z.string().nullish(),
        messageUID: z.string(),
      }),
    )
    .nullish(),
});

/** A publish call's answer, as checked. */
export type PublishAnswer = z.infer<typeof publishAnswerSchema>;

// ---------------------------------------------------------------------------------------------
// Stream messages
// ---------------------------------------------------------------------------------------------

const streamFields = {
  fromUserId: idSchema,
  content: z.string(),
  seq: z.int().min(1),
  complete: z.boolean(),
  messageUid: z.string().min(1).optional(),
  type: z.string().min(1).optional(),
  user: userInfoSchema.optional(),
  extra: z.string().optional(),
  includeSender: z.boolean().optional(),
  persisted: z.boolean().optional(),
  counted: z.boolean().optional(),
  disableUpdateLastMessage: z.boolean().optional(),
  extraContent: z.record(z.string(), z.string()).optional(),
};

/** A stream chunk's fields, as checked. */
export type CheckedStreamChunk = z.infer<z.ZodObject<typeof streamFields>>;

const laterChunksCarryUid = {
  check: (chunk: { seq: number; messageUid?: string | undefined }) =>
    chunk.seq === 1 || chunk.messageUid !== undefined,
  message:
    'must be the messageUid returned by the first chunk: every chunk after the first (seq > 1) carries it',
  path: ['messageUid'],
};

/** `publishPrivateStreamMessage` input. */
export const privateStreamSchema = z
  .object({ ...streamFields, toUserId: idSchema })
  .refine(laterChunksCarryUid.check, laterChunksCarryUid);

/** `publishGroupStreamMessage` input. */
export const groupStreamSchema = z
  .object({ ...streamFields, toGroupId: idSchema })
  .refine(laterChunksCarryUid.check, laterChunksCarryUid);

/** The first chunk's answer: it must name the message. */
export const firstChunkAnswerSchema = z.looseObject({ messageUID: z.string().min(1) });

/** A later chunk's answer. */
export const laterChunkAnswerSchema = z.looseObject({ messageUID: z.string().nullish() });
