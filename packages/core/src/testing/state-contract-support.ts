/**
 * Helpers and sample data of the state contract suite (`stateAdapterContract`); not exported.
 */
import type { JsonValue } from '../spec/language-model.ts';
import { ContractViolation } from './contract-support.ts';

/** Throws a {@link ContractViolation} with the message unless the condition holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ContractViolation(message);
}

/** Resolves after `ms` milliseconds of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A value as it appears in a violation message. */
export function show(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** Equal as JSON, key order included (a store must not reorder or rewrite values). */
export function checkJson(actual: unknown, expected: JsonValue | undefined, what: string): void {
  check(show(actual) === show(expected), `${what} is ${show(actual)}, expected ${show(expected)}`);
}

/** Resolves once the condition holds; a {@link ContractViolation} after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new ContractViolation(`${what} within ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Values of every JSON shape, for the round-trip cases. */
export const STATE_CONTRACT_SAMPLE: JsonValue = {
  text: 'héllo 世界 👋🏽 "quoted" \\ back\\slash\nnew line\ttab \u0000 nul',
  loneSurrogate: '\ud83d',
  numbers: [0, -1, 1.5, -2.25e-7, 1e21, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.3],
  literals: [true, false, null],
  empty: { object: {}, array: [], string: '' },
  nested: { a: { b: { c: [[1, [2, [3, { d: 'deep' }]]]] } } },
  '': 'the empty key',
  '10': 'an integer-like key',
  'key with spaces/and:colons': 'unusual key',
};

/** A value of each JSON kind, stored at the top level. */
export const TOP_LEVEL_VALUES: readonly JsonValue[] = [
  'text',
  '',
  42,
  -0.5,
  true,
  false,
  null,
  [],
  {},
];

/** Keys with spaces, separators, glob and control characters, CJK, emoji, 1,000 characters. */
export const UNUSUAL_KEYS: readonly string[] = [
  'with space',
  'colon:separated:key',
  'glob*?[chars]',
  'newline\nand\ttab',
  '中文键/emoji🔑',
  '{hash-tag}',
  '%20percent',
  `quote"s'`,
  'k'.repeat(1000),
];
