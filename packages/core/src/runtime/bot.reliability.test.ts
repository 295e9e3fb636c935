/**
 * The delivery promise of decision 0011, at the runtime level (memory adapter, memory state with
 * injected failures): every accepted message is answered, every opened reply is finished.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { APICallError } from '../errors/errors.ts';
import type { LanguageModel, ModelEvent } from '../spec/language-model.ts';
import type { StateAdapter } from '../spec/state-adapter.ts';
import { type MemoryStateAdapter, memoryState } from '../state/memory-state.ts';
import { createMemoryAdapter, type MemoryAdapter } from '../testing/memory-adapter.ts';
import { memoryLogger } from '../testing/memory-logger.ts';
import {
  createScriptedModel,
  type Script,
  type ScriptedModel,
  textSteps,
} from '../testing/scripted-model.ts';
import { createBot } from './bot.ts';
import type { Bot, BotOptions } from './options.ts';

type Method = keyof StateAdapter;

/** A state whose methods can be made to fail or hang for a while. */
function flakyState(inner: MemoryStateAdapter = memoryState()) {
  const failing = new Map<Method, (key: unknown) => boolean>();
  const hanging = new Set<Method>();
  const state = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const method = property as Method;
      return (...args: unknown[]) => {
        if (hanging.has(method)) return new Promise(() => undefined);
        if (failing.get(method)?.(args[0]) === true) {
          return Promise.reject(new Error(`injected ${String(method)} failure`));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as MemoryStateAdapter;
  return {
    state,
    inner,
    fail(method: Method, when: (key: unknown) => boolean = () => true) {
      failing.set(method, when);
    },
    hang(method: Method) {
      hanging.add(method);
    },
    heal() {
      failing.clear();
      hanging.clear();
    },
  };
}

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((bot) => bot.close({ timeoutMs: 0 })));
});

function setup(
  options: Partial<Omit<BotOptions, 'model'>> & {
    model?: LanguageModel;
    scripts?: Script[];
    adapter?: MemoryAdapter;
    latencyMs?: number;
  } = {},
) {
  const adapter =
    options.adapter ??
    createMemoryAdapter({
      limits: { minUpdateIntervalMs: 10, callsPerSecond: 1000 },
      latencyMs: options.latencyMs,
    });
  const model = (options.model ??
    createScriptedModel({
      scripts: options.scripts ?? [{ steps: textSteps('Hello there, friend!', { delayMs: 1 }) }],
    })) as ScriptedModel;
  const logger = memoryLogger();
  const bot = createBot({ lock: { ttlMs: 300 }, stateTimeoutMs: 200, ...options, model, logger });
  bots.push(bot);
  const handler = bot.webhook(adapter);
  let sequence = 0;
  const send = (text: string, userId = 'alice') => {
    sequence += 1;
    return handler(adapter.request({ type: 'message', id: `m${sequence}`, userId, text }));
  };
  const conversation = (userId = 'alice') =>
    adapter.conversation(adapter.conversationIdFor({ userId }));
  const events = () => logger.entries.map((entry) => entry.event);
  return { adapter, model, bot, handler, send, conversation, logs: logger.entries, events };
}

function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(poll, 2);
    };
    poll();
  });
}

const stalling = (text: string): Script => ({
  steps: [{ type: 'text', text }, { type: 'stall' }],
});

