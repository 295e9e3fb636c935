import { describe, expect, it } from 'vitest';
import type { ChatAdapter } from '../spec/chat-adapter.ts';
import type { ModelEvent } from '../spec/language-model.ts';
import { memoryState } from '../state/memory-state.ts';
import { createMemoryAdapter } from '../testing/memory-adapter.ts';
import { memoryLogger } from '../testing/memory-logger.ts';
import { createScriptedModel, type Script, textSteps } from '../testing/scripted-model.ts';
import { createBot } from './bot.ts';
import { commands, type MessageContext, type Middleware } from './middleware.ts';
import type { BotOptions } from './options.ts';

function setup(
  options: Partial<Omit<BotOptions, 'model'>> & {
    scripts?: Script[];
    callsPerSecond?: number;
  } = {},
) {
  const adapter = createMemoryAdapter({
    limits: {
      minUpdateIntervalMs: 10,
      callsPerSecond: options.callsPerSecond ?? 1000,
      ...(options.callsPerSecond !== undefined ? { burst: 1 } : {}),
    },
  });
  const model = createScriptedModel({
    scripts: options.scripts ?? [{ steps: textSteps('From the model.', { delayMs: 1 }) }],
  });
  const logger = memoryLogger();
  const state = memoryState();
  const bot = createBot({ ...options, model, state, logger });
  const handler = bot.webhook(adapter);
  let sequence = 0;
  const send = async (text: string, userId = 'alice'): Promise<void> => {
    sequence += 1;
    const response = await handler(
      adapter.request({ type: 'message', id: `m${sequence}`, userId, text }),
    );
    expect(response.status).toBe(200);
    await bot.idle();
  };
  const conversationId = adapter.conversationIdFor({ userId: 'alice' });
  const conversation = () => adapter.conversation(conversationId);
  const events = (name: string) => logger.entries.filter((entry) => entry.event === name);
  return { adapter, model, bot, send, conversation, conversationId, events, state };
}

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const part of parts) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    yield part;
  }
}

