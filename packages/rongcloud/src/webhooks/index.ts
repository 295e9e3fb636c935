/**
 * RongCloud bot webhooks: signature verification on the query string, parsing of the events
 * into imbridge's names, and the HTTP answers to send back.
 *
 * @module
 */
export type { ParseRongCloudWebhookOptions } from './parse.ts';
export { DEFAULT_WEBHOOK_MAX_BODY_BYTES, parseRongCloudWebhook } from './parse.ts';
export { rejectionReason, webhookAcknowledgement, webhookRejection } from './responses.ts';
export type { VerifyRongCloudWebhookSignatureOptions } from './sign.ts';
export { DEFAULT_WEBHOOK_MAX_AGE_MS, verifyRongCloudWebhookSignature } from './sign.ts';
export type {
  RongCloudGroupMessageWebhook,
  RongCloudMessagePayload,
  RongCloudMessageWebhookFields,
  RongCloudPrivateMessageWebhook,
  RongCloudUnknownWebhook,
  RongCloudWebhook,
  RongCloudWebhookBot,
  RongCloudWebhookKind,
} from './types.ts';
