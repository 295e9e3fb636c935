import { describe, expect, it } from 'vitest';
import type { StateAdapter } from '../spec/state-adapter.ts';
import { memoryState } from '../state/memory-state.ts';
import { withStateTimeouts } from './timed-state.ts';

describe('withStateTimeouts', () => {
  it('passes answers and failures of the store through', async () => {
    const state = withStateTimeouts(memoryState(), 200);
    await state.set('k', 1);
    expect(await state.get('k')).toBe(1);
    const broken = withStateTimeouts(
      { ...memoryState(), get: () => Promise.reject(new Error('down')) } as StateAdapter,
      200,
    );
    await expect(broken.get('k')).rejects.toThrow('down');
  });

  it('fails a call the store never answers with a state-timeout error', async () => {
    const hung = { ...memoryState(), get: () => new Promise(() => undefined) } as StateAdapter;
    const started = Date.now();
    await expect(withStateTimeouts(hung, 50).get('k')).rejects.toMatchObject({
      code: 'state-timeout',
      message: 'State call get timed out after 50 ms',
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('undoes a subscription that arrives after its timeout', async () => {
    const inner = memoryState();
    let unsubscribed = false;
    const slow = {
      ...inner,
      subscribe: async (channel: string, listener: (message: unknown) => void) => {
        await new Promise((resolve) => setTimeout(resolve, 80));
        const unsubscribe = await inner.subscribe(channel, listener);
        return async () => {
          unsubscribed = true;
          await unsubscribe();
        };
      },
    } as StateAdapter;
    await expect(withStateTimeouts(slow, 20).subscribe('c', () => undefined)).rejects.toMatchObject(
      { code: 'state-timeout' },
    );
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(unsubscribed).toBe(true);
  });
});
