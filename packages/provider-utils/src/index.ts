/**
 * `@imbridge/provider-utils`: the one vendor HTTP layer of imbridge (on ky) and the helpers every
 * vendor package shares — secret inputs, capped body readers, the SSE reader, back-off, and the
 * shape of vendor error tables. ky never appears in a public type.
 *
 * @module
 */

export type {
  BodyReadFailure,
  ReadBodyOptions,
  ReadBytesResult,
  ReadTextResult,
} from './body/read-body.ts';
export { isRecord, parseJsonText, readBodyBytes, readBodyText } from './body/read-body.ts';
export type {
  EnvironmentReader,
  EnvironmentVariables,
  IntegerBounds,
} from './environment/environment.ts';
export { createEnvironmentReader, processEnvironment } from './environment/environment.ts';
export type {
  ErrorClassification,
  ErrorCodeRow,
  ResponseClassifier,
  VendorErrorClass,
} from './errors/classification.ts';
export {
  classifyStatus,
  createErrorCodeTable,
  kindForStatus,
  parseRetryAfterMs,
} from './errors/classification.ts';
export type {
  OutgoingRequest,
  PrepareContext,
  RetryEvent,
  VendorCall,
  VendorHttp,
  VendorHttpOptions,
  VendorResponse,
} from './http/types.ts';
export { createVendorHttp } from './http/vendor-http.ts';
export type { ResolvedRetryOptions, RetryOptions } from './retry/backoff.ts';
export {
  backoffDelayMs,
  maxTotalBackoffMs,
  NO_RETRIES,
  resolveRetryOptions,
} from './retry/backoff.ts';
export type { SecretInput } from './secrets/secret-input.ts';
export {
  checkSecretInput,
  REDACTED,
  redactSecrets,
  resolveSecret,
} from './secrets/secret-input.ts';
export type { ReadSSEOptions, SSEEvent } from './sse/sse.ts';
export { readServerSentEventBatches } from './sse/sse.ts';
export { VERSION } from './version.ts';
