/**
 * Wire-level helpers of the local RongCloud: reading vendor fields from a form or JSON body and
 * checking them the way the Server API does, answering 1002 with a message that names the field.
 *
 * @module
 */
import { utf8ByteLength } from '@imbridge/core';
import { z } from 'zod';
import { failParameter } from './error-codes.ts';

/** A parsed JSON object: a request body or the fields of an answer. */
export type JsonObject = Record<string, unknown>;

/** Any JSON object. */
export const jsonObjectSchema = z.record(z.string(), z.unknown());

/** How a length limit is counted: Unicode characters (bot APIs) or UTF-8 bytes (user APIs). */
export type LengthUnit = 'characters' | 'bytes';

/** Bounds of a text field, inclusive. */
export interface TextLimits {
  /** Longest value. */
  max: number;
  /** Shortest value. @default 1 */
  min?: number;
  /** How the length is counted. @default 'characters' */
  unit?: LengthUnit;
}

/** The length of `text` in `unit`. */
export function textLength(text: string, unit: LengthUnit): number {
  return unit === 'bytes' ? utf8ByteLength(text) : [...text].length;
}

/** `value` as a string within `limits`; answers 1002 naming `field` otherwise. */
export function requireText(value: unknown, field: string, limits: TextLimits): string {
  const min = limits.min ?? 1;
  if (value === undefined || value === null || (value === '' && min > 0)) {
    failParameter(`${field} is required`);
  }
  if (typeof value !== 'string') failParameter(`${field} must be a string`);
  const unit = limits.unit ?? 'characters';
  const length = textLength(value, unit);
  if (length < min || length > limits.max) {
    failParameter(`${field} must be ${min} to ${limits.max} ${unit}, received ${length}`);
  }
  return value;
}

/** Like {@link requireText}, but `undefined` (or `null`) when the field is absent. */
export function optionalText(
  value: unknown,
  field: string,
  limits: TextLimits,
): string | undefined {
  return value === undefined || value === null ? undefined : requireText(value, field, limits);
}

/** `value` as a boolean when present; answers 1002 when it is something else. */
export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') failParameter(`${field} must be a boolean`);
  return value;
}

/** `value` as an integer within bounds when present; answers 1002 otherwise. */
export function optionalInteger(
  value: unknown,
  field: string,
  bounds: { min: number; max: number },
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    failParameter(`${field} must be an integer`);
  }
  if (value < bounds.min || value > bounds.max) {
    failParameter(`${field} must be ${bounds.min} to ${bounds.max}, received ${value}`);
  }
  return value;
}

/** `value` as an array of non-empty strings when present; answers 1002 otherwise. */
export function optionalStringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
    failParameter(`${field} must be an array of non-empty strings`);
  }
  return value as string[];
}

/** `value` as a JSON object; answers 1002 naming `field` otherwise. */
export function requireObject(value: unknown, field: string): JsonObject {
  const parsed = jsonObjectSchema.safeParse(value);
  if (!parsed.success || Array.isArray(value)) failParameter(`${field} must be a JSON object`);
  return parsed.data;
}

/** A form body as an object: each field's value, or its values in order when it is repeated. */
export function formToObject(form: URLSearchParams): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const key of new Set(form.keys())) {
    const values = form.getAll(key);
    fields[key] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return fields;
}

/** A form field given once, within `limits`; answers 1002 when missing, repeated or out of bounds. */
export function formText(form: URLSearchParams, field: string, limits: TextLimits): string {
  const values = form.getAll(field);
  if (values.length > 1) failParameter(`${field} must be given once`);
  return requireText(values[0], field, limits);
}

/** Like {@link formText}, but `undefined` when the field is absent. */
export function optionalFormText(
  form: URLSearchParams,
  field: string,
  limits: TextLimits,
): string | undefined {
  return form.has(field) ? formText(form, field, limits) : undefined;
}

/**
 * The values of a repeated form field (`toUserId=a&toUserId=b`), 1 to `max` of them, each within
 * `limits`; answers 1002 otherwise.
 */
export function formList(
  form: URLSearchParams,
  field: string,
  max: number,
  limits: TextLimits,
): string[] {
  const values = form.getAll(field);
  if (values.length === 0) failParameter(`${field} is required`);
  if (values.length > max) {
    failParameter(`${field} may be given at most ${max} times, received ${values.length}`);
  }
  return values.map((value) => requireText(value, field, limits));
}

/** A form flag (`0`/`1`, or `true`/`false` for the newer boolean fields) when present. */
export function optionalFormFlag(form: URLSearchParams, field: string): boolean | undefined {
  const value = form.get(field);
  if (value === null) return undefined;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  failParameter(`${field} must be 0 or 1 (or true or false)`);
}

/**
 * The `content` form field: a string holding a JSON object (the message content); answers 1002
 * when it is missing or not a JSON object.
 */
export function formContent(form: URLSearchParams): JsonObject {
  const text = formText(form, 'content', { max: Number.MAX_SAFE_INTEGER, unit: 'bytes' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    failParameter('content must be a string holding a JSON object');
  }
  return requireObject(parsed, 'content');
}
