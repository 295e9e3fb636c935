import type { JsonValue } from '@imbridge/core';
import { ValidationError } from '@imbridge/core';
import { redisDecodeError } from './errors.ts';

/** A JSON value as the string Redis stores. */
export function encodeJson(value: JsonValue, operation: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (typeof text !== 'string') {
    throw new ValidationError({
      message: `Redis ${operation} failed: the value is not a JSON value`,
      code: 'invalid-value',
    });
  }
  return text;
}

/**
 * A stored string back as the JSON value redisState wrote. Only redisState writes these keys
 * and channels, so what parses is a JSON value by construction; anything else is a typed error.
 */
export function decodeJson(text: unknown, operation: string): JsonValue {
  if (typeof text !== 'string') throw redisDecodeError(operation);
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw redisDecodeError(operation);
  }
}
