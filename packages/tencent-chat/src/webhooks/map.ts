import { ValidationError, type ValidationIssue } from '@imbridge/core';
import type { z } from 'zod';
import { CALLBACK_COMMANDS } from './commands.ts';
import {
  mapC2CMessage,
  mapGroupMessage,
  toBotC2CWebhook,
  toBotGroupWebhook,
} from './message-fields.ts';
import type { TencentWebhook, TencentWebhookBase } from './types.ts';
import {
  botGroupMessageCallbackSchema,
  c2cMessageCallbackSchema,
  type GroupAfterSendCallback,
  groupAfterSendCallbackSchema,
} from './wire-schemas.ts';

/** zod issues as imbridge {@link ValidationIssue}s (symbol path segments spelled out). */
export function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    message: issue.message,
  }));
}

function invalidPayload(callbackCommand: string, error: z.ZodError): ValidationError {
  return new ValidationError({
    code: 'invalid-payload',
    message: `The ${callbackCommand} webhook body does not have the expected shape`,
    issues: toIssues(error),
  });
}

function mapGroupAtInfo(body: GroupAfterSendCallback): { atUserIds: string[]; atAll: boolean } {
  const atUserIds: string[] = [];
  let atAll = false;
  for (const entry of body.GroupAtInfo ?? []) {
    if (entry.GroupAtAllFlag === 1) atAll = true;
    else if (entry.GroupAt_Account != null && entry.GroupAt_Account !== '') {
      atUserIds.push(entry.GroupAt_Account);
    }
  }
  return { atUserIds, atAll };
}

/**
 * Checks `body` against the schema of `callbackCommand` and maps it; other commands come back as
 * `unknown`.
 *
 * @throws {ValidationError} `code` `'invalid-payload'` (with `issues`).
 */
export function dispatch(
  callbackCommand: string,
  body: unknown,
  base: TencentWebhookBase,
): TencentWebhook {
  switch (callbackCommand) {
    case CALLBACK_COMMANDS.botC2CMessage: {
      const parsed = c2cMessageCallbackSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(callbackCommand, parsed.error);
      return toBotC2CWebhook(parsed.data, base);
    }
    case CALLBACK_COMMANDS.c2cAfterSend: {
      const parsed = c2cMessageCallbackSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(callbackCommand, parsed.error);
      return mapC2CMessage(parsed.data, base, 'c2c.after-send');
    }
    case CALLBACK_COMMANDS.botGroupMessage: {
      const parsed = botGroupMessageCallbackSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(callbackCommand, parsed.error);
      return toBotGroupWebhook(parsed.data, base);
    }
    case CALLBACK_COMMANDS.groupAfterSend: {
      const parsed = groupAfterSendCallbackSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(callbackCommand, parsed.error);
      return Object.assign(
        mapGroupMessage(parsed.data, base, 'group.after-send'),
        mapGroupAtInfo(parsed.data),
      );
    }
    default:
      return { command: 'unknown', callbackCommand, ...base };
  }
}
