import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../errors/errors.ts';
import type { ModelMessage } from '../spec/language-model.ts';
import { memoryState } from '../state/memory-state.ts';
import { createMemoryAdapter } from '../testing/memory-adapter.ts';
import { memoryLogger } from '../testing/memory-logger.ts';
import {
  createScriptedModel,
  type Script,
  type ScriptedModelOptions,
  textSteps,
} from '../testing/scripted-model.ts';
import { createBot } from './bot.ts';
import type { ReplyFinishedInfo, ToolCallInfo } from './hooks.ts';
import type { BotOptions } from './options.ts';
import { tool } from './tools.ts';

function setup(
  options: Partial<Omit<BotOptions, 'model'>> & {
    scripts: Script[] | ScriptedModelOptions['scripts'];
    version?: 'v1' | 'v2';
  },
) {
  const adapter = createMemoryAdapter({
    limits: { minUpdateIntervalMs: 10, callsPerSecond: 1000 },
  });
  const model = createScriptedModel({
    scripts: options.scripts,
    specificationVersion: options.version ?? 'v2',
  });
  const logger = memoryLogger();
  const bot = createBot({ ...options, model, state: memoryState(), logger });
  const handler = bot.webhook(adapter);
  let sequence = 0;
  const post = (text: string) => {
    sequence += 1;
    return handler(adapter.request({ type: 'message', id: `m${sequence}`, userId: 'alice', text }));
  };
  const send = async (text: string): Promise<void> => {
    await post(text);
    await bot.idle();
  };
  const conversation = () => adapter.conversation(adapter.conversationIdFor({ userId: 'alice' }));
  const events = (name: string) => logger.entries.filter((entry) => entry.event === name);
  return { adapter, model, bot, post, send, conversation, events };
}

const weatherCalls: unknown[] = [];
const getWeather = tool({
  description: 'The weather in a city',
  inputSchema: z.object({ city: z.string().min(1) }),
  execute: async ({ city }) => {
    weatherCalls.push(city);
    return { city, celsius: 21 };
  },
});

