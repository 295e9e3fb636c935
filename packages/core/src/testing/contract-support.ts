/**
 * What the contract suites of `@imbridge/core/testing` share: the case type, the violation
 * error, and their checking helpers.
 *
 * @module
 */
import type { ModelEvent } from '../spec/language-model.ts';

/**
 * One contract test: a name and a function that throws when the implementation breaks the
 * contract. Runner-agnostic: `for (const test of cases) it(test.name, test.run)`.
 */
export interface ContractCase {
  /** What the implementation must do. */
  name: string;
  /** Throws a descriptive error on a violation. */
  run: () => Promise<void>;
}

/** Thrown by a contract case that found a violation. */
export class ContractViolation extends Error {
  /** The error class name. */
  override readonly name = 'ContractViolation';
}

/** Throws a {@link ContractViolation} with `message` unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ContractViolation(message);
}

/** `promise`, or a {@link ContractViolation} once `timeoutMs` passed. */
export async function withTimeout<T>(
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ContractViolation(`${what} took over ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every event of a model stream, and what it threw (if it threw) instead of ending. */
export async function collect(
  iterable: AsyncIterable<ModelEvent>,
): Promise<{ events: ModelEvent[]; thrown: unknown }> {
  const events: ModelEvent[] = [];
  try {
    for await (const event of iterable) events.push(event);
    return { events, thrown: undefined };
  } catch (error) {
    return { events, thrown: error };
  }
}

/** The text a stream's events show at its end: deltas appended, a `text-replace` restarting it. */
export function streamedText(events: readonly ModelEvent[]): string {
  let text = '';
  for (const event of events) {
    if (event.type === 'text-delta') text += event.text;
    if (event.type === 'text-replace') text = event.text;
  }
  return text;
}
