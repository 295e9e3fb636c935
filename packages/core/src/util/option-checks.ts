import { ValidationError } from '../errors/errors.ts';

/** Names an option in error messages: who takes it, its name, and where examples read it from. */
export interface OptionReference {
  /** The function that takes the option, e.g. `'createTencentChatClient'`. */
  owner: string;
  /** The option, e.g. `'sdkAppId'` or `'retry.maxRetries'`. */
  name: string;
  /** The environment variable the examples read it from, e.g. `'TENCENT_IM_SDK_APP_ID'`. */
  envVariable?: string | undefined;
  /** A secret: its value is never shown, only its type and length. */
  secret?: boolean | undefined;
}

/** Bounds of a numeric option (inclusive). */
export interface NumberBounds {
  /** Smallest allowed value. */
  min?: number | undefined;
  /** Largest allowed value. */
  max?: number | undefined;
}

function received(value: unknown, secret: boolean | undefined): string {
  if (value === undefined) return 'nothing (undefined)';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value.length === 0) return 'an empty string';
    if (value.trim().length === 0) return 'a blank string';
    if (secret === true) return `a string of ${value.length} characters`;
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (secret === true) return `a ${typeof value}`;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/**
 * A `ValidationError` naming the option, what it must be, what was received (secrets shown only
 * by type and length) and the environment variable the examples read it from.
 *
 * @example
 * ```ts
 * optionError({ owner: 'createTencentChatClient', name: 'sdkAppId', envVariable: 'TENCENT_IM_SDK_APP_ID' },
 *   'a positive integer', 'abc');
 * // createTencentChatClient: sdkAppId must be a positive integer, received "abc" (examples read it from TENCENT_IM_SDK_APP_ID)
 * ```
 */
export function optionError(
  option: OptionReference,
  expected: string,
  value: unknown,
): ValidationError {
  const from =
    option.envVariable !== undefined ? ` (examples read it from ${option.envVariable})` : '';
  return new ValidationError({
    message: `${option.owner}: ${option.name} must be ${expected}, received ${received(value, option.secret)}${from}`,
    code: 'invalid-option',
    issues: [{ path: option.name.split('.'), message: `must be ${expected}` }],
  });
}

/** Returns the value if it is a string with a non-blank character; throws {@link optionError} otherwise. */
export function checkNonEmptyString(value: unknown, option: OptionReference): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw optionError(option, 'a non-empty string', value);
  }
  return value;
}

function inBounds(value: number, bounds: NumberBounds): boolean {
  return (
    (bounds.min === undefined || value >= bounds.min) &&
    (bounds.max === undefined || value <= bounds.max)
  );
}

/** Returns the value if it is a finite number within the bounds; throws {@link optionError} otherwise. */
export function checkNumber(
  value: unknown,
  option: OptionReference,
  bounds: NumberBounds = {},
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !inBounds(value, bounds)) {
    throw optionError(option, `a finite number${describeBounds(bounds)}`, value);
  }
  return value;
}

/** Returns the value if it is an integer within the bounds; throws {@link optionError} otherwise. */
export function checkInteger(
  value: unknown,
  option: OptionReference,
  bounds: NumberBounds = {},
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || !inBounds(value, bounds)) {
    const positive = bounds.min === 1 && bounds.max === undefined;
    throw optionError(
      option,
      positive ? 'a positive integer' : `an integer${describeBounds(bounds)}`,
      value,
    );
  }
  return value;
}

/** Returns the value if it is one of `allowed`; throws {@link optionError} otherwise. */
export function checkOneOf<Value extends string>(
  value: unknown,
  option: OptionReference,
  allowed: readonly Value[],
): Value {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw optionError(option, `one of ${allowed.map((item) => `'${item}'`).join(', ')}`, value);
  }
  return value as Value;
}

function describeBounds(bounds: NumberBounds): string {
  if (bounds.min !== undefined && bounds.max !== undefined) {
    return ` from ${bounds.min} to ${bounds.max}`;
  }
  if (bounds.min !== undefined) return bounds.min === 0 ? ' ≥ 0' : ` ≥ ${bounds.min}`;
  if (bounds.max !== undefined) return ` ≤ ${bounds.max}`;
  return '';
}
