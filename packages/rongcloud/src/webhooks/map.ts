import { ValidationError, type ValidationIssue } from '@imbridge/core/errors';
import { isRecord, parseJsonText } from '@imbridge/provider-utils';
import type { z } from 'zod';
import { EVENT_TYPES, TEXT_OBJECT_NAME } from './event-types.ts';
import type {
  RongCloudMessageWebhookFields,
  RongCloudWebhook,
  RongCloudWebhookBot,
} from './types.ts';
import {
  type GroupMessageEvent,
  groupMessageEventSchema,
  type MentionedInfo,
  mentionedInfoSchema,
  type PrivateMessageEvent,
  privateMessageEventSchema,
  textMessageContentSchema,
} from './wire-schemas.ts';

/**
 * The deepest nesting of arrays and objects accepted in a message content (the JSON inside the
 * `data.content` string). RongCloud's contents nest about 3 deep (`mentionedInfo.userIdList`);
 * the parsed content sits one level inside the result, well under the body's own 64 levels.
 */
export const CONTENT_MAX_JSON_DEPTH = 32;

const CONTENT_PATH = ['data', 'content'] as const;

/** zod issues as {@link ValidationIssue}s, with `prefix` before each path. */
export function toIssues(
  error: z.ZodError,
  prefix: ReadonlyArray<string | number> = [],
): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: [
      ...prefix,
      ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    ],
    message: issue.message,
  }));
}

function invalidPayload(type: string, issues: ValidationIssue[]): ValidationError {
  return new ValidationError({
    code: 'invalid-payload',
    message: `The ${type} webhook body does not have the expected shape`,
    issues,
  });
}

/**
 * `data.content`: RongCloud sends the message content as a string holding JSON, parsed here a
 * second time with its own depth bound. An object is taken as it is (tolerated, not documented).
 */
function parseContent(
  type: string,
  content: string | Record<string, unknown>,
): Readonly<Record<string, unknown>> {
  if (typeof content !== 'string') return content;
  const parsed = parseJsonText(content, { maxDepth: CONTENT_MAX_JSON_DEPTH });
  if (!parsed.ok && parsed.reason === 'too-deep') {
    throw new ValidationError({
      code: 'json-too-deep',
      message: `The ${type} message content nests arrays and objects more than ${CONTENT_MAX_JSON_DEPTH} levels deep`,
      issues: [
        { path: CONTENT_PATH, message: `Nested more than ${CONTENT_MAX_JSON_DEPTH} levels` },
      ],
    });
  }
  if (!parsed.ok || !isRecord(parsed.value)) {
    throw invalidPayload(type, [
      { path: CONTENT_PATH, message: 'Expected a string holding a JSON object' },
    ]);
  }
  return parsed.value;
}

/** The text of an `RC:TxtMsg` (required there); undefined for any other object name. */
function textOf(
  type: string,
  objectName: string,
  content: Readonly<Record<string, unknown>>,
): string | undefined {
  if (objectName !== TEXT_OBJECT_NAME) return undefined;
  const parsed = textMessageContentSchema.safeParse(content);
  if (!parsed.success) throw invalidPayload(type, toIssues(parsed.error, CONTENT_PATH));
  return parsed.data.content;
}

/** The first of `keys` holding a non-empty string. */
function firstString(
  data: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): string | undefined {
  for (const key of keys) {
    const value = data[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

const DIGITS = /^\d{1,15}$/;

/** A unix-milliseconds value: a non-negative safe integer, or a string of up to 15 digits. */
function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  }
  return typeof value === 'string' && DIGITS.test(value) ? Number(value) : undefined;
}

function firstTime(
  data: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): number | undefined {
  for (const key of keys) {
    const time = timeOf(data[key]);
    if (time !== undefined) return time;
  }
  return undefined;
}

/** Message id fields, in order of preference (none is documented for bot webhooks). */
const MESSAGE_ID_KEYS = ['msgUID', 'messageUID', 'messageId'] as const;
/** Send-time fields, in order of preference (none is documented for bot webhooks). */
const SENT_TIME_KEYS = ['msgTimestamp', 'msgTimeStamp', 'sentTime'] as const;

function mapBot(bot: PrivateMessageEvent['bot']): RongCloudWebhookBot {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(bot.metadata ?? {})) {
    if (typeof value === 'string') metadata[key] = value;
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      metadata[key] = String(value);
    }
  }
  return {
    userId: bot.userId,
    ...(bot.name != null ? { name: bot.name } : {}),
    ...(bot.profileUrl != null ? { profileUrl: bot.profileUrl } : {}),
    ...(bot.type != null ? { type: bot.type } : {}),
    metadata,
  };
}

