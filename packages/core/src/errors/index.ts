/**
 * `@imbridge/core/errors`: the error classes and predicates of `@imbridge/core`, without the bot
 * runtime. For code that only throws or recognises imbridge errors (a UserSig module, a webhook
 * signature check) and should not load the rest of core. The classes are the very objects
 * `@imbridge/core` exports, so `instanceof` and `isInstance` agree whichever entry they come from.
 *
 * @example
 * ```ts
 * import { ValidationError } from '@imbridge/core/errors';
 * if (ValidationError.isInstance(error)) console.error(error.issues);
 * ```
 * @module
 */

export type {
  APICallErrorOptions,
  APIErrorKind,
  IMBridgeErrorOptions,
  SignatureVerificationErrorOptions,
  TimeoutPhase,
  ValidationErrorOptions,
  ValidationIssue,
} from './errors.ts';
export {
  AbortedError,
  API_ERROR_KINDS,
  APICallError,
  IMBridgeError,
  isAbortError,
  isRateLimitError,
  isRetryableError,
  isRetryableKind,
  SignatureVerificationError,
  ValidationError,
} from './errors.ts';
