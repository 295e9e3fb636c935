import { ValidationError } from '@imbridge/core';
import { isRecord } from '@imbridge/provider-utils';
import { z } from 'zod';
import type { MessageMentions, MessageUserInfo, PublishMessageResult } from './message-types.ts';
import { checkInput, parseResponse } from './wire.ts';

/** The object name of a text message. */
export const TEXT_OBJECT_NAME = 'RC:TxtMsg';

/** A user id (or group id) in a message call. */
export const idSchema = z.string().min(1);

/** Sender information in content. */
export const userInfoSchema = z.object({
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

/** `user` in content, on the wire (the same names). */
export function userToWire(user: MessageUserInfo | undefined): Record<string, unknown> | undefined {
  return user === undefined
    ? undefined
    : { id: user.id, name: user.name, portrait: user.portrait, extra: user.extra };
}

function mentionsToWire(
  mentions: MessageMentions | undefined,
): Record<string, unknown> | undefined {
  if (mentions === undefined) return undefined;
  return {
    type: mentions.type === 'all' ? 1 : 2,
    userIdList: mentions.userIds,
    mentionedContent: mentions.mentionedContent,
  };
}

/** A JSON text for a form field; a value JSON cannot encode is a `ValidationError`. */
export function jsonField(value: unknown, method: string, field: string): string {
  try {
    const text = JSON.stringify(value);
    if (typeof text === 'string') return text;
  } catch {
    // Cycles and BigInt: reported below.
  }
  throw new ValidationError({
    message: `RongCloud ${method}: ${field} cannot be encoded as JSON`,
    issues: [{ path: [field], message: 'not JSON-encodable' }],
  });
}

/**
 * The message content, checked and JSON-encoded for its form field: `RC:TxtMsg` content is
 * checked and mapped (mentions become `{ type: 1 | 2, userIdList, mentionedContent }`); custom
 * object names take any JSON object as it is.
 */
export function encodeContent(
  objectName: string,
  content: unknown,
  method: string,
): { text: string; hasMentions: boolean } {
  if (objectName === TEXT_OBJECT_NAME) {
    const text = checkInput(textContentSchema, { content }, method).content;
    const wire = {
      content: text.content,
      extra: text.extra,
      user: userToWire(text.user),
      mentionedInfo: mentionsToWire(text.mentionedInfo),
    };
    return {
      text: jsonField(wire, method, 'content'),
      hasMentions: text.mentionedInfo !== undefined,
    };
  }
  checkInput(customContentSchema, { content }, method);
  return {
    text: jsonField(content, method, 'content'),
    hasMentions: isRecord(content) && content.mentionedInfo !== undefined,
  };
}

const publishAnswerSchema = z.looseObject({
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

/** A publish call's answer in our names. */
export function publishResult(body: Record<string, unknown>, method: string): PublishMessageResult {
  const parsed = parseResponse(publishAnswerSchema, body, method);
  return {
    ...(parsed.messageUID != null ? { messageUid: parsed.messageUID } : {}),
    messageUids: (parsed.messageUIDs ?? []).map((item) => ({
      ...(item.userId != null ? { userId: item.userId } : {}),
      ...(item.groupId != null ? { groupId: item.groupId } : {}),
      messageUid: item.messageUID,
    })),
  };
}
