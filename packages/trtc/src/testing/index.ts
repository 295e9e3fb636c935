/**
 * `@imbridge/trtc/testing`: a local TRTC on 127.0.0.1 for tests and demos.
 *
 * @module
 */
export { VERSION } from '../version.ts';
export { createLocalTRTC } from './local-trtc.ts';
export type {
  LocalTRTC,
  LocalTRTCAction,
  LocalTRTCFault,
  LocalTRTCOptions,
  LocalTRTCRequestRecord,
  LocalTRTCTask,
  LocalTRTCTaskStatus,
  LocalTRTCWebhookRecord,
} from './types.ts';
export { LOCAL_TRTC_ACTIONS } from './types.ts';
