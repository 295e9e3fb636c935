import { APICallError, IMBridgeError, type OptionReference } from '@imbridge/core';
import { redactSecrets, resolveSecret, type SecretInput } from '@imbridge/provider-utils';

/** Header names whose values are treated as secrets (kept out of every error). */
const SECRET_HEADER = /auth|key|token|secret|signature|cookie/i;

/** How many resolved values of a key resolver are remembered for redaction. */
const REMEMBERED_KEYS = 8;

/** The API key of one model and every value to keep out of its errors. */
export interface ModelSecrets {
  /**
   * Resolves the key for one attempt (a resolver is called each time, so a rotated key applies
   * to retries) and remembers it for redaction. `undefined` when the model has no key.
   *
   * @throws {ValidationError} when the resolver fails or returns an empty value.
   */
  resolve(): Promise<string | undefined>;
  /** The values to redact: the keys seen so far and secret-looking header values. */
  values(): readonly string[];
}

/**
 * Tracks the API key of a model (a value or a resolver) and the secret-looking values of its
 * custom headers, so that no error message ever shows one.
 */
export function createModelSecrets(
  apiKey: SecretInput | undefined,
  option: OptionReference,
  headers: Readonly<Record<string, string>>,
): ModelSecrets {
  const fixed: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (SECRET_HEADER.test(name)) fixed.push(value);
  }
  if (typeof apiKey === 'string') fixed.push(apiKey);
  let remembered: string[] = [];
  let all: readonly string[] = fixed;
  return {
    async resolve() {
      if (apiKey === undefined) return undefined;
      const value = await resolveSecret(apiKey, option);
      if (typeof apiKey === 'function' && !remembered.includes(value)) {
        remembered = [value, ...remembered].slice(0, REMEMBERED_KEYS);
        all = [...fixed, ...remembered];
      }
      return value;
    },
    values: () => all,
  };
}

/** Vendor text put into an error message: at most 300 characters, secrets redacted. */
export function vendorText(text: string, secrets: Iterable<string | undefined>): string {
  return redactSecrets(text, secrets).slice(0, 300);
}

/**
 * Turns anything a model attempt threw into an imbridge error. imbridge errors pass as they are;
 * anything else becomes an `APICallError` of kind `unknown` whose message is redacted and which
 * keeps no `cause` (a foreign error may carry URLs, headers or the key).
 */
export function toModelError(
  error: unknown,
  provider: string,
  secrets: Iterable<string | undefined>,
): IMBridgeError {
  if (IMBridgeError.isInstance(error)) return error;
  const detail =
    error instanceof Error
      ? vendorText(`${error.name}: ${error.message}`, secrets)
      : 'unexpected error';
  return new APICallError({
    message: `${provider}: ${detail}`,
    provider,
    kind: 'unknown',
    retryable: false,
  });
}
