/** A JSON object read off the wire, not yet trusted. */
export type WireRecord = Readonly<Record<string, unknown>>;

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is WireRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
