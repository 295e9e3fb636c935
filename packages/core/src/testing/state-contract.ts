import type { JsonValue } from '../spec/language-model.ts';
import type { StateAdapter } from '../spec/state-adapter.ts';
import type { ContractCase } from './contract-support.ts';
import {
  check,
  checkJson,
  STATE_CONTRACT_SAMPLE,
  show,
  sleep,
  TOP_LEVEL_VALUES,
  UNUSUAL_KEYS,
  waitFor,
} from './state-contract-support.ts';

/** What a state adapter under contract test provides. */
export interface StateAdapterContractHarness {
  /** The adapter under test, with no keys that another case uses. */
  state: StateAdapter;
  /**
   * A second instance on the same store (another process in production), used for locks,
   * publish/subscribe and shared rate limits. Defaults to `state`.
   */
  peer?: StateAdapter | undefined;
  /** Frees resources (connections...). */
  close?(): Promise<void>;
}

/** Options of {@link stateAdapterContract}. */
export interface StateAdapterContractOptions {
  /** Builds a fresh harness for each case. */
  setup: () => Promise<StateAdapterContractHarness>;
  /** Longest wait for a published message to arrive, in milliseconds. @default 2000 */
  deliveryTimeoutMs?: number | undefined;
  /**
   * Added to every wait for a TTL to pass or a bucket to refill, in milliseconds: room for a
   * store whose clock or expiry runs slightly apart from this process. @default 60
   */
  timingSlackMs?: number | undefined;
}

async function withHarness(
  options: StateAdapterContractOptions,
  body: (state: StateAdapter, peer: StateAdapter) => Promise<void>,
): Promise<void> {
  const harness = await options.setup();
  try {
    await body(harness.state, harness.peer ?? harness.state);
  } finally {
    await harness.close?.();
  }
}

/**
 * The behaviours every {@link StateAdapter} implementation must have: values with TTLs,
 * set-if-absent, lists with trimming and a sliding TTL, queues, locks with tokens,
 * publish/subscribe across instances, a shared token bucket, exact JSON round trips and keys
 * with unusual characters. Cases wait for real time to pass (TTLs of about 100 ms), so they take
 * a few seconds in all. Run them in any test runner.
 *
 * @example
 * ```ts
 * for (const test of stateAdapterContract({ setup: async () => ({ state: memoryState() }) })) {
 *   it(test.name, test.run);
 * }
 * ```
 */
