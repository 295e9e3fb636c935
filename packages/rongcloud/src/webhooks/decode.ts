/**
 * The schema half of `parseRongCloudWebhook`: reads the `type` of a verified, parsed
 * webhook body and decodes the body of that event with zod. Loaded with the first webhook (a
 * dynamic `import()`), so importing the package does not load zod.
 *
 * @internal
 * @module
 */
import { ValidationError } from '@imbridge/core/errors';
import { dispatch, toIssues } from './map.ts';
import type { RongCloudWebhook } from './types.ts';
import { webhookEnvelopeSchema } from './wire-schemas.ts';

/**
 * Decodes a webhook body (a JSON object, already parsed with its depth bound) into its typed
 * result.
 *
 * @throws {ValidationError} `code` `'invalid-payload'` (with `issues`), `'json-too-deep'` (the
 * content) or `'missing-event-type'`.
 */
export function decodeWebhook(json: Readonly<Record<string, unknown>>): RongCloudWebhook {
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw new ValidationError({
      code: 'invalid-payload',
      message: 'The webhook body has an invalid type field',
      issues: toIssues(envelope.error),
    });
  }
  const type = envelope.data.type;
  if (type == null) {
    throw new ValidationError({
      code: 'missing-event-type',
      message: 'The webhook body names no event type',
      issues: [{ path: ['type'], message: 'Required' }],
    });
  }
  return dispatch(type, json);
}
