/**
 * Message content and answers to and from RongCloud's wire shapes. No schema here: the calls
 * check their input with `message-schemas.ts` first.
 *
 * @internal
 * @module
 */
import { ValidationError } from '@imbridge/core/errors';
import type { PublishAnswer } from './message-schemas.ts';
import type {
  MessageMentions,
  MessageUserInfo,
  PublishMessageResult,
  TextMessageContent,
} from './message-types.ts';

/** The object name of a text message. */
export const TEXT_OBJECT_NAME = 'RC:TxtMsg';

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
 * A message content after its check (`checkContent` of `message-schemas.ts`): the fields of an
 * `RC:TxtMsg`, or the JSON object of any other object name.
 */
export type CheckedContent =
  | { readonly text: TextMessageContent }
  | { readonly custom: Readonly<Record<string, unknown>> };

/**
 * The message content JSON-encoded for its form field: `RC:TxtMsg` content is mapped (mentions
 * become `{ type: 1 | 2, userIdList, mentionedContent }`); custom object names' content is sent
 * as it is.
 */
export function encodeContent(
  content: CheckedContent,
  method: string,
): { text: string; hasMentions: boolean } {
  if ('text' in content) {
    const { text } = content;
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
  return {
    text: jsonField(content.custom, method, 'content'),
    hasMentions: content.custom.mentionedInfo !== undefined,
  };
}

/** A publish call's answer (checked) in our names. */
export function publishResult(answer: PublishAnswer): PublishMessageResult {
  return {
    ...(answer.messageUID != null ? { messageUid: answer.messageUID } : {}),
    messageUids: (answer.messageUIDs ?? []).map((item) => ({
      ...(item.userId != null ? { userId: item.userId } : {}),
      ...(item.groupId != null ? { groupId: item.groupId } : {}),
      messageUid: item.messageUID,
    })),
  };
}
