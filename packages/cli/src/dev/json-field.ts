/**
 * Reading a field of a JSON value of unknown shape (a webhook body, a vendor's answer, a page's
 * request) without trusting its shape.
 *
 * @module
 */

/** `value[name]` when `value` is an object, else `undefined`. */
export function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[name]
    : undefined;
}
