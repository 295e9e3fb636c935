import { describe, expect, it } from 'vitest';
import { APICallError } from '../errors/errors.ts';
import type { ModelRequest } from '../spec/language-model.ts';
import { memoryState } from '../state/memory-state.ts';
import {
  createMemoryAdapter,
  type MemoryAdapterOptions,
  memoryRateLimitError,
} from '../testing/memory-adapter.ts';
import { memoryLogger } from '../testing/memory-logger.ts';
import {
  createScriptedModel,
  type Script,
  type ScriptedModel,
  textSteps,
} from '../testing/scripted-model.ts';
import { createBot } from './bot.ts';
import type { BotOptions } from './options.ts';

function setup(
  options: Partial<Omit<BotOptions, 'model'>> & {
    model?: ScriptedModel;
    scripts?: Script[];
    adapter?: MemoryAdapterOptions;
  } = {},
) {
  const adapter = createMemoryAdapter({
    limits: { minUpdateIntervalMs: 20, callsPerSecond: 1000 },
    ...options.adapter,
  });
  const model =
    options.model ??
    createScriptedModel({
      scripts: options.scripts ?? [{ steps: textSteps('Hello there, friend!', { delayMs: 2 }) }],
    });
  const logger = memoryLogger();
  const logs = logger.entries;
  const state = options.state ?? memoryState();
  const bot = createBot({ ...options, model, state, logger });
  const handler = bot.webhook(adapter);
  let sequence = 0;
  const send = (
    text: string,
    extra: {
      id?: string;
      userId?: string;
      groupId?: string;
      mentionsBot?: boolean;
      isBot?: boolean;
    } = {},
  ) => {
    sequence += 1;
    return handler(
      adapter.request({
        type: 'message',
        id: extra.id ?? `m${sequence}`,
        userId: extra.userId ?? 'alice',
        text,
        ...(extra.groupId !== undefined ? { groupId: extra.groupId } : {}),
        ...(extra.mentionsBot !== undefined ? { mentionsBot: extra.mentionsBot } : {}),
        ...(extra.isBot !== undefined ? { isBot: extra.isBot } : {}),
      }),
    );
  };
  const conversation = (userId = 'alice', groupId?: string) =>
    adapter.conversation(adapter.conversationIdFor({ userId, ...(groupId ? { groupId } : {}) }));
  return { adapter, model, bot, handler, send, conversation, logs, state };
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

describe('createBot', () => {
  describe('answering', () => {
    it('acknowledges the webhook at once and streams the answer into one finished message', async () => {
      const { send, bot, conversation, model } = setup();
      const response = await send('Hi');
      expect(response.status).toBe(200);
      // The reply continues in the background: the model is still running.
      expect(conversation().filter((message) => message.finished)).toHaveLength(0);
      await bot.idle();
      const [reply, ...rest] = conversation();
      expect(rest).toHaveLength(0);
      expect(reply?.kind).toBe('reply');
      expect(reply?.text).toBe('Hello there, friend!');
      expect(reply?.finished).toBe(true);
      expect(reply?.finishReason).toBe('complete');
      // Cumulative: every version is a prefix of the final text.
      for (const version of reply?.versions ?? [])
        expect('Hello there, friend!'.startsWith(version)).toBe(true);
      expect(model.calls[0]?.request.messages).toEqual([{ role: 'user', content: 'Hi' }]);
    });

    it('hands the background reply to waitUntil when given', async () => {
      const { adapter, bot, conversation } = setup();
      const handler = bot.webhook(adapter);
      const handed: Promise<unknown>[] = [];
      await handler(adapter.request({ type: 'message', id: 'w1', userId: 'alice', text: 'Hi' }), {
        waitUntil: (promise) => handed.push(promise),
      });
      expect(handed).toHaveLength(1);
      await Promise.all(handed);
      expect(conversation()[0]?.finished).toBe(true);
    });

    it('passes instructions, user and metadata to the model', async () => {
      const { send, bot, model } = setup({
        instructions: ({ message }) => `Answer ${message.sender.id}`,
      });
      await send('Hi');
      await bot.idle();
      const request = model.calls[0]?.request as ModelRequest;
      expect(request.instructions).toBe('Answer alice');
      expect(request.user).toBe('alice');
      expect(request.metadata).toMatchObject({
        platform: 'memory',
        conversationId: 'direct:alice',
        messageId: 'm1',
      });
      expect(request.signal).toBeInstanceOf(AbortSignal);
    });

    it('logs reply-started and reply-finished with time to first token and update count', async () => {
      const { send, bot, logs, adapter } = setup();
      await send('Hi');
      await bot.idle();
      const finished = logs.find((entry) => entry.event === 'reply-finished');
      expect(logs.some((entry) => entry.event === 'reply-started')).toBe(true);
      expect(finished).toMatchObject({ reason: 'complete', level: 'info' });
      expect(typeof finished?.timeToFirstTokenMs).toBe('number');
      expect(finished?.updateCount).toBe(adapter.callCount);
      expect(JSON.stringify(logs)).not.toContain('Hello there');
    });
  });

  describe('who is answered', () => {
    it('ignores bot senders', async () => {
      const { send, bot, adapter, model } = setup();
      const response = await send('I am a bot', { isBot: true });
      await bot.idle();
      expect(response.status).toBe(200);
      expect(model.calls).toHaveLength(0);
      expect(adapter.messages).toHaveLength(0);
    });

    it('ignores group messages that do not mention the bot, answers those that do', async () => {
      const { send, bot, conversation, model } = setup();
      await send('chatting among ourselves', { groupId: 'g1', mentionsBot: false });
      await bot.idle();
      expect(model.calls).toHaveLength(0);
      await send('@bot hello', { groupId: 'g1', mentionsBot: true });
      await bot.idle();
      expect(model.calls).toHaveLength(1);
      expect(conversation('alice', 'g1')[0]?.text).toBe('Hello there, friend!');
    });

    it('lets shouldRespond answer unaddressed group messages', async () => {
      const { send, bot, model } = setup({
        shouldRespond: (message) => message.text.includes('?'),
      });
      await send('anyone know?', { groupId: 'g1', mentionsBot: false });
      await send('no question here', { groupId: 'g1', mentionsBot: false, userId: 'bob' });
      await bot.idle();
      expect(model.calls.map((call) => call.request.messages.at(-1)?.content)).toEqual([
        'anyone know?',
      ]);
    });
  });

  describe('dedupe', () => {
    it('answers a message delivered twice only once', async () => {
      const { send, bot, model, conversation } = setup();
      await send('Hi', { id: 'dup' });
      await send('Hi', { id: 'dup' });
      await bot.idle();
      expect(model.calls).toHaveLength(1);
      expect(conversation()).toHaveLength(1);
    });

    it('answers a message delivered ten times concurrently only once', async () => {
      const { send, bot, model, conversation, logs } = setup();
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => send('Hi', { id: 'same' })),
      );
      await bot.idle();
      expect(responses.every((response) => response.status === 200)).toBe(true);
      expect(model.calls).toHaveLength(1);
      expect(conversation()).toHaveLength(1);
      expect(logs.filter((entry) => entry.event === 'deduped')).toHaveLength(9);
    });

    it('does not mark a message seen when it could not be queued, so the redelivery is answered', async () => {
      const state = memoryState();
      let failAppend = true;
      const flaky = {
        ...state,
        appendToList: async (...args: Parameters<typeof state.appendToList>) => {
          if (failAppend && args[0].includes(':queue:')) throw new Error('state unavailable');
          return state.appendToList(...args);
        },
      };
      const { send, bot, model, conversation } = setup({ state: flaky });
      const first = await send('Hi', { id: 'retry-me' });
      expect(first.status).toBe(503);
      failAppend = false;
      const second = await send('Hi', { id: 'retry-me' });
      expect(second.status).toBe(200);
      await bot.idle();
      expect(model.calls).toHaveLength(1);
      expect(conversation()[0]?.text).toBe('Hello there, friend!');
    });
  });

  describe('concurrency', () => {
    it('queues later messages and answers them in order, one at a time (queue policy)', async () => {
      const { send, bot, model, conversation } = setup({
        scripts: [
          { steps: textSteps('first answer', { delayMs: 5 }) },
          { steps: textSteps('second answer', { delayMs: 5 }) },
          { steps: textSteps('third answer', { delayMs: 5 }) },
        ],
      });
      await send('one');
      await send('two');
      await send('three');
      await bot.idle();
      expect(conversation().map((message) => message.text)).toEqual([
        'first answer',
        'second answer',
        'third answer',
      ]);
      // Each call started after the previous reply ended: history shows the previous answers.
      expect(model.calls[2]?.request.messages.map((message) => message.content)).toEqual([
        'one',
        'first answer',
        'two',
        'second answer',
        'three',
      ]);
      expect(model.calls.some((call) => call.aborted)).toBe(false);
    });

    it('stops the running reply and answers the newer message (interrupt policy)', async () => {
      const { send, bot, model, conversation } = setup({
        concurrency: 'interrupt',
        scripts: [
          { steps: textSteps('a long first answer that will be cut short', { delayMs: 15 }) },
          { steps: textSteps('answer to the newer one', { delayMs: 2 }) },
        ],
      });
      await send('one');
      await waitFor(() => (conversation()[0]?.text.length ?? 0) > 0);
      await send('two');
      await bot.idle();
      const [first, second] = conversation();
      expect(model.calls[0]?.aborted).toBe(true);
      expect(first?.finishReason).toBe('interrupted');
      expect(first?.finished).toBe(true);
      expect(second?.text).toBe('answer to the newer one');
      expect(second?.finishReason).toBe('complete');
      // The partial first answer is kept in history.
      const sent = model.calls[1]?.request.messages ?? [];
      expect(sent.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
      expect(sent[1]?.content).toBe(first?.text);
    });

    it('releases the turn lock on every path (success, model error, interrupt, platform failure)', async () => {
      const state = memoryState();
      const { send, bot, adapter, handler } = setup({
        state,
        scripts: [
          { steps: textSteps('ok', { delayMs: 1 }) },
          {
            steps: [
              { type: 'text', text: 'partial' },
              { type: 'throw', error: new Error('boom') },
            ],
          },
          { steps: [{ type: 'text', text: 'slow', delayMs: 1 }, { type: 'stall' }] },
          { steps: textSteps('after platform failure', { delayMs: 1 }) },
        ],
      });
      const lockFree = async () => {
        const lock = await state.acquireLock('imbridge:lock:memory:direct:alice', { ttlMs: 1000 });
        if (lock) await state.releaseLock(lock);
        return lock !== null;
      };
      await send('success');
      await bot.idle();
      expect(await lockFree()).toBe(true);
      await send('model error');
      await bot.idle();
      expect(await lockFree()).toBe(true);
      await send('interrupt me');
      await waitFor(() => adapter.messages.some((message) => message.text === 'slow'));
      await handler(adapter.request({ type: 'interrupt', userId: 'alice' }));
      await bot.idle();
      expect(await lockFree()).toBe(true);
      adapter.failNext(
        'update',
        new APICallError({ message: 'down', provider: 'memory', kind: 'server' }),
        100,
      );
      adapter.failNext(
        'finish',
        new APICallError({ message: 'down', provider: 'memory', kind: 'server' }),
        100,
      );
      await send('platform failure');
      await bot.idle();
      expect(await lockFree()).toBe(true);
    });

    it('extends the lock while a reply runs longer than the lock ttl', async () => {
      const state = memoryState();
      const { send, bot, conversation } = setup({
        state,
        lock: { ttlMs: 150, heartbeatMs: 30 },
        scripts: [
          { steps: textSteps('a reply that takes well over the lock ttl', { delayMs: 60 }) },
        ],
      });
      await send('long one');
      await waitFor(() => conversation().length > 0);
      // Well past the ttl: the lock must still be held by the running reply.
      await new Promise((resolve) => setTimeout(resolve, 350));
      expect(conversation()[0]?.finished).toBe(false);
      expect(
        await state.acquireLock('imbridge:lock:memory:direct:alice', { ttlMs: 1000 }),
      ).toBeNull();
      await bot.idle();
    });
  });

  describe('several instances sharing one state', () => {
    function twoInstances(scripts: Script[]) {
      const state = memoryState();
      const adapter = createMemoryAdapter({
        limits: { minUpdateIntervalMs: 10, callsPerSecond: 1000 },
      });
      const model = createScriptedModel({ scripts });
      const first = createBot({ model, state });
      const second = createBot({ model, state });
      return {
        adapter,
        model,
        first,
        second,
        firstHandler: first.webhook(adapter),
        secondHandler: second.webhook(adapter),
      };
    }

    it('an interrupt delivered to another instance stops the reply where it runs', async () => {
      const { adapter, model, first, second, firstHandler, secondHandler } = twoInstances([
        { steps: [...textSteps('running on instance one', { delayMs: 3 }), { type: 'stall' }] },
      ]);
      await firstHandler(
        adapter.request({ type: 'message', id: 'x1', userId: 'alice', text: 'Hi' }),
      );
      await waitFor(() => adapter.messages[0]?.text === 'running on instance one');
      const replyId = adapter.messages[0]?.id as string;
      await secondHandler(adapter.request({ type: 'interrupt', userId: 'alice', replyId }));
      await first.idle();
      await second.idle();
      expect(model.calls[0]?.aborted).toBe(true);
      expect(adapter.messages[0]?.finishReason).toBe('interrupted');
    });

    it('a message arriving at another instance while a reply runs is queued and answered after it', async () => {
      const { adapter, model, first, second, firstHandler, secondHandler } = twoInstances([
        { steps: textSteps('answer one, slowly', { delayMs: 8 }) },
        { steps: textSteps('answer two', { delayMs: 1 }) },
      ]);
      await firstHandler(
        adapter.request({ type: 'message', id: 'y1', userId: 'alice', text: 'one' }),
      );
      await waitFor(() => adapter.messages.length > 0);
      await secondHandler(
        adapter.request({ type: 'message', id: 'y2', userId: 'alice', text: 'two' }),
      );
      // The same message redelivered to the first instance is a duplicate.
      await firstHandler(
        adapter.request({ type: 'message', id: 'y2', userId: 'alice', text: 'two' }),
      );
      await Promise.all([first.idle(), second.idle()]);
      expect(adapter.messages.map((message) => message.text)).toEqual([
        'answer one, slowly',
        'answer two',
      ]);
      expect(model.calls).toHaveLength(2);
      expect(model.calls[1]?.request.messages.map((message) => message.content)).toEqual([
        'one',
        'answer one, slowly',
        'two',
      ]);
    });
  });

  describe('history', () => {
    it('sends the conversation to the model, trimmed to maxMessages', async () => {
      const { send, bot, model } = setup({
        history: { maxMessages: 3 },
        scripts: [
          { steps: [{ type: 'text', text: 'A1' }] },
          { steps: [{ type: 'text', text: 'A2' }] },
          { steps: [{ type: 'text', text: 'A3' }] },
        ],
      });
      for (const text of ['Q1', 'Q2', 'Q3']) {
        await send(text);
        await bot.idle();
      }
      expect(model.calls[2]?.request.messages.map((message) => message.content)).toEqual([
        'Q2',
        'A2',
        'Q3',
      ]);
    });

    it('forgets a conversation after ttlMs of silence, and the ttl slides with each message', async () => {
      const { send, bot, model } = setup({ history: { ttlMs: 400 } });
      await send('Q1');
      await bot.idle();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await send('Q2');
      await bot.idle();
      // ~100 ms since the last write < ttl: still remembered.
      expect(model.calls[1]?.request.messages.map((message) => message.content)).toEqual([
        'Q1',
        'Hello there, friend!',
        'Q2',
      ]);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await send('Q3');
      await bot.idle();
      expect(model.calls[2]?.request.messages).toEqual([{ role: 'user', content: 'Q3' }]);
    });

    it('stores providerState from finish and passes it back on the next turn', async () => {
      const { send, bot, model } = setup({
        scripts: [
          { steps: [{ type: 'text', text: 'first' }], providerState: { conversationId: 'dify-1' } },
          { steps: [{ type: 'text', text: 'second' }] },
        ],
      });
      await send('Q1');
      await bot.idle();
      await send('Q2');
      await bot.idle();
      expect(model.calls[0]?.request.providerState).toBeUndefined();
      expect(model.calls[1]?.request.providerState).toEqual({ conversationId: 'dify-1' });
    });

    it('keeps conversations apart', async () => {
      const { send, bot, model } = setup();
      await send('from alice', { userId: 'alice' });
      await send('from bob', { userId: 'bob' });
      await bot.idle();
      const bob = model.calls.find((call) => call.request.user === 'bob');
      expect(bob?.request.messages).toEqual([{ role: 'user', content: 'from bob' }]);
    });
  });

  describe('interrupt events', () => {
    it('aborts the model through its signal and finishes the reply as interrupted', async () => {
      const { send, bot, model, adapter, handler, conversation, logs } = setup({
        scripts: [{ steps: [...textSteps('streaming along', { delayMs: 5 }), { type: 'stall' }] }],
      });
      await send('Hi');
      await waitFor(
        () => conversation()[0]?.id !== undefined && conversation()[0]?.text === 'streaming along',
      );
      const replyId = conversation()[0]?.id as string;
      const response = await handler(
        adapter.request({ type: 'interrupt', userId: 'alice', replyId }),
      );
      expect(response.status).toBe(200);
      await bot.idle();
      expect(model.calls[0]?.aborted).toBe(true);
      expect(conversation()[0]).toMatchObject({
        finished: true,
        finishReason: 'interrupted',
        text: 'streaming along',
      });
      expect(logs.some((entry) => entry.event === 'interrupted' && entry.by === 'user')).toBe(true);
      // No error message for an interrupt.
      expect(conversation()).toHaveLength(1);
    });

    it('treats an interrupt for a reply that already finished as a no-op', async () => {
      const { send, bot, model, adapter, handler, conversation } = setup({
        scripts: [
          { steps: textSteps('done already', { delayMs: 1 }) },
          { steps: [...textSteps('second reply running', { delayMs: 3 }), { type: 'stall' }] },
        ],
      });
      await send('Q1');
      await bot.idle();
      const finishedId = conversation()[0]?.id as string;
      await send('Q2');
      await waitFor(() => conversation()[1]?.text === 'second reply running');
      await handler(adapter.request({ type: 'interrupt', userId: 'alice', replyId: finishedId }));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(model.calls[1]?.aborted).toBe(false);
      expect(conversation()[0]?.finishReason).toBe('complete');
      expect(conversation()[0]?.versions.at(-1)).toBe('done already');
      await bot.close();
    });
  });

  describe('model errors', () => {
    it('finishes the reply with reason error and posts the configured error message, detail only in logs', async () => {
      const secretDetail = 'upstream said: key sk-live-SECRET is invalid';
      const { send, bot, conversation, logs } = setup({
        errorMessage: 'The assistant is unavailable.',
        scripts: [
          {
            steps: [
              { type: 'text', text: 'Partial ' },
              {
                type: 'error',
                error: new APICallError({ message: secretDetail, provider: 'x', kind: 'server' }),
              },
            ],
          },
        ],
      });
      await send('Hi');
      await bot.idle();
      const [reply, error] = conversation();
      expect(reply).toMatchObject({ finished: true, finishReason: 'error', text: 'Partial ' });
      expect(error).toMatchObject({ kind: 'error', text: 'The assistant is unavailable.' });
      expect(conversation().some((message) => message.text.includes('SECRET'))).toBe(false);
      expect(logs.some((entry) => entry.event === 'model-error')).toBe(true);
    });

    it('posts only the error message when the model throws before any text', async () => {
      const { send, bot, conversation } = setup({
        scripts: [{ steps: [{ type: 'throw', error: new Error('connection refused') }] }],
      });
      await send('Hi');
      await bot.idle();
      expect(conversation()).toHaveLength(1);
      expect(conversation()[0]).toMatchObject({
        kind: 'error',
        text: 'Sorry, something went wrong. Please try again later.',
      });
    });

    it('reports a timeout raised by the model: text so far finished as error, then the error message', async () => {
      const timeout = new APICallError({
        message: 'x sent nothing for 60 ms',
        provider: 'x',
        kind: 'timeout',
        timeoutMs: 60,
        timeoutPhase: 'stall',
      });
      const { send, bot, model, conversation, logs } = setup({
        scripts: [
          {
            steps: [
              { type: 'text', text: 'thinking' },
              { type: 'error', error: timeout, delayMs: 30 },
            ],
          },
        ],
      });
      await send('Hi');
      await bot.idle();
      expect(model.calls).toHaveLength(1);
      expect(conversation()[0]).toMatchObject({ finishReason: 'error', text: 'thinking' });
      expect(conversation()[1]?.kind).toBe('error');
      const logged = logs.find((entry) => entry.event === 'model-error');
      expect(logged).toMatchObject({
        level: 'error',
        error: { name: 'APICallError', kind: 'timeout' },
      });
      expect(logged?.message).toContain('x sent nothing for 60 ms');
    });

    it('stops waiting for a model that ignores its abort signal when the user interrupts', async () => {
      const model = createScriptedModel({
        ignoreAbort: true,
        scripts: [
          {
            steps: [
              { type: 'text', text: 'hi' },
              { type: 'text', text: ' late', delayMs: 2000 },
            ],
          },
        ],
      });
      const { send, bot, conversation, handler, adapter } = setup({ model });
      const started = Date.now();
      await send('Hi');
      await waitFor(() => conversation()[0]?.id !== undefined);
      await handler(
        adapter.request({
          type: 'interrupt',
          userId: 'alice',
          replyId: conversation()[0]?.id as string,
        }),
      );
      await bot.idle();
      expect(Date.now() - started).toBeLessThan(1500);
      expect(conversation()[0]?.finishReason).toBe('interrupted');
    });

    it("never retries the model: a retryable failure is reported once (retries are the model's own)", async () => {
      const retryable = new APICallError({ message: 'overloaded', provider: 'x', kind: 'server' });
      const { send, bot, model, conversation } = setup({
        scripts: [
          { steps: [{ type: 'error', error: retryable }] },
          { steps: textSteps('never asked', { delayMs: 1 }) },
        ],
      });
      await send('Hi');
      await bot.idle();
      expect(model.calls).toHaveLength(1);
      expect(conversation()).toHaveLength(1);
      expect(conversation()[0]?.kind).toBe('error');
    });

    it('reports an empty answer as an error instead of staying silent', async () => {
      const { send, bot, conversation } = setup({ scripts: [{ steps: [] }] });
      await send('Hi');
      await bot.idle();
      expect(conversation()).toHaveLength(1);
      expect(conversation()[0]?.kind).toBe('error');
    });
  });

  describe('pacing', () => {
    it('never has two updates in flight, and updates at most once per minIntervalMs', async () => {
      const { send, bot, adapter, conversation } = setup({
        adapter: { latencyMs: 15, limits: { minUpdateIntervalMs: 40, callsPerSecond: 1000 } },
        scripts: [{ steps: textSteps('x'.repeat(200), { chunkSize: 1, delayMs: 1 }) }],
      });
      // Record when each platform call starts (landing times would add the platform's jitter).
      const callStartsMs: number[] = [];
      const openReply = adapter.openReply.bind(adapter);
      adapter.openReply = async (target, options) => {
        const sink = await openReply(target, options);
        return {
          get id() {
            return sink.id;
          },
          update: (text, updateOptions) => {
            callStartsMs.push(Date.now());
            return sink.update(text, updateOptions);
          },
          finish: (text, finishOptions) => {
            callStartsMs.push(Date.now());
            return sink.finish(text, finishOptions);
          },
        };
      };
      await send('Hi');
      await bot.idle();
      const reply = conversation()[0];
      expect(adapter.maxConcurrentCallsPerReply).toBe(1);
      expect(reply?.text).toBe('x'.repeat(200));
      for (let index = 1; index < callStartsMs.length; index += 1) {
        expect((callStartsMs[index] ?? 0) - (callStartsMs[index - 1] ?? 0)).toBeGreaterThanOrEqual(
          39,
        );
      }
      // Far fewer calls than the 200 tokens.
      expect(callStartsMs.length).toBe(reply?.versions.length);
      expect(callStartsMs.length).toBeLessThan(50);
    });

    it('sends no update for unchanged text (empty deltas, identical replaces)', async () => {
      const { send, bot, conversation } = setup({
        scripts: [
          {
            steps: [
              { type: 'text', text: 'same' },
              { type: 'text', text: '', delayMs: 30 },
              { type: 'replace', text: 'same', delayMs: 30 },
              { type: 'reasoning', text: 'hmm', delayMs: 30 },
            ],
          },
        ],
      });
      await send('Hi');
      await bot.idle();
      expect(conversation()[0]?.versions).toEqual(['same']);
    });

    it('shares one app-wide token bucket between all replies of an adapter', async () => {
      const { send, bot, adapter } = setup({
        adapter: { limits: { minUpdateIntervalMs: 0, callsPerSecond: 50, burst: 5 } },
        scripts: [{ steps: textSteps('abcdefghij', { chunkSize: 1, delayMs: 5 }) }],
      });
      const started = Date.now();
      await Promise.all(['u1', 'u2', 'u3', 'u4'].map((userId) => send('Hi', { userId })));
      await bot.idle();
      const elapsedS = (Date.now() - started) / 1000;
      // The bucket allowed at most burst + rate × elapsed calls in all.
      expect(adapter.callCount).toBeLessThanOrEqual(5 + Math.ceil(50 * elapsedS) + 1);
      expect(
        adapter.messages.every((message) => message.text === 'abcdefghij' && message.finished),
      ).toBe(true);
    });

    it('pauses intermediate updates on a rate-limit error and still delivers the final text', async () => {
      const { send, bot, adapter, conversation, logs } = setup({
        scripts: [{ steps: textSteps('rate limited but complete', { chunkSize: 2, delayMs: 15 }) }],
      });
      adapter.failNext('update', memoryRateLimitError(60), 3);
      await send('Hi');
      await bot.idle();
      expect(conversation()[0]).toMatchObject({
        text: 'rate limited but complete',
        finished: true,
      });
      expect(logs.filter((entry) => entry.event === 'update-paused').length).toBeGreaterThanOrEqual(
        2,
      );
      expect(conversation()).toHaveLength(1);
    });

    it('calls finish once and does not retry it (the adapter client owns retries): the user gets the error message', async () => {
      const { send, bot, adapter, conversation, logs } = setup({
        scripts: [{ steps: textSteps('almost there', { delayMs: 2 }) }],
      });
      adapter.failNext('finish', memoryRateLimitError(30), 1);
      await send('Hi');
      await bot.idle();
      expect(adapter.operationCounts.finish).toBe(1);
      expect(logs.find((entry) => entry.event === 'update-failed')).toMatchObject({
        final: true,
        level: 'error',
      });
      expect(conversation().at(-1)?.kind).toBe('error');
    });

    it('splits a reply that outgrows the size cap into follow-up messages', async () => {
      const long = `${'word '.repeat(30)}${'词'.repeat(40)}`;
      const { send, bot, conversation } = setup({
        adapter: { limits: { maxMessageBytes: 64, minUpdateIntervalMs: 5, callsPerSecond: 1000 } },
        scripts: [{ steps: textSteps(long, { chunkSize: 7, delayMs: 1 }) }],
      });
      await send('Hi');
      await bot.idle();
      const parts = conversation();
      expect(parts.length).toBeGreaterThan(2);
      expect(parts.map((part) => part.text).join('')).toBe(long);
      for (const part of parts) {
        expect(new TextEncoder().encode(part.text).length).toBeLessThanOrEqual(64);
        expect(part.finished).toBe(true);
      }
    });

    it('stops a reply at the size cap with a notice under the stop policy and aborts the model', async () => {
      const { send, bot, conversation, model } = setup({
        adapter: { limits: { maxMessageBytes: 40, minUpdateIntervalMs: 5, callsPerSecond: 1000 } },
        streaming: { overflow: 'stop', overflowNotice: ' [truncated]' },
        scripts: [
          {
            steps: [...textSteps('y'.repeat(100), { chunkSize: 5, delayMs: 1 }), { type: 'stall' }],
          },
        ],
      });
      await send('Hi');
      await bot.idle();
      const parts = conversation();
      expect(parts).toHaveLength(1);
      expect(parts[0]?.text.endsWith(' [truncated]')).toBe(true);
      expect(new TextEncoder().encode(parts[0]?.text).length).toBeLessThanOrEqual(40);
      expect(parts[0]?.finished).toBe(true);
      expect(model.calls[0]?.aborted).toBe(true);
    });
  });

  describe('webhook input', () => {
    it('passes the adapter rejection through and starts nothing', async () => {
      const { handler, adapter, bot, model } = setup();
      const response = await handler(adapter.request('{not json'));
      await bot.idle();
      expect(response.status).toBe(400);
      expect(model.calls).toHaveLength(0);
    });

    it('answers 500 without crashing when the adapter throws', async () => {
      const { bot } = setup();
      const broken = createMemoryAdapter();
      const handler = bot.webhook({
        ...broken,
        receive: async () => {
          throw new Error('adapter bug');
        },
      });
      const response = await handler(new Request('http://x/', { method: 'POST', body: '{}' }));
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain('adapter bug');
    });
  });

  it('close() interrupts running replies and refuses new webhooks', async () => {
    const model = createScriptedModel({
      scripts: [{ steps: [{ type: 'text', text: 'working' }, { type: 'stall' }] }],
    });
    const { send, bot, conversation } = setup({ model });
    await send('Hi');
    await waitFor(() => conversation()[0]?.text === 'working');
    await bot.close();
    expect(conversation()[0]?.finishReason).toBe('interrupted');
    expect((await send('again')).status).toBe(503);
  });
});
