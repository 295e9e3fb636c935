const ERROR_BRAND = Symbol.for('imbridge.error');
const API_CALL_ERROR_BRAND = Symbol.for('imbridge.error.api-call');
const SIGNATURE_VERIFICATION_ERROR_BRAND = Symbol.for('imbridge.error.signature-verification');
const VALIDATION_ERROR_BRAND = Symbol.for('imbridge.error.validation');
const ABORTED_ERROR_BRAND = Symbol.for('imbridge.error.aborted');

/**
 * Options shared by every imbridge error constructor.
 */
export interface IMBridgeErrorOptions {
  /** Human-readable message. Must never contain a secret, signature, UserSig or signed URL. */
  message: string;
  /** Machine-readable code (stable across releases). */
  code?: string | undefined;
  /** The underlying error, if any. */
  cause?: unknown | undefined;
}

function hasBrand(value: unknown, brand: symbol): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[brand] === true
  );
}

/**
 * Base class of every error thrown or reported by `@imbridge/*` packages.
 *
 * Identity survives duplicate installs (ESM and CJS copies of the same package): use
 * {@link IMBridgeError.isInstance} instead of `instanceof`.
 *
 * @example
 * ```ts
 * try { await client.sendMessage(options); }
 * catch (error) { if (IMBridgeError.isInstance(error)) console.error(error.code); }
 * ```
 */
export class IMBridgeError extends Error {
  /** The error class name (stable across builds, unlike `constructor.name`). */
  override readonly name: string = 'IMBridgeError';
  /** Machine-readable code, e.g. `'api-call'`, `'timeout'`. */
  readonly code: string;
  /** Brand for {@link isInstance} across package copies. */
  readonly [ERROR_BRAND] = true;

  constructor(options: IMBridgeErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'imbridge';
  }

  /** True for any imbridge error, whichever copy of the package created it. */
  static isInstance(value: unknown): value is IMBridgeError {
    return hasBrand(value, ERROR_BRAND);
  }

  /**
   * Normalises any thrown value into an {@link IMBridgeError} (returned as is when it already is
   * one). The original value is kept as `cause`.
   */
  static from(value: unknown, fallbackMessage = 'Unexpected error'): IMBridgeError {
    if (IMBridgeError.isInstance(value)) return value;
    if (isAbortError(value)) {
      return new AbortedError({ message: 'The operation was aborted', cause: value });
    }
    const message = value instanceof Error && value.message ? value.message : fallbackMessage;
    return new IMBridgeError({ message, code: 'unknown', cause: value });
  }
}

/**
 * What went wrong in an API call, in terms a program can act on. Shared by IM vendors and
 * language models. A cancelled call is not an API failure: it is an {@link AbortedError}.
 *
 * - `auth`: credentials rejected (wrong key, expired token, not an admin);
 * - `rate-limit`: too many calls (HTTP 429, Tencent 60007…), retryable after a wait;
 * - `quota`: a plan or balance limit that waiting does not fix;
 * - `content-filter`: the vendor refused the content;
 * - `invalid-request`: the request is wrong (fix the call);
 * - `not-found`: the addressed thing does not exist;
 * - `timeout`: no answer within the limit (`timeoutMs`, `timeoutPhase` say which);
 * - `server`: the vendor failed (5xx, an unreadable answer);
 * - `network`: no answer at all (DNS, refused or reset connection);
 * - `unknown`: a failure the vendor's code table does not know.
 */
export const API_ERROR_KINDS = [
  'auth',
  'rate-limit',
  'quota',
  'content-filter',
  'invalid-request',
  'not-found',
  'timeout',
  'server',
  'network',
  'unknown',
] as const;

/** One of {@link API_ERROR_KINDS}. */
export type APIErrorKind = (typeof API_ERROR_KINDS)[number];

