/**
 * `@imbridge/trtc/testing`: a local TRTC on 127.0.0.1 for tests and demos.
 *
 * @module
 */
export { VERSION } from '../version.ts';