describe('delivery under state failures', () => {
  it('answers without history when the history cannot be read, and says so in the log', async () => {
    const flaky = flakyState();
    flaky.fail('getList', (key) => String(key).includes(':history:'));
    const { send, bot, model, conversation, events } = setup({ state: flaky.state });
    await send('Hi');
    await bot.idle();
    expect(model.calls[0]?.request.messages).toEqual([{ role: 'user', content: 'Hi' }]);
    expect(conversation()).toEqual([
      expect.objectContaining({ kind: 'reply', finished: true, finishReason: 'complete' }),
    ]);
    expect(events()).toContain('state-failed');
  });

  it('keeps the reply when the history write fails after it', async () => {
    const flaky = flakyState();
    const { send, bot, conversation, logs } = setup({ state: flaky.state });
    flaky.fail('appendToList', (key) => String(key).includes(':history:'));
    await send('Hi');
    await bot.idle();
    expect(conversation()).toEqual([
      expect.objectContaining({ kind: 'reply', text: 'Hello there, friend!', finished: true }),
    ]);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'state-failed' }));
  });

  it('resumes a conversation by timer when taking the turn lock failed (no new message needed)', async () => {
    const flaky = flakyState();
    flaky.fail('acquireLock', (key) => String(key).includes(':lock:memory:direct'));
    const { send, bot, conversation, logs } = setup({ state: flaky.state });
    expect((await send('Hi')).status).toBe(200);
    await waitFor(() => logs.some((entry) => entry.event === 'state-failed'));
    expect(conversation()).toHaveLength(0);
    flaky.heal();
    await waitFor(() => conversation()[0]?.finished === true);
    await bot.idle();
    expect(conversation()).toEqual([expect.objectContaining({ finishReason: 'complete' })]);
    const failed = logs.find((entry) => entry.event === 'state-failed');
    expect(failed).toMatchObject({ operation: 'acquire-lock', resumeInMs: 500 });
  });

  it('times out a hung store, then answers once it recovers; close() is not blocked by it', async () => {
    const flaky = flakyState();
    flaky.hang('getList');
    const { send, bot, conversation, logs } = setup({ state: flaky.state, stateTimeoutMs: 50 });
    await send('Hi');
    await waitFor(() => logs.some((entry) => entry.event === 'state-failed'));
    expect(logs.find((entry) => entry.event === 'state-failed')).toMatchObject({
      operation: 'queue-read',
      error: expect.objectContaining({ code: 'state-timeout' }),
    });
    flaky.heal();
    await waitFor(() => conversation()[0]?.finished === true);
    flaky.hang('getList');
    await send('again');
    const closing = Date.now();
    await bot.close({ timeoutMs: 300 });
    expect(Date.now() - closing).toBeLessThan(3000);
  });

  it('answers a message once when shifting it off the queue fails before and after its takeover', async () => {
    const flaky = flakyState();
    let failures = 2;
    // The drain's shift fails, then the takeover's shift of the same message fails too.
    flaky.fail('shiftFromList', (key) => String(key).includes(':queue:') && failures-- > 0);
    const { send, bot, conversation } = setup({ state: flaky.state });
    await send('Hi');
    await waitFor(() => failures <= 0 && conversation()[0]?.finished === true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await bot.idle();
    expect(conversation().map((message) => message.text)).toEqual(['Hello there, friend!']);
  });

  it('answers a message queued during a turn whose lock release failed, once the lock lapses', async () => {
    const flaky = flakyState();
    const { send, bot, conversation, events } = setup({
      state: flaky.state,
      scripts: [
        { steps: textSteps('first answer', { delayMs: 5 }) },
        { steps: textSteps('second') },
      ],
    });
    flaky.fail('releaseLock');
    await send('one');
    await send('two');
    await waitFor(() => events().includes('state-failed'));
    flaky.heal();
    await waitFor(() => conversation().filter((message) => message.finished).length === 2, 5000);
    await bot.idle();
    expect(conversation().map((message) => message.text)).toEqual(['first answer', 'second']);
  });
});

describe('delivery under platform failures', () => {
  it('does not abort the answer when an intermediate update fails for good: the final update decides', async () => {
    const { adapter, send, bot, conversation, model, logs } = setup({
      scripts: [{ steps: textSteps('a long answer that keeps going', { delayMs: 3 }) }],
    });
    adapter.failNext(
      'update',
      new APICallError({ message: 'bad', provider: 'memory', kind: 'invalid-request' }),
    );
    await send('Hi');
    await bot.idle();
    expect(model.calls[0]?.aborted).toBe(false);
    expect(conversation()).toEqual([
      expect.objectContaining({
        text: 'a long answer that keeps going',
        finished: true,
        finishReason: 'complete',
      }),
    ]);
    expect(logs).toContainEqual(expect.objectContaining({ event: 'update-failed', final: false }));
  });
});