/** Options of {@link APICallError}. */
export interface APICallErrorOptions extends IMBridgeErrorOptions {
  /** Vendor id, e.g. `'tencent-chat'`, `'openai-compatible'`. */
  provider: string;
  /** What went wrong. @default 'unknown' */
  kind?: APIErrorKind | undefined;
  /** HTTP status, when there was a response. */
  statusCode?: number | undefined;
  /** The vendor's own error code (e.g. Tencent `ErrorCode`, MiniMax `status_code`). */
  providerCode?: string | number | undefined;
  /** The vendor's request id, for support tickets. */
  requestId?: string | undefined;
  /** Whether the same call may succeed if retried. Defaults from `kind` and `statusCode`. */
  retryable?: boolean | undefined;
  /** How long the vendor asked us to wait before retrying, in milliseconds. */
  retryAfterMs?: number | undefined;
  /** What the user can do about it (e.g. "secretKey does not belong to this sdkAppId"). */
  hint?: string | undefined;
  /** For kind `timeout`: the limit that was exceeded, in milliseconds. */
  timeoutMs?: number | undefined;
  /** For kind `timeout`: which limit — the whole attempt, the first token of a stream, or a gap between chunks. */
  timeoutPhase?: TimeoutPhase | undefined;
}

/** Which limit a timeout exceeded: the attempt (until the answer), the first token of a stream, or a gap in it. */
export type TimeoutPhase = 'request' | 'first-token' | 'stall';

const RETRYABLE_KINDS: ReadonlySet<APIErrorKind> = new Set([
  'rate-limit',
  'timeout',
  'server',
  'network',
]);

/**
 * True for the kinds a retry can fix: `rate-limit`, `timeout`, `server`, `network`. Every vendor
 * code table and every retry decision in imbridge derives from it.
 */
export function isRetryableKind(kind: APIErrorKind): boolean {
  return RETRYABLE_KINDS.has(kind);
}

/**
 * A call to a vendor API (IM vendor or language model) failed: an error status or envelope, a
 * timeout, or no answer at all. `kind` says which; `retryable` whether the same call may succeed
 * later; `hint` what to do about it. This is the one shape of a failed call: there is no separate
 * timeout or network error class. Messages never hold a secret, signature or signed URL, and
 * errors built by imbridge's HTTP layer carry no `cause`.
 */
export class APICallError extends IMBridgeError {
  /** The error class name (stable across builds, unlike `constructor.name`). */
  override readonly name: string = 'APICallError';
  /** Brand for {@link isInstance} across package copies. */
  readonly [API_CALL_ERROR_BRAND] = true;
  /** Vendor id. */
  readonly provider: string;
  /** What went wrong. */
  readonly kind: APIErrorKind;
  /** HTTP status, when there was a response. */
  readonly statusCode: number | undefined;
  /** The vendor's own error code. */
  readonly providerCode: string | number | undefined;
  /** The vendor's request id. */
  readonly requestId: string | undefined;
  /** Whether a retry may succeed. */
  readonly retryable: boolean;
  /** Requested wait before a retry, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** What the user can do about it; also appended to the message. */
  readonly hint: string | undefined;
  /** For kind `timeout`: the limit exceeded, in milliseconds. */
  readonly timeoutMs: number | undefined;
  /** For kind `timeout`: which limit. */
  readonly timeoutPhase: TimeoutPhase | undefined;

  constructor(options: APICallErrorOptions) {
    super({
      ...options,
      message:
        options.hint === undefined ? options.message : `${options.message} — ${options.hint}`,
      code: options.code ?? 'api-call',
    });
    this.provider = options.provider;
    this.kind = options.kind ?? 'unknown';
    this.statusCode = options.statusCode;
    this.providerCode = options.providerCode;
    this.requestId = options.requestId;
    this.retryAfterMs = options.retryAfterMs;
    this.hint = options.hint;
    this.timeoutMs = options.timeoutMs;
    this.timeoutPhase = options.timeoutPhase;
    this.retryable =
      options.retryable ??
      (RETRYABLE_KINDS.has(this.kind) ||
        (options.statusCode !== undefined &&
          (options.statusCode === 408 || options.statusCode === 429 || options.statusCode >= 500)));
  }

  /** True for an {@link APICallError} from any copy of the package. */
  static override isInstance(value: unknown): value is APICallError {
    return hasBrand(value, API_CALL_ERROR_BRAND);
  }
}

