/**
 * The TRTC API 3.0 client: TC3-signed calls with per-action rate limits, retries and typed errors
 * with hints.
 *
 * @module
 */
export type { TRTCClient } from './client.ts';
export { createTrtcClient } from './client.ts';
export { classifyTrtcError, classifyTrtcResponse } from './errors.ts';
export type {
  CallOptions,
  TRTCClientOptions,
  TRTCCredentials,
  TRTCCredentialsInput,
  TRTCEndpoint,
} from './options.ts';
export { DEFAULT_TRTC_RETRY, TRTC_API_VERSION, TRTC_ENDPOINTS, TRTC_SERVICE } from './options.ts';
export type { TRTCResponse } from './transport.ts';