export function stateAdapterContract(options: StateAdapterContractOptions): ContractCase[] {
  const deliveryTimeoutMs = options.deliveryTimeoutMs ?? 2000;
  const slackMs = options.timingSlackMs ?? 60;
  const run = (body: (state: StateAdapter, peer: StateAdapter) => Promise<void>) => () =>
    withHarness(options, body);

  return [
    {
      name: 'get returns undefined for a missing key and the stored value after set',
      run: run(async (state, peer) => {
        check((await state.get('value')) === undefined, 'a missing key is not undefined');
        await state.set('value', { n: 1 });
        checkJson(await peer.get('value'), { n: 1 }, 'the value read by the peer');
        await state.set('value', { n: 2 });
        checkJson(await state.get('value'), { n: 2 }, 'the overwritten value');
      }),
    },
    {
      name: 'a value expires once its ttl has passed, and a new write replaces the ttl',
      run: run(async (state) => {
        await state.set('short', 'soon gone', { ttlMs: 100 });
        await state.set('renewed', 'stays', { ttlMs: 100 });
        await state.set('renewed', 'stays', { ttlMs: 5000 });
        checkJson(await state.get('short'), 'soon gone', 'the value before its ttl');
        await sleep(100 + slackMs);
        check((await state.get('short')) === undefined, 'the value outlived its ttl');
        checkJson(await state.get('renewed'), 'stays', 'the value whose ttl was replaced');
      }),
    },
    {
      name: 'delete removes values and lists, and ignores missing keys',
      run: run(async (state) => {
        await state.set('value', 1);
        await state.appendToList('list', 1);
        await state.delete('value');
        await state.delete('list');
        await state.delete('never-written');
        check((await state.get('value')) === undefined, 'a deleted value is still there');
        checkJson(await state.getList('list'), [], 'a deleted list');
      }),
    },
    {
      name: 'setIfAbsent writes only when the key is absent, once among concurrent callers',
      run: run(async (state, peer) => {
        check(await state.setIfAbsent('once', 'first', { ttlMs: 100 }), 'first write refused');
        check(!(await peer.setIfAbsent('once', 'second')), 'second write accepted');
        checkJson(await state.get('once'), 'first', 'the value after a refused write');
        await sleep(100 + slackMs);
        check(await peer.setIfAbsent('once', 'third'), 'refused after the ttl passed');
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            (index % 2 === 0 ? state : peer).setIfAbsent('race', index, { ttlMs: 5000 }),
          ),
        );
        const winners = results.filter(Boolean).length;
        check(winners === 1, `${winners} of 20 concurrent setIfAbsent calls wrote`);
      }),
    },
    {
      name: 'appendToList keeps order, trims to maxLength (oldest dropped) and loses no concurrent append',
      run: run(async (state, peer) => {
        checkJson(await state.getList('missing'), [], 'a missing list');
        for (const item of [1, 2, 3, 4, 5]) {
          await state.appendToList('trimmed', item, { maxLength: 3, ttlMs: 5000 });
        }
        checkJson(await peer.getList('trimmed'), [3, 4, 5], 'the trimmed list');
        await Promise.all(
          Array.from({ length: 50 }, (_, index) =>
            (index % 2 === 0 ? state : peer).appendToList('busy', index, { ttlMs: 5000 }),
          ),
        );
        const busy = await state.getList<number>('busy');
        check(busy.length === 50, `${busy.length} of 50 concurrent appends kept`);
        check(new Set(busy).size === 50, 'concurrent appends duplicated or overwrote items');
      }),
    },
    {
      name: 'appendToList refreshes the ttl of the whole list on every append (sliding expiry)',
      run: run(async (state) => {
        await state.appendToList('sliding', 'a', { ttlMs: 300 });
        await sleep(180);
        await state.appendToList('sliding', 'b', { ttlMs: 300 });
        await sleep(180);
        checkJson(await state.getList('sliding'), ['a', 'b'], 'the list after a refreshed ttl');
        await sleep(120 + slackMs);
        checkJson(await state.getList('sliding'), [], 'the list after its last ttl passed');
      }),
    },
    {
      name: 'shiftFromList pops the oldest item and returns undefined once the list is empty',
      run: run(async (state, peer) => {
        await state.appendToList('queue', 'a', { ttlMs: 5000 });
        await state.appendToList('queue', { b: 2 }, { ttlMs: 5000 });
        checkJson(await peer.shiftFromList('queue'), 'a', 'the first pop');
        checkJson(await state.shiftFromList('queue'), { b: 2 }, 'the second pop');
        check((await state.shiftFromList('queue')) === undefined, 'a pop from an empty list');
        checkJson(await state.getList('queue'), [], 'the emptied list');
        await state.appendToList('queue', 'c', { ttlMs: 5000 });
        checkJson(await state.getList('queue'), ['c'], 'a list refilled after being emptied');
      }),
    },
    {
      name: 'acquireLock is exclusive, also among concurrent callers, until released',
      run: run(async (state, peer) => {
        const lock = await state.acquireLock('lock', { ttlMs: 5000 });
        check(lock !== null, 'a free lock was not acquired');
        check(lock.key === 'lock', `the lock names key ${show(lock.key)}`);
        check(typeof lock.token === 'string' && lock.token.length > 0, 'the lock has no token');
        check(lock.expiresAtMs > Date.now(), 'the lock expires in the past');
        check((await peer.acquireLock('lock', { ttlMs: 5000 })) === null, 'a held lock re-taken');
        check(await state.releaseLock(lock), 'releasing a held lock returned false');
        const again = await peer.acquireLock('lock', { ttlMs: 5000 });
        check(again !== null, 'a released lock could not be taken again');
        check(again.token !== lock.token, 'two acquisitions share a token');
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            (index % 2 === 0 ? state : peer).acquireLock('contended', { ttlMs: 5000 }),
          ),
        );
        const holders = results.filter((result) => result !== null).length;
        check(holders === 1, `${holders} of 20 concurrent acquireLock calls got the lock`);
      }),
    },
    {
      name: 'a lock lapses after its ttl; the old token can then neither extend nor release it',
      run: run(async (state, peer) => {
        const old = await state.acquireLock('lapsing', { ttlMs: 100 });
        check(old !== null, 'a free lock was not acquired');
        await sleep(100 + slackMs);
        const current = await peer.acquireLock('lapsing', { ttlMs: 5000 });
        check(current !== null, 'a lapsed lock could not be taken');
        check(!(await state.extendLock(old, { ttlMs: 5000 })), 'a lapsed token extended the lock');
        check(!(await state.releaseLock(old)), 'a lapsed token released the lock');
        check((await state.acquireLock('lapsing', { ttlMs: 5000 })) === null, 'the lock was lost');
        check(await peer.releaseLock(current), 'the current holder could not release');
        check(!(await peer.releaseLock(current)), 'a lock was released twice');
      }),
    },
    {
      name: 'extendLock keeps a held lock past its first ttl; a wrong token extends nothing',
      run: run(async (state, peer) => {
        const lock = await state.acquireLock('extended', { ttlMs: 200 });
        check(lock !== null, 'a free lock was not acquired');
        const forged = { ...lock, token: `${lock.token}-forged` };
        check(!(await peer.extendLock(forged, { ttlMs: 5000 })), 'a wrong token extended it');
        check(!(await peer.releaseLock(forged)), 'a wrong token released it');
        await sleep(100);
        check(await state.extendLock(lock, { ttlMs: 1000 }), 'extending a held lock failed');
        await sleep(100 + slackMs);
        check((await peer.acquireLock('extended', { ttlMs: 5000 })) === null, 'extension lost');
        check(await state.releaseLock(lock), 'releasing the extended lock failed');
      }),
    },
    {
      name: 'publish reaches every subscriber of the channel, in another instance too',
      run: run(async (state, peer) => {
        const first: JsonValue[] = [];
        const second: JsonValue[] = [];
        const other: JsonValue[] = [];
        const unsubscribeFirst = await state.subscribe('events', (message) => first.push(message));
        const unsubscribeSecond = await state.subscribe('events', (m) => second.push(m));
        const unsubscribeOther = await state.subscribe('other', (m) => other.push(m));
        try {
          await peer.publish('events', { stop: 'reply-1', n: 1 });
          await peer.publish('nobody-listens', 'lost');
          await waitFor(
            () => first.length >= 1 && second.length >= 1,
            deliveryTimeoutMs,
            'a published message did not reach both listeners',
          );
          checkJson(first, [{ stop: 'reply-1', n: 1 }], 'the messages of the first listener');
          checkJson(second, [{ stop: 'reply-1', n: 1 }], 'the messages of the second listener');
          check(other.length === 0, 'a listener received a message of another channel');
        } finally {
          await unsubscribeFirst();
          await unsubscribeSecond();
          await unsubscribeOther();
        }
      }),
    },
    {
      name: 'an unsubscribed listener receives nothing more; the other listeners still do',
      run: run(async (state, peer) => {
        const dropped: JsonValue[] = [];
        const kept: JsonValue[] = [];
        const marker: JsonValue[] = [];
        const unsubscribeDropped = await state.subscribe('channel', (m) => dropped.push(m));
        const unsubscribeKept = await state.subscribe('channel', (m) => kept.push(m));
        const unsubscribeMarker = await state.subscribe('marker', (m) => marker.push(m));
        try {
          await unsubscribeDropped();
          await unsubscribeDropped();
          await peer.publish('channel', 'after');
          // Messages from one publisher arrive in order: once the marker is in, so is 'after'.
          await peer.publish('marker', 'done');
          await waitFor(() => marker.length === 1, deliveryTimeoutMs, 'the marker did not arrive');
          checkJson(kept, ['after'], 'the messages of the listener still subscribed');
          check(dropped.length === 0, 'an unsubscribed listener received a message');
          await unsubscribeKept();
          await peer.publish('channel', 'after all left');
          await peer.publish('marker', 'done again');
          await waitFor(() => marker.length === 2, deliveryTimeoutMs, 'the marker did not arrive');
          checkJson(kept, ['after'], 'the messages after every listener left');
        } finally {
          await unsubscribeKept();
          await unsubscribeMarker();
        }
      }),
    },
    {
      name: 'consumeRateLimit allows a burst, then refuses with the wait until the next token',
      run: run(async (state) => {
        const options = { ratePerSecond: 1, burst: 5 };
        for (let index = 0; index < 5; index += 1) {
          const result = await state.consumeRateLimit('burst', options);
          check(result.allowed, `call ${index + 1} of a burst of 5 was refused`);
          check(
            result.retryAfterMs === 0,
            `an allowed call has retryAfterMs ${result.retryAfterMs}`,
          );
        }
        const refused = await state.consumeRateLimit('burst', options);
        check(!refused.allowed, 'the call after the burst was allowed');
        check(
          refused.retryAfterMs > 0 && refused.retryAfterMs <= 1000,
          `retryAfterMs is ${refused.retryAfterMs}, expected (0, 1000] at 1 token/s`,
        );
        check((await state.consumeRateLimit('another', options)).allowed, 'keys share a bucket');
      }),
    },
    {
      name: 'consumeRateLimit refills at ratePerSecond',
      run: run(async (state) => {
        const options = { ratePerSecond: 10, burst: 1 };
        check((await state.consumeRateLimit('refill', options)).allowed, 'the first call refused');
        const refused = await state.consumeRateLimit('refill', options);
        check(!refused.allowed, 'an empty bucket allowed a call');
        check(
          refused.retryAfterMs > 0 && refused.retryAfterMs <= 100,
          `retryAfterMs is ${refused.retryAfterMs}, expected (0, 100] at 10 tokens/s`,
        );
        await sleep(refused.retryAfterMs + slackMs);
        check(
          (await state.consumeRateLimit('refill', options)).allowed,
          'no refill after the wait',
        );
      }),
    },
    {
      name: 'consumeRateLimit takes cost tokens at once and says how long the missing ones take',
      run: run(async (state) => {
        const options = { ratePerSecond: 1, burst: 10, cost: 4 };
        check((await state.consumeRateLimit('cost', options)).allowed, 'first 4 of 10 refused');
        check((await state.consumeRateLimit('cost', options)).allowed, 'second 4 of 10 refused');
        const refused = await state.consumeRateLimit('cost', options);
        check(!refused.allowed, '4 tokens taken when only 2 were left');
        check(
          refused.retryAfterMs > 1000 && refused.retryAfterMs <= 2000,
          `retryAfterMs is ${refused.retryAfterMs}, expected (1000, 2000] for 2 missing tokens`,
        );
        const rest = await state.consumeRateLimit('cost', { ...options, cost: 2 });
        check(rest.allowed, 'the 2 tokens left could not be taken');
      }),
    },
    {
      name: 'consumeRateLimit is one bucket for every instance',
      run: run(async (state, peer) => {
        const options = { ratePerSecond: 0.5, burst: 3 };
        const taken = [
          await state.consumeRateLimit('shared', options),
          await peer.consumeRateLimit('shared', options),
          await state.consumeRateLimit('shared', options),
          await peer.consumeRateLimit('shared', options),
          await state.consumeRateLimit('shared', options),
        ];
        const allowed = taken.filter((result) => result.allowed).length;
        check(allowed === 3, `${allowed} calls allowed by a shared bucket of 3`);
      }),
    },
    {
      name: 'values of every JSON shape round-trip exactly through values, lists and messages',
      run: run(async (state, peer) => {
        await state.set('sample', STATE_CONTRACT_SAMPLE);
        checkJson(await peer.get('sample'), STATE_CONTRACT_SAMPLE, 'the sample value');
        for (const [index, value] of TOP_LEVEL_VALUES.entries()) {
          await state.set(`top-${index}`, value);
          checkJson(await peer.get(`top-${index}`), value, `the top-level value ${show(value)}`);
        }
        for (const value of [STATE_CONTRACT_SAMPLE, ...TOP_LEVEL_VALUES]) {
          await state.appendToList('samples', value, { ttlMs: 5000 });
        }
        checkJson(
          await peer.getList('samples'),
          [STATE_CONTRACT_SAMPLE, ...TOP_LEVEL_VALUES],
          'the list of samples',
        );
        const received: JsonValue[] = [];
        const unsubscribe = await state.subscribe('samples', (message) => received.push(message));
        try {
          await peer.publish('samples', STATE_CONTRACT_SAMPLE);
          await waitFor(() => received.length === 1, deliveryTimeoutMs, 'the sample not delivered');
          checkJson(received[0], STATE_CONTRACT_SAMPLE, 'the published sample');
        } finally {
          await unsubscribe();
        }
      }),
    },
    {
      name: 'keys with unusual characters are distinct keys that work with every operation',
      run: run(async (state, peer) => {
        for (const [index, key] of UNUSUAL_KEYS.entries()) await state.set(key, index);
        for (const [index, key] of UNUSUAL_KEYS.entries()) {
          checkJson(await peer.get(key), index, `the value at key ${show(key.slice(0, 40))}`);
          await state.appendToList(`${key}:list`, index, { ttlMs: 5000 });
          checkJson(await peer.getList(`${key}:list`), [index], 'a list at an unusual key');
          const lock = await state.acquireLock(`${key}:lock`, { ttlMs: 5000 });
          check(lock !== null, 'a lock at an unusual key was not acquired');
          check(await peer.releaseLock(lock), 'a lock at an unusual key was not released');
          check(await state.setIfAbsent(`${key}:once`, 1), 'setIfAbsent at an unusual key');
        }
      }),
    },
  ];
}