/** Options of {@link SignatureVerificationError}. */
export interface SignatureVerificationErrorOptions extends IMBridgeErrorOptions {
  /** Why the signature was rejected. */
  reason: 'missing' | 'mismatch' | 'expired' | 'malformed' | 'app-mismatch';
}

/**
 * An inbound request (webhook) did not carry a valid signature. The message never includes the
 * expected or received signature.
 */
export class SignatureVerificationError extends IMBridgeError {
  /** The error class name (stable across builds, unlike `constructor.name`). */
  override readonly name: string = 'SignatureVerificationError';
  /** Brand for {@link isInstance} across package copies. */
  readonly [SIGNATURE_VERIFICATION_ERROR_BRAND] = true;
  /** Why the signature was rejected. */
  readonly reason: SignatureVerificationErrorOptions['reason'];

  constructor(options: SignatureVerificationErrorOptions) {
    super({ ...options, code: options.code ?? 'signature-verification' });
    this.reason = options.reason;
  }

  /** True for a {@link SignatureVerificationError} from any copy of the package. */
  static override isInstance(value: unknown): value is SignatureVerificationError {
    return hasBrand(value, SIGNATURE_VERIFICATION_ERROR_BRAND);
  }
}

/** One problem found while validating a payload. */
export interface ValidationIssue {
  /** Where in the payload, e.g. `['MsgBody', 0, 'MsgType']`. */
  path: ReadonlyArray<string | number>;
  /** What is wrong. */
  message: string;
}

/** Options of {@link ValidationError}. */
export interface ValidationErrorOptions extends IMBridgeErrorOptions {
  /** The problems found. */
  issues?: ReadonlyArray<ValidationIssue> | undefined;
}

/**
 * A payload (webhook body, vendor response, user input) did not have the expected shape.
 */
export class ValidationError extends IMBridgeError {
  /** The error class name (stable across builds, unlike `constructor.name`). */
  override readonly name: string = 'ValidationError';
  /** Brand for {@link isInstance} across package copies. */
  readonly [VALIDATION_ERROR_BRAND] = true;
  /** The problems found. */
  readonly issues: ReadonlyArray<ValidationIssue>;

  constructor(options: ValidationErrorOptions) {
    super({ ...options, code: options.code ?? 'validation' });
    this.issues = options.issues ?? [];
  }

  /** True for a {@link ValidationError} from any copy of the package. */
  static override isInstance(value: unknown): value is ValidationError {
    return hasBrand(value, VALIDATION_ERROR_BRAND);
  }
}

/** The operation was cancelled through its `AbortSignal`. Never retried. */
export class AbortedError extends IMBridgeError {
  /** The error class name (stable across builds, unlike `constructor.name`). */
  override readonly name: string = 'AbortedError';
  /** Brand for {@link isInstance} across package copies. */
  readonly [ABORTED_ERROR_BRAND] = true;
  /** Aborts are never retried. */
  readonly retryable = false;

  constructor(options: IMBridgeErrorOptions) {
    super({ ...options, code: options.code ?? 'aborted' });
  }

  /** True for an {@link AbortedError} from any copy of the package. */
  static override isInstance(value: unknown): value is AbortedError {
    return hasBrand(value, ABORTED_ERROR_BRAND);
  }
}

/** True when the value is an abort: an {@link AbortedError} or a DOM `AbortError`. */
export function isAbortError(value: unknown): boolean {
  if (AbortedError.isInstance(value)) return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'AbortError'
  );
}

/** True when the error says retrying the same call may succeed (`retryable: true`). */
export function isRetryableError(value: unknown): boolean {
  if (isAbortError(value)) return false;
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { retryable?: unknown }).retryable === true
  );
}

/** True when the error is a vendor rate-limit (kind `rate-limit`, or HTTP 429). */
export function isRateLimitError(value: unknown): value is APICallError {
  return (
    APICallError.isInstance(value) && (value.kind === 'rate-limit' || value.statusCode === 429)
  );
}
