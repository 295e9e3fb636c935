import { describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/errors.ts';
import { delay } from './delay.ts';

describe('delay', () => {
  it('resolves after the time and rejects with AbortedError when the signal fires, early or already', async () => {
    const started = Date.now();
    await delay(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    const controller = new AbortController();
    const waiting = delay(10_000, { signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toSatisfy((error: unknown) => AbortedError.isInstance(error));
    await expect(delay(10, { signal: controller.signal })).rejects.toSatisfy((error: unknown) =>
      AbortedError.isInstance(error),
    );
  });
});
