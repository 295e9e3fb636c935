/**
 * The bot runtime's tool loop end to end: `createBot` with a tool, the OpenAI-compatible
 * adapter over real HTTP to a scripted loopback server, and the in-memory chat adapter. The
 * server sees the tools, then the tool result; the user sees one reply.
 */
import { createBot, memoryState, tool } from '@imbridge/core';
import { createMemoryAdapter, memoryLogger } from '@imbridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatServer, serveChat, toolCallSteps } from '../__fixtures__/chat-server.ts';
import { createOpenAICompatible } from './openai-compatible.ts';

let server: ChatServer;
let toolStarted: (() => void) | undefined;

beforeAll(async () => {
  server = await serveChat('openai', (request) => {
    const messages = request.body['messages'] as Array<{ role: string; content: unknown }>;
    const last = messages.at(-1);
    if (request.route === 'stop' && last?.role !== 'tool') {
      return {
        steps: toolCallSteps({ id: 'call_1', name: 'slowLookUp', arguments: '{"q":"x"}' }),
        finishReason: 'tool_calls',
      };
    }
    if (last?.role === 'tool') {
      return { steps: [{ text: `The order is ${JSON.parse(String(last.content)).status}.` }] };
    }
    return {
      steps: [
        { text: 'Checking.' },
        ...toolCallSteps({ id: 'call_7', name: 'lookUpOrder', arguments: '{"orderId":"1001"}' }),
      ],
      finishReason: 'tool_calls',
    };
  });
});
afterAll(() => server.close());

function setup(route: string, tools: Parameters<typeof createBot>[0]['tools']) {
  const adapter = createMemoryAdapter({ limits: { minUpdateIntervalMs: 5, callsPerSecond: 1000 } });
  const model = createOpenAICompatible({
    baseUrl: server.baseUrl(route),
    apiKey: 'sk-local',
    model: 'local-model',
    retry: false,
  });
  const logger = memoryLogger();
  const bot = createBot({ model, tools, state: memoryState(), logger });
  const handler = bot.webhook(adapter);
  const conversation = () => adapter.conversation(adapter.conversationIdFor({ userId: 'alice' }));
  return { adapter, bot, handler, conversation, logger };
}

describe('bot tools over a real OpenAI-compatible call', () => {
  it('sends the schema, runs the tool, sends the result back and streams one reply', async () => {
    const looked: string[] = [];
    const { adapter, bot, handler, conversation } = setup('order', {
      lookUpOrder: tool({
        description: 'Looks up an order',
        inputSchema: {
          type: 'object',
          properties: { orderId: { type: 'string' } },
          required: ['orderId'],
        },
        execute: (input: { orderId: string }) => {
          const { orderId } = input;
          looked.push(orderId);
          return { orderId, status: 'shipped' };
        },
      }),
    });
    const start = server.requests.length;
    await handler(adapter.request({ type: 'message', id: 'm1', userId: 'alice', text: 'Order?' }));
    await bot.idle();
    expect(looked).toEqual(['1001']);
    const [first, second] = server.requests.slice(start).map((request) => request.body);
    expect(first?.['tools']).toEqual([
      {
        type: 'function',
        function: {
          name: 'lookUpOrder',
          description: 'Looks up an order',
          parameters: expect.objectContaining({ type: 'object', required: ['orderId'] }),
        },
      },
    ]);
    expect(((second?.['messages'] ?? []) as unknown[]).slice(-2)).toEqual([
      expect.objectContaining({
        role: 'assistant',
        tool_calls: [
          {
            id: 'call_7',
            type: 'function',
            function: { name: 'lookUpOrder', arguments: '{"orderId":"1001"}' },
          },
        ],
      }),
      { role: 'tool', tool_call_id: 'call_7', content: '{"orderId":"1001","status":"shipped"}' },
    ]);
    expect(conversation().map((message) => [message.text, message.finishReason])).toEqual([
      ['Checking.\n\nThe order is shipped.', 'complete'],
    ]);
  });

  it('a stop from the user aborts the running tool and no second model call is made', async () => {
    let signalSeen: AbortSignal | undefined;
    const { adapter, bot, handler, conversation } = setup('stop', {
      slowLookUp: tool({
        inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
        execute: (_input, { signal }) => {
          signalSeen = signal;
          toolStarted?.();
          return new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
          );
        },
      }),
    });
    const started = new Promise<void>((resolve) => {
      toolStarted = resolve;
    });
    const before = server.requests.length;
    await handler(adapter.request({ type: 'message', id: 's1', userId: 'alice', text: 'Go' }));
    await started;
    await handler(adapter.request({ type: 'interrupt', userId: 'alice' }));
    await bot.idle();
    expect(signalSeen?.aborted).toBe(true);
    expect(server.requests.length - before).toBe(1);
    // Nothing was shown before the stop, so no reply message was opened.
    expect(conversation().filter((message) => message.kind === 'reply')).toHaveLength(0);
  });
});
