/**
 * Request-parameter checks of the local TRTC's actions: a zod parse that fails with the error
 * code Tencent answers (`MissingParameter`, `InvalidParameter`, `InvalidParameterValue`), the
 * same for the JSON-string fields (`LLMConfig`, `TTSConfig`), and `TaskNotExist`.
 *
 * @module
 */
import type { z } from 'zod';
import { LocalAPIError } from './wire.ts';

/** The value at `path` in `input` (`undefined` when any step is missing). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Parses `input` with `schema`, or throws the code Tencent answers: `MissingParameter` for a
 * missing field, `InvalidParameter` for one of the wrong type, `InvalidParameterValue` otherwise.
 * The message names the field, never its value (it may be a key).
 */
export function parseParameters<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  prefix = '',
): z.infer<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined ? [] : issue.path;
  const name = `${prefix}${path.map(String).join('.')}` || 'body';
  if (valueAt(input, path) === undefined) throw missingParameter(name);
  if (issue?.code === 'invalid_type') {
    throw new LocalAPIError('InvalidParameter', `The parameter \`${name}\` has the wrong type.`);
  }
  throw invalidValue(name);
}

/** Parses a JSON-string field (`LLMConfig`, `TTSConfig`) with `schema`. */
export function parseJsonField<Schema extends z.ZodType>(
  name: string,
  value: string,
  schema: Schema,
): z.infer<Schema> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new LocalAPIError('InvalidParameterValue', `\`${name}\` is not a JSON string.`);
  }
  return parseParameters(schema, parsed, `${name}.`);
}

/** `MissingParameter` for the field `name`. */
export function missingParameter(name: string): LocalAPIError {
  return new LocalAPIError('MissingParameter', `The parameter \`${name}\` is missing.`);
}

/** `InvalidParameterValue` for the field `name`. */
export function invalidValue(name: string): LocalAPIError {
  return new LocalAPIError('InvalidParameterValue', `The value of \`${name}\` is not valid.`);
}

/** `FailedOperation.TaskNotExist`, for an unknown or stopped task. */
export function taskNotExist(): LocalAPIError {
  return new LocalAPIError('FailedOperation.TaskNotExist', 'The task does not exist or has ended.');
}