describe('shutdown and takeover', () => {
  it('close() finishes a shown reply with the shutdown notice', async () => {
    const { send, bot, conversation } = setup({
      scripts: [stalling('partial')],
      shutdownNotice: '(restarting)',
    });
    await send('Hi');
    await waitFor(() => conversation()[0]?.text === 'partial');
    await bot.close({ timeoutMs: 1000 });
    expect(conversation()).toEqual([
      expect.objectContaining({
        text: 'partial\n\n(restarting)',
        finished: true,
        finishReason: 'interrupted',
      }),
    ]);
  });

  it('close() before the first token hands the message back; the next bot on the state answers it', async () => {
    const state = memoryState();
    const adapter = createMemoryAdapter({ limits: { minUpdateIntervalMs: 10 } });
    const first = setup({ state, adapter, scripts: [{ steps: [{ type: 'stall' }] }] });
    await first.send('Hi');
    await waitFor(() => first.model.calls.length === 1);
    await first.bot.close({ timeoutMs: 1000 });
    expect(first.conversation()).toHaveLength(0);
    expect(first.events()).toContain('turn-handed-back');

    const second = setup({ state, adapter, recovery: { intervalMs: 50 } });
    await waitFor(() => second.conversation()[0]?.finished === true);
    expect(second.conversation()).toEqual([
      expect.objectContaining({ text: 'Hello there, friend!', finishReason: 'complete' }),
    ]);
    expect(second.model.calls[0]?.request.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Hi',
    });
    expect(second.events()).toContain('turn-recovered');
  });

  it('with the built-in memory state, close() tells the users it cannot answer (nothing survives)', async () => {
    const { send, bot, conversation, model } = setup({
      scripts: [{ steps: [{ type: 'stall' }] }],
      shutdownNotice: '(restarting, please ask again)',
    });
    await send('one');
    await send('two');
    await waitFor(() => model.calls.length === 1);
    await bot.close({ timeoutMs: 1000 });
    expect(conversation()).toEqual([
      expect.objectContaining({ kind: 'post', text: '(restarting, please ask again)' }),
    ]);
  });

  it('a reply left open by a dead instance is finished by another one after the lock lapses', async () => {
    const shared = memoryState();
    const dead = flakyState(shared);
    const adapter = createMemoryAdapter({ limits: { minUpdateIntervalMs: 10 } });
    const first = setup({ state: dead.state, adapter, scripts: [stalling('half an answer')] });
    await first.send('Hi');
    await waitFor(() => first.conversation()[0]?.text === 'half an answer');
    // Wait for the turn record to hold the shown text, then the instance "dies": its state
    // calls hang (no heartbeat, no more writes) and its model never speaks again.
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (const method of ['extendLock', 'set', 'get', 'delete', 'acquireLock'] as const) {
      dead.hang(method);
    }
    const second = setup({ state: shared, adapter, recovery: { intervalMs: 50 } });
    await waitFor(() => second.conversation()[0]?.finished === true);
    expect(second.conversation()).toEqual([
      expect.objectContaining({
        text: `half an answer\n\n${'(The answer was cut short because the service restarted. Please ask again.)'}`,
        finishReason: 'interrupted',
      }),
    ]);
    expect(second.logs).toContainEqual(
      expect.objectContaining({ event: 'turn-recovered', action: 'finished-reply' }),
    );
  });

  it('a lost turn lock: the instance that cannot confirm it stops writing; two replies never stream at once', async () => {
    const shared = memoryState();
    const flaky = flakyState(shared);
    const adapter = createMemoryAdapter({ limits: { minUpdateIntervalMs: 10 } });
    let open = 0;
    let maxOpen = 0;
    adapter.onChange((change) => {
      if (change.message.kind !== 'reply') return;
      if (change.type === 'created' && !change.message.finished) open += 1;
      if (change.type === 'finished') open -= 1;
      maxOpen = Math.max(maxOpen, open);
    });
    const first = setup({
      state: flaky.state,
      adapter,
      lock: { ttlMs: 300, heartbeatMs: 100 },
      scripts: [{ steps: [...textSteps('first answer', { delayMs: 40 }), { type: 'stall' }] }],
    });
    await first.send('one');
    await waitFor(() => first.conversation()[0]?.text.startsWith('first') === true);
    // The store stops answering this instance's heartbeats: it cannot confirm its lock.
    flaky.fail('extendLock');
    const second = setup({ state: shared, adapter, recovery: { intervalMs: 50 } });
    await waitFor(() => first.model.calls[0]?.aborted === true);
    await waitFor(() => second.conversation()[0]?.finished === true);
    const versionsAtTakeover = second.conversation()[0]?.versions.length;
    await second.handler(
      adapter.request({ type: 'message', id: 'two', userId: 'alice', text: 'two' }),
    );
    await waitFor(() => second.conversation()[1]?.finished === true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const [taken, answered] = second.conversation();
    expect(taken?.finishReason).toBe('interrupted');
    expect(taken?.text.endsWith('Please ask again.)')).toBe(true);
    // Nothing wrote into the taken-over reply after it was finished.
    expect(taken?.versions.length).toBe(versionsAtTakeover);
    expect(answered).toMatchObject({ text: 'Hello there, friend!', finishReason: 'complete' });
    expect(maxOpen).toBe(1);
    expect(first.logs).toContainEqual(expect.objectContaining({ event: 'lock-lost' }));
  });

  it('close() is bounded even when the final update waits on a long rate-limit pause', async () => {
    const { adapter, send, bot, conversation } = setup({
      scripts: [{ steps: [...textSteps('some text', { delayMs: 5 }), { type: 'stall' }] }],
    });
    adapter.failNext(
      'update',
      new APICallError({
        message: 'slow down',
        provider: 'memory',
        kind: 'rate-limit',
        retryAfterMs: 60_000,
      }),
    );
    await send('Hi');
    // The first update was rate-limited: updates pause for 30 s (the longest pause).
    await waitFor(() => adapter.operationCounts.update === 1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const started = Date.now();
    await bot.close({ timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(3000);
    // Nothing was shown; with the memory state nothing survives: the user is told instead.
    expect(conversation().map((message) => message.kind)).toEqual(['post']);
  });
});

describe('interrupts', () => {
  it('interrupt policy: a newer message during the first send finishes that reply as interrupted, no error', async () => {
    const { send, bot, conversation, adapter } = setup({
      concurrency: 'interrupt',
      latencyMs: 40,
      scripts: [stalling('first'), { steps: textSteps('second answer') }],
    });
    await send('one');
    await waitFor(() => adapter.operationCounts.update === 1);
    await send('two');
    await bot.idle();
    const messages = conversation();
    expect(messages.map((message) => [message.kind, message.finishReason])).toEqual([
      ['reply', 'interrupted'],
      ['reply', 'complete'],
    ]);
  });

  it('applies a stop pressed while the first send is in flight once the reply id is known', async () => {
    const { send, bot, conversation, adapter, handler, model } = setup({
      latencyMs: 60,
      scripts: [stalling('streaming')],
    });
    await send('Hi');
    await waitFor(() => adapter.operationCounts.update === 1);
    // The client already shows msg-1 (the vendor stored it); our send's answer is still coming.
    await handler(adapter.request({ type: 'interrupt', userId: 'alice', replyId: 'msg-1' }));
    await bot.idle();
    expect(model.calls[0]?.aborted).toBe(true);
    expect(conversation()).toEqual([
      expect.objectContaining({ finished: true, finishReason: 'interrupted' }),
    ]);
  });

  it("ignores a stop naming another conversation's reply", async () => {
    const { send, bot, conversation, adapter, handler, model, logs } = setup({
      scripts: [stalling('for alice')],
    });
    await send('Hi', 'alice');
    await waitFor(() => conversation('alice')[0]?.text === 'for alice');
    const replyId = conversation('alice')[0]?.id as string;
    await handler(adapter.request({ type: 'interrupt', userId: 'mallory', replyId }));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(model.calls[0]?.aborted).toBe(false);
    expect(logs).toContainEqual(
      expect.objectContaining({ event: 'stop-ignored', reason: 'other-conversation' }),
    );
    await bot.close({ timeoutMs: 500 });
  });
});

describe('truncated model streams', () => {
  it('treats a stream that ends without finish as an error: text so far, then the error message', async () => {
    const model: LanguageModel = {
      specificationVersion: 'v1',
      provider: 'test',
      modelId: 'truncated',
      async *stream(): AsyncIterable<ModelEvent> {
        yield { type: 'text-delta', text: 'cut ' };
        yield { type: 'text-delta', text: 'off' };
      },
    };
    const { send, bot, conversation, logs } = setup({ model });
    await send('Hi');
    await bot.idle();
    expect(conversation()).toEqual([
      expect.objectContaining({ kind: 'reply', text: 'cut off', finishReason: 'error' }),
      expect.objectContaining({ kind: 'error' }),
    ]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        event: 'model-error',
        error: expect.objectContaining({ code: 'truncated-response' }),
      }),
    );
  });
});
