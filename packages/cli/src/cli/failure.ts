/**
 * Turns whatever a command threw into an exit code, a message with a hint for people, and the
 * `error` object of `--json`. The typed errors of the vendor packages already say what is wrong
 * and how to fix it (`APICallError.hint`), and never hold a secret; this keeps it that way.
 *
 * @module
 */
import {
  AbortedError,
  APICallError,
  IMBridgeError,
  SignatureVerificationError,
  ValidationError,
} from '@imbridge/core';
import { ConfigError, EXIT_CODES, type ExitCode, UsageError } from './exit-codes.ts';

/** The kinds of failure, as `error.type` of `--json`. */
export type FailureType =
  | 'usage'
  | 'config'
  | 'api'
  | 'signature'
  | 'validation'
  | 'aborted'
  | 'internal';

/** A failure, described for people and for scripts. */
export interface FailureReport {
  /** The exit code it maps to. */
  exitCode: ExitCode;
  /** What went wrong. */
  message: string;
  /** What to do about it, when known. */
  hint?: string | undefined;
  /** `error` of the `--json` document. */
  json: Record<string, unknown> & { type: FailureType; message: string };
}

/** The message of an `APICallError` without the hint it appends (`… — hint`). */
export function withoutHint(error: APICallError): string {
  const suffix = error.hint === undefined ? undefined : ` — ${error.hint}`;
  return suffix !== undefined && error.message.endsWith(suffix)
    ? error.message.slice(0, -suffix.length)
    : error.message;
}

function apiCallHint(error: APICallError): string | undefined {
  if (error.hint !== undefined) return error.hint;
  if (error.kind === 'network') {
    return 'check the base URL or region, your network and proxy settings (--verbose shows where calls go)';
  }
  if (error.kind === 'timeout')
    return 'the vendor answered too slowly: try again, or raise --timeout';
  return undefined;
}

function report(
  exitCode: ExitCode,
  type: FailureType,
  message: string,
  hint?: string,
  fields: Record<string, unknown> = {},
): FailureReport {
  return {
    exitCode,
    message,
    hint,
    json: { type, message, ...(hint === undefined ? {} : { hint }), ...fields },
  };
}

/** Describes a thrown value. */
export function describeFailure(error: unknown): FailureReport {
  if (error instanceof UsageError) return report(EXIT_CODES.usage, 'usage', error.message);
  if (error instanceof ConfigError) {
    return report(EXIT_CODES.config, 'config', error.message, undefined, {
      variable: error.variable,
    });
  }
  if (APICallError.isInstance(error)) {
    const unreachable = error.kind === 'network' || error.kind === 'timeout';
    return report(
      unreachable ? EXIT_CODES.network : EXIT_CODES.failed,
      'api',
      withoutHint(error),
      apiCallHint(error),
      {
        provider: error.provider,
        kind: error.kind,
        statusCode: error.statusCode,
        providerCode: error.providerCode,
        requestId: error.requestId,
        retryable: error.retryable,
      },
    );
  }
  if (SignatureVerificationError.isInstance(error)) {
    return report(EXIT_CODES.failed, 'signature', error.message, undefined, {
      reason: error.reason,
    });
  }
  if (ValidationError.isInstance(error)) {
    const issues = error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    const detail = issues.map((issue) => `${issue.path || 'value'}: ${issue.message}`).join('; ');
    // An option the client refused was built from the settings: a configuration problem.
    const exitCode = error.code === 'invalid-option' ? EXIT_CODES.config : EXIT_CODES.usage;
    const message =
      detail === '' || error.message.includes(detail)
        ? error.message
        : `${error.message}: ${detail}`;
    return report(exitCode, 'validation', message, undefined, { issues });
  }
  if (AbortedError.isInstance(error)) {
    return report(EXIT_CODES.interrupted, 'aborted', 'interrupted');
  }
  if (IMBridgeError.isInstance(error)) {
    return report(EXIT_CODES.failed, 'internal', error.message, undefined, { code: error.code });
  }
  const message = error instanceof Error ? error.message : String(error);
  return report(EXIT_CODES.failed, 'internal', `unexpected error: ${message}`);
}
