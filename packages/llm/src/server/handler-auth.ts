/**
 * Who may use the endpoint: the auth options, checked at creation so that no check is off by
 * accident, and one verdict per request, reached before the body is read. Only an explicit allow
 * passes; everything else is a refusal.
 */
import {
  describeError,
  type ErrorDescription,
  type LogEmitter,
  type LogLevel,
  type OptionReference,
  optionError,
} from '@imbridge/core';
import {
  checkSecretInput,
  isRecord,
  redactSecrets,
  resolveSecret,
  type SecretInput,
} from '@imbridge/provider-utils';
import { bearerToken } from './handler-request.ts';

/** What {@link EndpointAuthOptions.authenticate} receives. */
export interface AuthenticateContext {
  /**
   * The incoming request. Read its headers and URL only: the body is read after `authenticate`
   * allowed the request (reading it here makes the request fail with 400).
   */
  request: Request;
  /** The bearer token of the `Authorization` header, if any. */
  apiKey: string | undefined;
  /** The forwarded headers, in metadata form (`taskId`, `roomId`...). */
  metadata: Readonly<Record<string, string>>;
}

/**
 * What `authenticate` returns. Only `true` or a grant (an object literal with nothing but
 * `metadata` for the model and its `user`) allows the request. `{ refused: reason }` refuses it
 * with 401 and logs the reason (e.g. `'token expired'`; never put a key in it); `false` — and, at
 * run time, anything else (`undefined`, `null`, `0`, `''`, an object with other keys, an `Error`
 * or other class instance) — refuses it too.
 */
export type AuthenticateResult = boolean | AuthenticateGrant | AuthenticateRefusal;

/** An allowed request, with what it adds to the model call. */
export interface AuthenticateGrant {
  /** Added to the model's `metadata` (over the forwarded headers of the same name). */
  metadata?: Record<string, string> | undefined;
  /** The model's `user` (over the body's `user` and the `X-User-Id` header). */
  user?: string | undefined;
}

/** A refused request, with the reason logged (`webhook-rejected`, level `warn`). */
export interface AuthenticateRefusal {
  /** Why, for the log: short, and never a key or token. */
  refused: string;
}

/** The auth options of `createOpenAICompatibleHandler`. One of the three is required. */
export interface EndpointAuthOptions {
  /**
   * The key clients must send as `Authorization: Bearer …` (`LLM_ENDPOINT_KEY` in the examples),
   * or a resolver called per request (for rotation). Compared in constant time. An empty string,
   * or `undefined` given explicitly (`apiKey: process.env.LLM_ENDPOINT_KEY` with the variable
   * unset), fails at creation: an unset variable never opens the endpoint. With `authenticate`
   * too, a request must pass both.
   */
  apiKey?: SecretInput | undefined;
  /**
   * Decides whether a request may use the model (checks a JWT, looks a key up…), before its body
   * is read. Only `true` or a grant object allows; `{ refused: reason }`, `false`, `undefined`,
   * `null`, `0`, `''` or a throw answer 401 (a throw is also logged as an error).
   */
  authenticate?:
    | ((context: AuthenticateContext) => AuthenticateResult | Promise<AuthenticateResult>)
    | undefined;
  /**
   * `true` serves every request without authentication (a private network, local experiments) and
   * logs a warning at creation. Without it, leaving out both `apiKey` and `authenticate` is an
   * error; it cannot be combined with them. @default false
   */
  allowUnauthenticated?: boolean | undefined;
}

/** What an allowed request may add to the model call. */
export interface AuthGrant {
  metadata: Readonly<Record<string, string>>;
  user: string | undefined;
}

/** The verdict on one request. */
export type AuthVerdict =
  | { allowed: true; grant: AuthGrant }
  | { allowed: false; reason: string; level: LogLevel; error: ErrorDescription };

/** Decides on one request, from its headers only. */
export type RequestAuthenticator = (
  request: Request,
  metadata: Readonly<Record<string, string>>,
) => Promise<AuthVerdict>;

/** The `platform` of the endpoint's log entries. */
export const ENDPOINT_PLATFORM = 'openai-compatible-endpoint';

const NO_GRANT: AuthGrant = { metadata: {}, user: undefined };
const OPEN: AuthVerdict = { allowed: true, grant: NO_GRANT };
const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/**
 * Compares two keys in constant time: their SHA-256 digests (equal length whatever the keys)
 * are compared byte by byte without an early exit, so neither the content nor the length of the
 * expected key shows in the timing.
 */
export async function keysMatch(expected: string, presented: string): Promise<boolean> {
  const [left, right] = await Promise.all([sha256(expected), sha256(presented)]);
  let difference = 0;
  for (let index = 0; index < left.length; index += 1) {
    difference |= (left[index] ?? 0) ^ (right[index] ?? 0);
  }
  return difference === 0;
}

function refusal(reason: string, level: LogLevel, message: string): AuthVerdict {
  return { allowed: false, reason, level, error: { name: 'AuthenticationRefused', message } };
}

/** What a refused `authenticate` returned, for the log (never a value that could be a secret). */
function shapeOf(value: unknown): string {
  if (value === null || value === undefined || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value.length === 0 ? "''" : 'a string';
  if (typeof value === 'number') return value === 0 ? '0' : 'a number';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name.length > 0 ? `a ${name}` : 'an object';
  }
  return `a ${typeof value}`;
}