describe('tools', () => {
  it('runs a tool the model calls, feeds the result back, and streams both steps into one reply', async () => {
    weatherCalls.length = 0;
    const toolCalls: ToolCallInfo[] = [];
    const finished: ReplyFinishedInfo[] = [];
    const { send, model, conversation, events } = setup({
      tools: { getWeather },
      hooks: {
        onToolCall: (info) => toolCalls.push(info),
        onReplyFinished: (info) => finished.push(info),
      },
      scripts: [
        {
          steps: [
            { type: 'text', text: 'Let me check.' },
            { type: 'tool-call', toolName: 'getWeather', input: { city: 'Paris' } },
          ],
          usage: { inputTokens: 10, outputTokens: 5 },
        },
        { steps: textSteps('It is 21 °C in Paris.'), usage: { inputTokens: 20, outputTokens: 7 } },
      ],
    });
    await send('Weather in Paris?');
    expect(weatherCalls).toEqual(['Paris']);
    expect(model.callCount).toBe(2);
    const first = model.calls[0]?.request;
    expect(first?.tools).toEqual([
      {
        name: 'getWeather',
        description: 'The weather in a city',
        inputSchema: expect.objectContaining({
          type: 'object',
          properties: { city: { type: 'string', minLength: 1 } },
          required: ['city'],
        }),
      },
    ]);
    expect(first?.tools?.[0]?.inputSchema).not.toHaveProperty('$schema');
    expect(first?.toolChoice).toBe('auto');
    const second = model.calls[1]?.request.messages as ModelMessage[];
    expect(second.slice(-2)).toEqual([
      {
        role: 'assistant',
        content: 'Let me check.',
        toolCalls: [{ id: 'call_1', name: 'getWeather', input: '{"city":"Paris"}' }],
      },
      {
        role: 'tool',
        toolCallId: 'call_1',
        toolName: 'getWeather',
        content: '{"city":"Paris","celsius":21}',
      },
    ]);
    const [reply] = conversation();
    expect(reply?.text).toBe('Let me check.\n\nIt is 21 °C in Paris.');
    expect(reply?.finishReason).toBe('complete');
    expect(events('tool-called')).toHaveLength(1);
    expect(toolCalls.map((call) => [call.toolName, call.isError, call.output])).toEqual([
      ['getWeather', false, '{"city":"Paris","celsius":21}'],
    ]);
    // Usage is summed over the steps.
    expect(finished[0]?.usage).toEqual({
      inputTokens: 30,
      outputTokens: 12,
      totalTokens: undefined,
    });
  });

  it('tells the model about invalid arguments (zod issues) without running the tool', async () => {
    weatherCalls.length = 0;
    const { send, model, events } = setup({
      tools: { getWeather },
      scripts: [
        { steps: [{ type: 'tool-call', toolName: 'getWeather', input: { city: '' } }] },
        { steps: [{ type: 'tool-call', toolName: 'getWeather', input: '{not json' }] },
        { steps: [{ type: 'tool-call', toolName: 'nope', input: {} }] },
        { steps: textSteps('Sorry.') },
      ],
    });
    await send('Weather?');
    expect(weatherCalls).toEqual([]);
    const toolMessages = (model.calls[3]?.request.messages ?? []).filter(
      (message) => message.role === 'tool',
    );
    expect(toolMessages.map((message) => [message.content.slice(0, 18), message.isError])).toEqual([
      ['Invalid arguments:', true],
      ['The arguments are ', true],
      ['Unknown tool: nope', true],
    ]);
    expect(events('tool-failed')).toHaveLength(3);
  });

  it('a tool that throws: the model hears only that it failed; logged and hooked as a tool error', async () => {
    const phases: string[] = [];
    const { send, model, events, conversation } = setup({
      tools: {
        lookUp: tool({
          inputSchema: { type: 'object', properties: {} },
          execute: () => {
            throw new Error('connect ECONNREFUSED postgres://admin:s3cret@db');
          },
        }),
      },
      hooks: { onError: (info) => phases.push(info.phase) },
      scripts: [
        { steps: [{ type: 'tool-call', toolName: 'lookUp', input: '' }] },
        { steps: textSteps('I could not look that up.') },
      ],
    });
    await send('Order 42?');
    const toolMessage = model.calls[1]?.request.messages.at(-1);
    expect(toolMessage).toEqual({
      role: 'tool',
      toolCallId: 'call_1',
      toolName: 'lookUp',
      content: 'The tool failed.',
      isError: true,
    });
    expect(JSON.stringify(model.calls[1]?.request)).not.toContain('s3cret');
    expect(events('tool-failed')[0]).toMatchObject({ toolName: 'lookUp', level: 'warn' });
    expect(phases).toEqual(['tool']);
    expect(conversation()[0]?.text).toBe('I could not look that up.');
  });

  it('stops after maxSteps: the last call may not use tools', async () => {
    const { send, model, conversation } = setup({
      tools: { getWeather },
      maxSteps: 3,
      scripts: () => ({
        steps: [
          { type: 'text', text: 'x' },
          { type: 'tool-call', toolName: 'getWeather', input: { city: 'Rome' } },
        ],
      }),
    });
    await send('Loop forever');
    expect(model.callCount).toBe(3);
    expect(model.calls.map((call) => call.request.toolChoice)).toEqual(['auto', 'auto', 'none']);
    expect(conversation()[0]?.text).toBe('x\n\nx\n\nx');
  });

  it('an interrupt aborts a running tool through its signal', async () => {
    let toolSignal: AbortSignal | undefined;
    const { post, bot, adapter, model, conversation } = setup({
      tools: {
        slow: tool({
          inputSchema: { type: 'object' },
          execute: (_input, { signal }) => {
            toolSignal = signal;
            return new Promise((_resolve, reject) => {
              signal.addEventListener('abort', () => reject(signal.reason), { once: true });
            });
          },
        }),
      },
      scripts: [
        {
          steps: [
            { type: 'text', text: 'Working on it' },
            { type: 'tool-call', toolName: 'slow', input: {} },
          ],
        },
      ],
    });
    await post('Do the slow thing');
    for (let attempt = 0; attempt < 500 && toolSignal === undefined; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(toolSignal?.aborted).toBe(false);
    await bot.webhook(adapter)(adapter.request({ type: 'interrupt', userId: 'alice' }));
    await bot.idle();
    expect(toolSignal?.aborted).toBe(true);
    expect(model.callCount).toBe(1);
    expect(conversation()[0]).toMatchObject({ text: 'Working on it', finishReason: 'interrupted' });
  });

  it('refuses tools with a v1 model, a bad tool name, or a schema that cannot describe itself', () => {
    const v1 = createScriptedModel({ scripts: [{ steps: [] }], specificationVersion: 'v1' });
    const v2 = createScriptedModel({ scripts: [{ steps: [] }] });
    expect(() => createBot({ model: v1, logger: false, tools: { getWeather } })).toThrow(
      ValidationError,
    );
    expect(() =>
      createBot({ model: v2, logger: false, tools: { 'bad name': getWeather } }),
    ).toThrow(/tool name/);
    const opaque = { '~standard': { vendor: 'x', version: 1, validate: () => ({ value: {} }) } };
    expect(() =>
      createBot({
        model: v2,
        logger: false,
        tools: { t: tool({ inputSchema: opaque, execute: () => 'ok' }) },
      }),
    ).toThrow(/cannot describe itself/);
  });

  it('sends no tools to a v1 model used through answer({ model })', async () => {
    const v1 = createScriptedModel({
      scripts: [{ steps: textSteps('plain') }],
      specificationVersion: 'v1',
    });
    const { send, model, conversation } = setup({
      tools: { getWeather },
      middleware: [(ctx) => ctx.answer({ model: v1, instructions: 'Be plain.' })],
      scripts: [{ steps: textSteps('unused') }],
    });
    await send('Hi');
    expect(model.callCount).toBe(0);
    expect(v1.calls[0]?.request.tools).toBeUndefined();
    expect(v1.calls[0]?.request.instructions).toBe('Be plain.');
    expect(conversation()[0]?.text).toBe('plain');
  });
});

describe('end user id', () => {
  it('hash sends a stable pseudonym; drop sends none; send is the platform id', async () => {
    const users: Array<[string | undefined, string | undefined]> = [];
    for (const endUserId of ['hash', 'drop', 'send'] as const) {
      const { send, model } = setup({ endUserId, scripts: [{ steps: textSteps('ok') }] });
      await send('one');
      await send('two');
      for (const call of model.calls) {
        users.push([call.request.user, call.request.metadata?.['userId']]);
      }
    }
    const [hashed, hashedAgain, dropped, , sent] = users;
    expect(hashed?.[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(hashed?.[1]).toBe(hashed?.[0]);
    expect(hashedAgain?.[0]).toBe(hashed?.[0]);
    expect(dropped).toEqual([undefined, undefined]);
    expect(sent).toEqual(['alice', 'alice']);
  });

  it('the pseudonym depends on the salt', async () => {
    const a = setup({
      endUserId: 'hash',
      endUserIdSalt: 'salt-a',
      scripts: [{ steps: textSteps('ok') }],
    });
    const b = setup({
      endUserId: 'hash',
      endUserIdSalt: 'salt-b',
      scripts: [{ steps: textSteps('ok') }],
    });
    await a.send('Hi');
    await b.send('Hi');
    expect(a.model.calls[0]?.request.user).not.toBe(b.model.calls[0]?.request.user);
  });
});

describe('lifecycle hooks', () => {
  it('reports start and finish with text, reason, updates and time to first token; a throwing hook is logged only', async () => {
    const seen: string[] = [];
    const { send, events, conversation } = setup({
      hooks: {
        onReplyStarted: (info) => {
          seen.push(`started:${info.message.text}`);
          throw new Error('metrics down');
        },
        onReplyFinished: async (info) => {
          seen.push(`finished:${info.reason}:${info.text}:${info.updateCount > 0}`);
          expect(info.timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
          throw new Error('metrics still down');
        },
      },
      scripts: [{ steps: textSteps('Fine, thanks.') }],
    });
    await send('How are you?');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(seen).toEqual(['started:How are you?', 'finished:complete:Fine, thanks.:true']);
    expect(
      events('hook-failed').map((entry) => (entry.event === 'hook-failed' ? entry.hook : '')),
    ).toEqual(['onReplyStarted', 'onReplyFinished']);
    expect(conversation()[0]?.finishReason).toBe('complete');
  });

  it('reports a model failure to onError with phase model', async () => {
    const errors: unknown[] = [];
    const { send } = setup({
      hooks: { onError: (info) => errors.push([info.phase, (info.error as Error).message]) },
      scripts: [{ steps: [{ type: 'error', error: new Error('boom') }] }],
    });
    await send('Hi');
    expect(errors).toEqual([['model', 'boom']]);
  });
});
