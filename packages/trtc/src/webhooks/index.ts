/**
 * TRTC server callbacks: signature verification over the raw body, parsing of the AI service
 * events (event group 9) into imbridge's names, and the HTTP answers to send back.
 *
 * @module
 */
export type { TRTCWebhookHandlerOptions } from './handler.ts';
export { createTrtcWebhookHandler, TRTC_WEBHOOK_PLATFORM } from './handler.ts';
export type { ParseTrtcWebhookOptions } from './parse.ts';
export { DEFAULT_WEBHOOK_MAX_BODY_BYTES, parseTrtcWebhook } from './parse.ts';
export { rejectionReason, webhookAcknowledgement, webhookRejection } from './responses.ts';
export type { VerifyTrtcWebhookOptions } from './sign.ts';
export { computeTrtcWebhookSignature, verifyTrtcWebhook } from './sign.ts';
export type {
  TRTCAgentSpeakingFinishedWebhook,
  TRTCAgentStartedWebhook,
  TRTCAgentStoppedWebhook,
  TRTCAgentStopReason,
  TRTCAIServiceWebhookFields,
  TRTCErrorWebhook,
  TRTCMessageWebhook,
  TRTCMetricName,
  TRTCMetricWebhook,
  TRTCSessionStatusWebhook,
  TRTCSpeechStartedWebhook,
  TRTCUnknownWebhook,
  TRTCWebhook,
  TRTCWebhookFields,
  TRTCWebhookKind,
} from './types.ts';
export { TRTC_AGENT_STOP_REASONS, TRTC_METRIC_NAMES } from './types.ts';
