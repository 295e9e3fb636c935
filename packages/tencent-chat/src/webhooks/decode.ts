/**
 * The schema half of {@link parseTencentWebhook}: reads the `CallbackCommand` of a verified,
 * parsed webhook body and decodes the body of that command with zod. Loaded with the first
 * webhook (a dynamic `import()`), so importing the package does not load zod.
 *
 * @internal
 * @module
 */
import { ValidationError } from '@imbridge/core';
import { isRecord } from '@imbridge/provider-utils';
import { dispatch, toIssues } from './map.ts';
import type { TencentWebhook, TencentWebhookBase } from './types.ts';
import { webhookEnvelopeSchema } from './wire-schemas.ts';

/** What the webhook URL says besides the signature, read by the parser. */
export interface WebhookQuery {
  /** The configured SDKAppID, already checked against the URL's `SdkAppid`. */
  sdkAppId: number;
  /** `CallbackCommand` of the URL, used when the body names none. */
  callbackCommand: string | undefined;
  /** `ClientIP` of the URL. */
  clientIp: string | undefined;
  /** `OptPlatform` of the URL. */
  platform: string | undefined;
}

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
  const { clientIp, platform } = query;
  const base: TencentWebhookBase = {
    sdkAppId: query.sdkAppId,
    ...(clientIp !== undefined && clientIp !== '' ? { clientIp } : {}),
    ...(platform !== undefined && platform !== '' ? { platform } : {}),
    raw: json,
  };
  return dispatch(callbackCommand, json, base);
}