/**
 * True for an object literal (or `Object.create(null)`): the shape of a grant. An `Error`, a
 * `Response` or any other class instance returned by mistake is not an allow.
 */
function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (!isRecord(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const GRANT_KEYS = new Set(['metadata', 'user']);

/** The keys of an object returned by `authenticate` that a grant does not have. */
function unknownKeys(result: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(result).filter((key) => !GRANT_KEYS.has(key));
}

/** A grant object's usable fields: string metadata values and a string `user`. */
function grantOf(result: Readonly<Record<string, unknown>>): AuthGrant {
  const metadata: Record<string, string> = {};
  if (isRecord(result.metadata)) {
    for (const [key, value] of Object.entries(result.metadata)) {
      if (typeof value === 'string') metadata[key] = value;
    }
  }
  return { metadata, user: typeof result.user === 'string' ? result.user : undefined };
}

/** An error thrown by `authenticate`, described for the log without the keys involved. */
function describeThrown(
  error: unknown,
  secrets: ReadonlyArray<string | undefined>,
): ErrorDescription {
  const description = describeError(error);
  if (description.message !== undefined) {
    description.message = redactSecrets(description.message, secrets);
  }
  if (description.hint !== undefined) description.hint = redactSecrets(description.hint, secrets);
  return description;
}

/**
 * Checks the auth options and returns the per-request authenticator. Fails closed: with no
 * `apiKey` and no `authenticate`, only an explicit `allowUnauthenticated: true` opens the
 * endpoint (logged as a warning here, once).
 *
 * @throws {ValidationError} code `invalid-option`, naming the option.
 */
export function createRequestAuthenticator(
  options: EndpointAuthOptions,
  owner: string,
  log: LogEmitter,
): RequestAuthenticator {
  const keyOption: OptionReference = {
    owner,
    name: 'apiKey',
    envVariable: 'LLM_ENDPOINT_KEY',
    secret: true,
  };
  const { allowUnauthenticated, authenticate } = options;
  if (allowUnauthenticated !== undefined && typeof allowUnauthenticated !== 'boolean') {
    throw optionError(
      { owner, name: 'allowUnauthenticated' },
      'true or false',
      allowUnauthenticated,
    );
  }
  if (authenticate !== undefined && typeof authenticate !== 'function') {
    throw optionError({ owner, name: 'authenticate' }, 'a function', authenticate);
  }
  const open = allowUnauthenticated === true;
  // `apiKey: undefined` written out is an unset variable, not "no key wanted".
  const keyGiven = Object.hasOwn(options, 'apiKey');
  if (open) {
    if (options.apiKey !== undefined || authenticate !== undefined) {
      throw optionError(
        { owner, name: 'allowUnauthenticated' },
        'left out when apiKey or authenticate is given (they turn authentication on)',
        true,
      );
    }
    log('warn', { event: 'auth-disabled', platform: ENDPOINT_PLATFORM });
    return async () => OPEN;
  }
  if (!keyGiven && authenticate === undefined) {
    throw optionError(
      keyOption,
      'the key clients send as Authorization: Bearer … (or pass authenticate, or allowUnauthenticated: true to serve anyone — not for production)',
      undefined,
    );
  }
  const apiKey = keyGiven ? checkSecretInput(options.apiKey, keyOption) : undefined;

  return async (request, metadata) => {
    const presented = bearerToken(request.headers);
    let expected: string | undefined;
    if (apiKey !== undefined) {
      try {
        expected = await resolveSecret(apiKey, keyOption);
      } catch (error) {
        // The resolver's own error is not kept by resolveSecret: it may hold the key.
        return {
          allowed: false,
          reason: 'api-key-unavailable',
          level: 'error',
          error: describeError(error),
        };
      }
      if (presented === undefined || presented.length === 0) {
        return refusal('missing-api-key', 'warn', 'The request carries no bearer token');
      }
      if (!(await keysMatch(expected, presented))) {
        return refusal('invalid-api-key', 'warn', 'The bearer token does not match apiKey');
      }
    }
    if (authenticate === undefined) return OPEN;
    let result: unknown;
    try {
      result = await authenticate({ request, apiKey: presented, metadata });
    } catch (error) {
      return {
        allowed: false,
        reason: 'authenticate-failed',
        level: 'error',
        error: describeThrown(error, [presented, expected]),
      };
    }
    if (result === true) return OPEN;
    if (isPlainObject(result)) {
      if (typeof result.refused === 'string') {
        const reason = redactSecrets(result.refused, [presented, expected]);
        return refusal(
          'authenticate-refused',
          'warn',
          `authenticate refused the request: ${reason}`,
        );
      }
      // `{ allowed: false }` or a typo is not a grant: only metadata and user make one.
      const extra = unknownKeys(result);
      if (extra.length === 0) return { allowed: true, grant: grantOf(result) };
      return refusal(
        'authenticate-refused',
        'warn',
        `authenticate returned an object with ${extra.map((key) => `\`${key}\``).join(', ')} (a grant has only metadata and user; refuse with { refused: reason })`,
      );
    }
    return refusal(
      'authenticate-refused',
      'warn',
      `authenticate returned ${shapeOf(result)} (only true or a grant object allows a request)`,
    );
  };
}
