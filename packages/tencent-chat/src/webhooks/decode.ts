/**
 * The schema half of {@link parseTencentWebhook}: reads the `CallbackCommand` of a verified,
 * parsed webhook body and decodes the body of that command with zod. Loaded with the first
 * webhook that the hand-written robot path (`bot-decode.ts`) does not accept (a dynamic
 * `import()`), so importing the package, and the robot commands, do not load zod.
 *
 * @internal
 * @module
 */
import { ValidationError } from '@imbridge/core';
import { isRecord } from '@imbridge/provider-utils';
import { dispatch, toIssues } from './map.ts';
import { type WebhookQuery, webhookBase } from './message-fields.ts';
import type { TencentWebhook } from './types.ts';
import { webhookEnvelopeSchema } from './wire-schemas.ts';

/**
 * Decodes a webhook body (JSON already parsed, depth-bounded) into its typed result.
 *
 * @throws {ValidationError} `code` `'invalid-payload'` (with `issues`) or `'missing-command'`.
 */
export function decodeWebhook(json: unknown, query: WebhookQuery): TencentWebhook {
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success || !isRecord(json)) {
    throw new ValidationError({
      code: 'invalid-payload',
      message: 'The webhook body is not a JSON object',
      issues: envelope.success
        ? [{ path: [], message: 'Expected an object' }]
        : toIssues(envelope.error),
    });
  }
  const callbackCommand = envelope.data.CallbackCommand ?? query.callbackCommand;
  if (callbackCommand === undefined || callbackCommand === '') {
    throw new ValidationError({
      code: 'missing-command',
      message: 'The webhook names no CallbackCommand',
      issues: [{ path: ['CallbackCommand'], message: 'Required' }],
    });
  }
  return dispatch(callbackCommand, json, webhookBase(json, query));
}
