import { describe, expect, it } from 'vitest';
import type { StateAdapter } from '../spec/state-adapter.ts';
import { memoryState } from '../state/memory-state.ts';
import { ContractViolation } from './contract-support.ts';
import { stateAdapterContract } from './state-contract.ts';

function caseNamed(cases: ReturnType<typeof stateAdapterContract>, part: string) {
  const found = cases.find((test) => test.name.includes(part));
  if (found === undefined) throw new Error(`no contract case mentions ${part}`);
  return found;
}

describe('stateAdapterContract', () => {
  describe('with memoryState', () => {
    for (const test of stateAdapterContract({ setup: async () => ({ state: memoryState() }) })) {
      it(test.name, test.run);
    }
  });

  it('catches a lock that any token can release', async () => {
    const cases = stateAdapterContract({
      setup: async () => {
        const state = memoryState();
        const careless: StateAdapter = {
          ...state,
          releaseLock: async (lock) => {
            await state.delete(lock.key);
            return true;
          },
        };
        return { state: careless };
      },
    });
    await expect(caseNamed(cases, 'lapses after its ttl').run()).rejects.toBeInstanceOf(
      ContractViolation,
    );
  });

  it('catches a list whose ttl does not slide', async () => {
    const cases = stateAdapterContract({
      setup: async () => {
        const state = memoryState();
        const seen = new Set<string>();
        const fixedTtl: StateAdapter = {
          ...state,
          appendToList: async (key, value, options) => {
            // Only the first append sets the ttl; later ones keep the list's first expiry.
            const first = !seen.has(key);
            seen.add(key);
            await state.appendToList(
              key,
              value,
              first ? options : { ...options, ttlMs: undefined },
            );
          },
        };
        return { state: fixedTtl };
      },
    });
    await expect(caseNamed(cases, 'sliding expiry').run()).rejects.toBeInstanceOf(
      ContractViolation,
    );
  });

  it('catches a store that rewrites values (numbers as strings)', async () => {
    const cases = stateAdapterContract({
      setup: async () => {
        const state = memoryState();
        const lossy: StateAdapter = {
          ...state,
          set: (key, value, options) =>
            state.set(key, typeof value === 'number' ? String(value) : value, options),
        };
        return { state: lossy };
      },
    });
    await expect(caseNamed(cases, 'round-trip exactly').run()).rejects.toBeInstanceOf(
      ContractViolation,
    );
  });
});
