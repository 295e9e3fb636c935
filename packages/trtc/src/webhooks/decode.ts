/**
 * The zod half of webhook parsing: a verified JSON body checked against the envelope schema and
 * mapped to a {@link TRTCWebhook}. Loaded by `parseTrtcWebhook` with the first callback.
 *
 * @module
 */
import { ValidationError } from '@imbridge/core';
import { dispatch, type Envelope, timeOf, toIssues } from './map.ts';
import type { TRTCWebhook } from './types.ts';
import { webhookEnvelopeSchema } from './wire-schemas.ts';

/** Maps a verified callback body; `sdkAppId` is the `SdkAppId` header's, if any. */
export function decodeWebhook(
  json: Readonly<Record<string, unknown>>,
  sdkAppId: number | undefined,
): TRTCWebhook {
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw new ValidationError({
      code: 'invalid-payload',
      message: 'The webhook body has an invalid EventGroupId or EventType',
      issues: toIssues(envelope.error),
    });
  }
  const { EventGroupId: eventGroupId, EventType: eventType } = envelope.data;
  if (eventGroupId == null || eventType == null) {
    throw new ValidationError({
      code: 'missing-event-type',
      message: 'The webhook body names no event group or type',
      issues: [
        { path: [eventGroupId == null ? 'EventGroupId' : 'EventType'], message: 'Required' },
      ],
    });
  }
  const header: Envelope = {
    eventGroupId,
    eventType,
    callbackTimeMs: timeOf(envelope.data.CallbackTs) ?? timeOf(envelope.data.CallbackMsTs),
    sdkAppId,
  };
  return dispatch(header, json);
}