function mapMessage(
  event: PrivateMessageEvent | GroupMessageEvent,
  content: Readonly<Record<string, unknown>>,
  raw: Readonly<Record<string, unknown>>,
): RongCloudMessageWebhookFields {
  const { data } = event;
  const text = textOf(event.type, data.objectName, content);
  const messageId = firstString(data, MESSAGE_ID_KEYS);
  const sentAtMs = firstTime(data, SENT_TIME_KEYS);
  const eventTimeMs = timeOf(event.timestamp);
  return {
    botUserId: event.bot.userId,
    bot: mapBot(event.bot),
    fromUserId: data.fromUserId,
    ...(messageId !== undefined ? { messageId } : {}),
    objectName: data.objectName,
    ...(text !== undefined ? { text } : {}),
    content,
    ...(data.channelType != null && data.channelType !== ''
      ? { channelType: data.channelType }
      : {}),
    ...(sentAtMs !== undefined ? { sentAtMs } : {}),
    ...(eventTimeMs !== undefined ? { eventTimeMs } : {}),
    raw,
  };
}

/**
 * The mentions of a group message: the content's `mentionedInfo` (where RongCloud's clients put
 * it), else `data.mentionedInfo`. A malformed `mentionedInfo` in the content is rejected, since
 * it decides whether the bot answers.
 */
function mentionsOf(
  event: GroupMessageEvent,
  content: Readonly<Record<string, unknown>>,
): { mentionsBot: boolean; mentionsAll: boolean } {
  let info: MentionedInfo | null | undefined = event.data.mentionedInfo;
  if (content.mentionedInfo != null) {
    const parsed = mentionedInfoSchema.safeParse(content.mentionedInfo);
    if (!parsed.success) {
      throw invalidPayload(event.type, toIssues(parsed.error, [...CONTENT_PATH, 'mentionedInfo']));
    }
    info = parsed.data;
  }
  if (info == null) return { mentionsBot: false, mentionsAll: false };
  return {
    mentionsBot: info.type === 2 && (info.userIdList ?? []).includes(event.bot.userId),
    mentionsAll: info.type === 1,
  };
}

/**
 * Validates and maps a webhook body by its event name. Event names without a typed result come
 * back as `{ kind: 'unknown' }`.
 */
export function dispatch(type: string, body: Readonly<Record<string, unknown>>): RongCloudWebhook {
  switch (type) {
    case EVENT_TYPES.privateMessage: {
      const parsed = privateMessageEventSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(type, toIssues(parsed.error));
      const content = parseContent(type, parsed.data.data.content);
      return {
        kind: 'private-message',
        ...mapMessage(parsed.data, content, body),
        toUserId: parsed.data.data.toUserId,
      };
    }
    case EVENT_TYPES.groupMessage: {
      // Assumed event name and shape (reference "Open questions": the group @-mention event of
      // bot webhooks is not named in RongCloud's docs). See RongCloudGroupMessageWebhook.
      const parsed = groupMessageEventSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(type, toIssues(parsed.error));
      const { data } = parsed.data;
      const content = parseContent(type, data.content);
      const groupId = data.toGroupId ?? data.groupId;
      if (groupId == null) {
        throw invalidPayload(type, [
          { path: ['data', 'toGroupId'], message: 'Expected toGroupId or groupId' },
        ]);
      }
      return {
        kind: 'group-message',
        ...mapMessage(parsed.data, content, body),
        groupId,
        ...mentionsOf(parsed.data, content),
      };
    }
    default:
      return { kind: 'unknown', type, raw: body };
  }
}