describe('message handlers', () => {
  it('a handler that replies itself short-circuits the model; the reply is kept in history', async () => {
    const seen: string[] = [];
    const { send, model, conversation } = setup({
      middleware: [
        async (ctx, next) => {
          seen.push(ctx.message.text);
          if (ctx.message.text === 'ping') {
            await ctx.reply('pong');
            return;
          }
          await next();
        },
      ],
    });
    await send('ping');
    expect(model.callCount).toBe(0);
    expect(conversation().map((message) => [message.kind, message.text, message.finished])).toEqual(
      [['reply', 'pong', true]],
    );
    await send('Hi');
    expect(seen).toEqual(['ping', 'Hi']);
    expect(model.callCount).toBe(1);
    // The handler's reply is history the model sees next turn.
    expect(model.calls[0]?.request.messages).toEqual([
      { role: 'user', content: 'ping' },
      { role: 'assistant', content: 'pong' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('runs handlers in order around the default answer (code after next() sees the reply done)', async () => {
    const order: string[] = [];
    const { send, bot, conversation } = setup({
      middleware: [
        async (_ctx, next) => {
          order.push('a:before');
          await next();
          order.push('a:after');
        },
      ],
    });
    bot.use(async (_ctx, next) => {
      order.push('b:before');
      await next();
      order.push(`b:after:${conversation()[0]?.finished}`);
    });
    await send('Hi');
    expect(order).toEqual(['a:before', 'b:before', 'b:after:true', 'a:after']);
    expect(conversation()[0]?.text).toBe('From the model.');
  });

  it('streams AsyncIterable<string> and model event streams through the same cumulative path', async () => {
    const { send, conversation } = setup({
      middleware: [
        async (ctx) => {
          await ctx.reply(chunks('one ', 'two ', 'three'));
          const events: ModelEvent[] = [
            { type: 'text-delta', text: 'model ' },
            { type: 'text-delta', text: 'stream' },
            { type: 'finish', reason: 'stop' },
          ];
          await ctx.reply(
            (async function* () {
              yield* events;
            })(),
          );
        },
      ],
    });
    await send('Hi');
    const [first, second] = conversation();
    expect(first?.text).toBe('one two three');
    expect(first?.finished).toBe(true);
    for (const version of first?.versions ?? [])
      expect('one two three'.startsWith(version)).toBe(true);
    expect(second?.text).toBe('model stream');
  });

  it('a model stream without finish is reported as truncated: error message, not a short answer', async () => {
    const { send, conversation, events } = setup({
      middleware: [
        (ctx) =>
          ctx.reply(
            (async function* (): AsyncGenerator<ModelEvent> {
              yield { type: 'text-delta', text: 'half an' };
            })(),
          ),
      ],
    });
    await send('Hi');
    expect(conversation().map((message) => message.kind)).toEqual(['reply', 'error']);
    expect(conversation()[0]?.finishReason).toBe('error');
    expect(events('model-error')).toHaveLength(1);
  });

  it('a handler that throws gets the error message, a turn-failed log and an onError hook; no text leaks', async () => {
    const errors: unknown[] = [];
    const { send, conversation, events } = setup({
      middleware: [
        () => {
          throw new Error('db password=hunter2 refused');
        },
      ],
      hooks: { onError: (info) => errors.push(info.phase) },
    });
    await send('Hi');
    const [message] = conversation();
    expect(message?.kind).toBe('error');
    expect(message?.text).not.toContain('hunter2');
    expect(events('turn-failed')).toHaveLength(1);
    expect(errors).toEqual(['handler']);
  });

  it('next() called twice is a handler error', async () => {
    const { send, conversation, model } = setup({
      middleware: [
        async (_ctx, next) => {
          await next();
          await next();
        },
      ],
    });
    await send('Hi');
    expect(model.callCount).toBe(1);
    expect(conversation().map((message) => message.kind)).toEqual(['reply', 'error']);
  });

  it('checks middleware at creation and in use()', () => {
    const model = createScriptedModel({ scripts: [{ steps: [] }] });
    expect(() =>
      createBot({ model, logger: false, middleware: ['nope'] as unknown as Middleware[] }),
    ).toThrow(/middleware\[0\] must be a function/);
    const bot = createBot({ model, logger: false });
    expect(() => bot.use(42 as unknown as Middleware)).toThrow(/use\[0\] must be a function/);
  });

  it('ctx.from(adapter) types the raw payload only for the adapter the message came through', async () => {
    const other = createMemoryAdapter({ platform: 'other' });
    const found: Array<[boolean, boolean]> = [];
    const { send, adapter } = setup({
      middleware: [
        async (ctx, next) => {
          found.push([ctx.from(adapter as ChatAdapter) === ctx, ctx.from(other) === undefined]);
          await next();
        },
      ],
    });
    await send('Hi');
    expect(found).toEqual([[true, true]]);
  });
});

describe('commands', () => {
  const help = (ctx: MessageContext, args: string) => ctx.reply(`help:${args || 'all'}`);

  it('answers a matching command (any case, with arguments) and lets other text reach the model', async () => {
    const { send, conversation, model } = setup({ middleware: [commands({ help })] });
    await send('/HELP   orders  ');
    await send('/unknown thing');
    await send('plain question');
    expect(conversation().map((message) => message.text)).toEqual([
      'help:orders',
      'From the model.',
      'From the model.',
    ]);
    expect(model.callCount).toBe(2);
  });

  it('does not match a longer word or a missing prefix; onUnknown answers unknown commands', async () => {
    const { send, conversation, model } = setup({
      middleware: [
        commands({ help }, { prefix: '!', onUnknown: (ctx, args) => ctx.reply(`unknown:${args}`) }),
      ],
    });
    await send('!helpme now');
    await send('help');
    await send('!help');
    expect(conversation().map((message) => message.text)).toEqual([
      'unknown:now',
      'From the model.',
      'help:all',
    ]);
    expect(model.callCount).toBe(1);
  });

  it('refuses a name with spaces or a missing handler', () => {
    expect(() => commands({ 'two words': help })).toThrow(TypeError);
    expect(() => commands({ x: 'y' as unknown as typeof help })).toThrow(TypeError);
  });
});

describe('posting and handoff', () => {
  it('ctx.post sends a plain message recorded in history', async () => {
    const { send, conversation, model } = setup({
      middleware: [
        async (ctx, next) => {
          await ctx.post('Looking that up…');
          await next();
        },
      ],
    });
    await send('Where is my order?');
    expect(conversation().map((message) => [message.kind, message.text])).toEqual([
      ['post', 'Looking that up…'],
      ['reply', 'From the model.'],
    ]);
    expect(model.calls[0]?.request.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Where is my order?',
    });
    await send('Thanks');
    expect(model.calls[1]?.request.messages).toEqual([
      { role: 'user', content: 'Where is my order?' },
      { role: 'assistant', content: 'Looking that up…' },
      { role: 'assistant', content: 'From the model.' },
      { role: 'user', content: 'Thanks' },
    ]);
  });

  it('bot.post sends proactively within the adapter rate budget and records history', async () => {
    const { bot, adapter, conversation, model, send, events } = setup({ callsPerSecond: 20 });
    const target = {
      conversationId: adapter.conversationIdFor({ userId: 'alice' }),
      type: 'direct' as const,
      userId: 'alice',
    };
    const results = await Promise.all(
      ['one', 'two', 'three', 'four'].map((text) => bot.post(adapter, target, text)),
    );
    expect(results.map((result) => typeof result.id)).toEqual(Array(4).fill('string'));
    const times = conversation().map((message) => message.versionTimesMs[0] as number);
    // 20 calls/s with a burst of 1: the four posts are spread over at least ~150 ms.
    expect((times.at(-1) as number) - (times[0] as number)).toBeGreaterThanOrEqual(140);
    expect(events('posted')).toHaveLength(4);
    await send('Hi');
    expect(model.calls[0]?.request.messages.slice(0, 4).map((message) => message.content)).toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
    const aborted = new AbortController();
    aborted.abort();
    await expect(bot.post(adapter, target, 'late', { signal: aborted.signal })).rejects.toThrow();
    await expect(bot.post(adapter, target, '')).rejects.toThrow(TypeError);
  });

  it('a handed-off conversation is not answered, keeps history, still runs handlers, and resumes', async () => {
    const { bot, adapter, conversationId, send, conversation, model, events } = setup({
      middleware: [
        commands({
          human: async (ctx) => {
            await ctx.handoff({ durationMs: 60_000 });
            await ctx.post('A colleague will answer you here.');
          },
          status: (ctx) => ctx.reply(ctx.handedOff ? 'with a human' : 'with the bot'),
        }),
      ],
    });
    await send('/human');
    await send('My parcel is late');
    await send('/status');
    expect(model.callCount).toBe(0);
    expect(events('handed-off')).toHaveLength(1);
    expect(conversation().map((message) => message.text)).toEqual([
      'A colleague will answer you here.',
      'with a human',
    ]);
    await bot.resume(adapter, conversationId);
    await send('Are you back?');
    expect(model.callCount).toBe(1);
    const contents = model.calls[0]?.request.messages.map((message) => message.content);
    expect(contents).toContain('My parcel is late');
    expect(contents?.at(-1)).toBe('Are you back?');
    await bot.handoff(adapter, conversationId, { durationMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await send('After expiry');
    expect(model.callCount).toBe(2);
    await expect(bot.handoff(adapter, conversationId, { durationMs: 0 })).rejects.toThrow(
      /durationMs/,
    );
  });
});

describe('the handler second argument', () => {
  it('takes a Next.js route context (ignored) or a Worker ExecutionContext (its waitUntil used)', async () => {
    const { adapter, bot, conversation } = setup();
    const handler = bot.webhook(adapter);
    // A Next.js App Router route handler is called with `{ params: Promise<...> }`.
    const nextContext = { params: Promise.resolve({ slug: ['tencent'] }) };
    expect(
      (
        await handler(
          adapter.request({ type: 'message', id: 'n1', userId: 'alice', text: 'Hi' }),
          nextContext,
        )
      ).status,
    ).toBe(200);
    await bot.idle();
    // A Worker's ExecutionContext is a class instance (no index signature) with waitUntil.
    class ExecutionContextLike {
      readonly handed: Promise<unknown>[] = [];
      waitUntil(promise: Promise<unknown>): void {
        this.handed.push(promise);
      }
      passThroughOnException(): void {}
    }
    const workerContext = new ExecutionContextLike();
    await handler(
      adapter.request({ type: 'message', id: 'n2', userId: 'alice', text: 'Again' }),
      workerContext,
    );
    expect(workerContext.handed).toHaveLength(1);
    await Promise.all(workerContext.handed);
    expect(conversation().filter((message) => message.finished)).toHaveLength(2);
  });

  it('hands background work to the waitUntil option (Next.js after) when the call gives none', async () => {
    const handed: Promise<unknown>[] = [];
    const { adapter, bot, conversation } = setup({ waitUntil: (promise) => handed.push(promise) });
    const handler = bot.webhook(adapter);
    await handler(adapter.request({ type: 'message', id: 'a1', userId: 'alice', text: 'Hi' }), {
      params: Promise.resolve({}),
    });
    expect(handed).toHaveLength(1);
    await Promise.all(handed);
    expect(conversation()[0]?.finished).toBe(true);
    const own: Promise<unknown>[] = [];
    await handler(adapter.request({ type: 'message', id: 'a2', userId: 'alice', text: 'Hi' }), {
      waitUntil: (promise) => own.push(promise),
    });
    expect([handed.length, own.length]).toEqual([1, 1]);
    await bot.idle();
    expect(() =>
      createBot({
        model: createScriptedModel({ scripts: [{ steps: [] }] }),
        waitUntil: 'after' as unknown as () => void,
      }),
    ).toThrow(/waitUntil must be a function/);
  });
});
