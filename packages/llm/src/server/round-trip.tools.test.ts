/**
 * Tool calls across the wire both ways: a `v2` model behind the endpoint handler on 127.0.0.1,
 * called by our OpenAI-compatible adapter (streaming) and by the official `openai` SDK
 * (non-streaming and streaming), and the tool contract run on the pair.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AbortedError,
  type LanguageModel,
  type ModelEvent,
  type ModelRequest,
  toNodeListener,
} from '@imbridge/core';
import { languageModelToolContract } from '@imbridge/core/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../__fixtures__/openai-compatible/fixtures.ts';
import { createOpenAICompatible } from '../openai-compatible/openai-compatible.ts';
import { createOpenAICompatibleHandler } from './openai-compatible-handler.ts';

const KEY = 'endpoint-key';
const ANSWER = 'It is clear and 21 °C in Paris.';
const TOOL = {
  name: 'get_weather',
  description: 'The weather in a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortedError({ message: 'aborted' }));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new AbortedError({ message: 'aborted' }));
      },
      { once: true },
    );
  });
}

/**
 * A `v2` backend: given a tool result it answers {@link ANSWER} (naming the result's tool call
 * id it saw); given tools it calls the first one in argument pieces; `slow` holds mid-call.
 */
function toolBackend(options: { slow?: boolean } = {}) {
  const requests: ModelRequest[] = [];
  const model: LanguageModel = {
    specificationVersion: 'v2',
    provider: 'tool-backend',
    modelId: 'backend',
    async *stream(request): AsyncIterable<ModelEvent> {
      requests.push(request);
      const last = request.messages.at(-1);
      if (last?.role === 'tool') {
        yield { type: 'text-delta', text: ANSWER.slice(0, 12) };
        yield { type: 'text-delta', text: ANSWER.slice(12) };
        yield { type: 'finish', reason: 'stop' };
        return;
      }
      const tool = request.tools?.[0];
      if (tool === undefined) {
        yield { type: 'text-delta', text: 'No tools.' };
        yield { type: 'finish', reason: 'stop' };
        return;
      }
      const input = '{"city":"Paris"}';
      const id = 'call_rt_1';
      yield { type: 'text-delta', text: 'Let me look. ' };
      yield {
        type: 'tool-call-delta',
        toolCallId: id,
        toolName: tool.name,
        inputDelta: input.slice(0, 8),
      };
      if (options.slow) await wait(5000, request.signal);
      yield {
        type: 'tool-call-delta',
        toolCallId: id,
        toolName: tool.name,
        inputDelta: input.slice(8),
      };
      yield { type: 'tool-call', toolCallId: id, toolName: tool.name, input };
      yield { type: 'finish', reason: 'tool-calls', usage: { inputTokens: 5, outputTokens: 7 } };
    },
  };
  return { model, requests };
}

async function endpoint(model: LanguageModel): Promise<string> {
  const handler = createOpenAICompatibleHandler({ model, apiKey: KEY, logger: false });
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

describe('tool calls across createOpenAICompatible ↔ createOpenAICompatibleHandler', () => {
  it('carries a streamed tool call to the client and the tool result back to the model', async () => {
    const backend = toolBackend();
    const client = createOpenAICompatible({
      baseUrl: await endpoint(backend.model),
      apiKey: KEY,
      model: 'backend',
    });
    const first = await collect(
      client.stream({
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [TOOL],
        toolChoice: 'auto',
      }),
    );
    expect(first.thrown).toBeUndefined();
    expect(first.text).toBe('Let me look. ');
    const call = first.events.find((event) => event.type === 'tool-call');
    expect(call).toEqual({
      type: 'tool-call',
      toolCallId: 'call_rt_1',
      toolName: 'get_weather',
      input: '{"city":"Paris"}',
    });
    let streamed = '';
    for (const event of first.events)
      if (event.type === 'tool-call-delta') streamed += event.inputDelta;
    expect(streamed).toBe('{"city":"Paris"}');
    expect(first.last).toEqual({ type: 'finish', reason: 'tool-calls' });
    // The tools reached the backend as they were given.
    expect(backend.requests[0]?.tools).toEqual([TOOL]);
    expect(backend.requests[0]?.toolChoice).toBe('auto');

    const second = await collect(
      client.stream({
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: 'Let me look. ',
            toolCalls: [{ id: 'call_rt_1', name: 'get_weather', input: '{"city":"Paris"}' }],
          },
          {
            role: 'tool',
            toolCallId: 'call_rt_1',
            toolName: 'get_weather',
            content: '{"temperatureC":21}',
          },
        ],
        tools: [TOOL],
      }),
    );
    expect(second.text).toBe(ANSWER);
    expect(second.last).toEqual({ type: 'finish', reason: 'stop' });
    expect(backend.requests[1]?.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: 'Let me look. ',
        toolCalls: [{ id: 'call_rt_1', name: 'get_weather', input: '{"city":"Paris"}' }],
      },
      {
        role: 'tool',
        toolCallId: 'call_rt_1',
        toolName: 'get_weather',
        content: '{"temperatureC":21}',
      },
    ]);
  });

  it('gives the official openai SDK message.tool_calls, non-streaming and streaming', async () => {
    const backend = toolBackend();
    const sdk = new OpenAI({ baseURL: await endpoint(backend.model), apiKey: KEY, maxRetries: 0 });
    const tools = [
      {
        type: 'function' as const,
        function: { name: TOOL.name, description: TOOL.description, parameters: TOOL.inputSchema },
      },
    ];
    const expected = [
      {
        id: 'call_rt_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
      },
    ];

    const completion = await sdk.chat.completions.create({
      model: 'backend',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls).toEqual(expected);

    const stream = sdk.chat.completions.stream({
      model: 'backend',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls).toMatchObject(expected);
    expect(final.choices[0]?.message.content).toBe('Let me look. ');

    const answer = await sdk.chat.completions.create({
      model: 'backend',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: expected as OpenAI.ChatCompletionMessageToolCall[],
        },
        { role: 'tool', tool_call_id: 'call_rt_1', content: '{"temperatureC":21}' },
      ],
      tools,
    });
    expect(answer.choices[0]?.message.content).toBe(ANSWER);
    expect(backend.requests.at(-1)?.messages.at(-1)).toEqual({
      role: 'tool',
      toolCallId: 'call_rt_1',
      toolName: 'get_weather',
      content: '{"temperatureC":21}',
    });
  });

  describe('the pair passes the tool contract', () => {
    for (const test of languageModelToolContract({
      expectedText: ANSWER,
      abortWithinMs: 300,
      createModel: async (scenario) =>
        createOpenAICompatible({
          baseUrl: await endpoint(toolBackend({ slow: scenario === 'tool-call-slow' }).model),
          apiKey: KEY,
          model: 'backend',
          retry: false,
        }),
    })) {
      it(test.name, test.run);
    }
  });
});
