/**
 * `@imbridge/trtc/testing`: a local TRTC on 127.0.0.1 for tests and demos.
 *
 * @module
 */
export { VERSION } from '../version.ts';
export { LocalTRTCTaskNotFoundError } from './errors.ts';
export { createLocalTRTC } from './local-trtc.ts';
export type {
  LocalTRTC,
  LocalTRTCAction,
  LocalTRTCFault,
  LocalTRTCOptions,
  LocalTRTCPushedText,
  LocalTRTCRequestRecord,
  LocalTRTCTask,
  LocalTRTCTaskStatus,
  LocalTRTCTurn,
  LocalTRTCTurnFailure,
  LocalTRTCTurnStatus,
  LocalTRTCUtteranceOptions,
  LocalTRTCWebhookRecord,
  LocalTRTCWebhookRetry,
} from './types.ts';
export { LOCAL_TRTC_ACTIONS, LOCAL_TRTC_TURN_FAILURES } from './types.ts';
