import { type OptionReference, optionError, ValidationError } from '@imbridge/core';

/**
 * A secret given as a value, or as a function that returns it (from a vault, a rotating token
 * store, the environment…). Resolvers are called when the secret is needed, so a rotated secret
 * is picked up. The one type every imbridge package takes secrets as.
 *
 * @example
 * ```ts
 * const secretKey: SecretInput = process.env.TENCENT_IM_SECRET_KEY ?? '';
 * const rotating: SecretInput = async () => (await vault.read('im/secret')).value;
 * ```
 */
export type SecretInput = string | (() => string | Promise<string>);

/** The one mark that replaces a secret in error messages and logs. */
export const REDACTED = '[redacted]';

/**
 * Checks a secret option when a client or adapter is created: a non-blank string or a function.
 * The value itself never appears in the error.
 *
 * @throws {ValidationError} naming the option and its environment variable.
 */
export function checkSecretInput(value: unknown, option: OptionReference): SecretInput {
  if (typeof value === 'function') return value as SecretInput;
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw optionError(
      { ...option, secret: true },
      'a non-empty string or a function returning one',
      value,
    );
  }
  return value;
}

/**
 * Resolves a secret for use: the value, or what the resolver returns. A resolver that throws or
 * returns something other than a non-blank string fails with a `ValidationError` that names the
 * option (the resolver's own error is not kept: it may hold the secret).
 */
export async function resolveSecret(input: SecretInput, option: OptionReference): Promise<string> {
  if (typeof input === 'string') {
    if (input.trim().length === 0) {
      throw optionError({ ...option, secret: true }, 'a non-empty string', input);
    }
    return input;
  }
  let value: unknown;
  try {
    value = await input();
  } catch (error) {
    throw new ValidationError({
      message: `${option.owner}: the ${option.name} resolver failed (${error instanceof Error ? error.name : typeof error})`,
      code: 'secret-resolver-failed',
    });
  }
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw optionError(
      { ...option, name: `${option.name} (resolved)`, secret: true },
      'a non-empty string',
      value,
    );
  }
  return value;
}

/**
 * Replaces every occurrence of each secret (4 characters or more; shorter values would mangle
 * ordinary text) with {@link REDACTED}. Also catches the URL-encoded form of a secret.
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  const forms: string[] = [];
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    forms.push(secret);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) forms.push(encoded);
  }
  let result = text;
  for (const form of forms) {
    if (result.includes(form)) result = result.split(form).join(REDACTED);
  }
  // A secret can re-form from a mark and the text beside it (`]abc` in `]abcabc`): fail closed.
  return forms.some((form) => result.includes(form)) ? REDACTED : result;
}
