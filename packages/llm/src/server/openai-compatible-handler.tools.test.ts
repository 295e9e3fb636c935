/**
 * The endpoint's tool calling over real HTTP: tool fields into the model request, tool calls out
 * as OpenAI `tool_calls` (streamed and not), a `v1` model refusing tools, and malformed tool
 * fields refused with a 400 that names them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type LanguageModel,
  type ModelEvent,
  type ModelRequest,
  toNodeListener,
} from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAICompatibleHandler } from './openai-compatible-handler.ts';

const KEY = 'endpoint-key';
const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

let server: Server | undefined;
afterEach(async () => {
  const running = server;
  server = undefined;
  if (running === undefined) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/** A model that records its requests and plays `events`. */
function recordingModel(events: ModelEvent[], version: 'v1' | 'v2' = 'v2') {
  const requests: ModelRequest[] = [];
  const model: LanguageModel = {
    specificationVersion: version,
    provider: 'recording',
    modelId: 'recording-1',
    async *stream(request) {
      requests.push(request);
      for (const event of events) yield event;
    },
  };
  return { model, requests };
}

async function serve(model: LanguageModel) {
  const handler = createOpenAICompatibleHandler({ model, apiKey: KEY, logger: false });
  const created = createServer(toNodeListener(handler));
  server = created;
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(created.address() as AddressInfo).port}/v1/chat/completions`;
}

function post(url: string, body: unknown) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
  });
}

/** The parts of an answer or chunk the tests read. */
interface WireAnswer {
  choices: Array<{
    delta?: { tool_calls?: unknown };
    message?: unknown;
    finish_reason?: string | null;
  }>;
  error?: unknown;
}

/** The JSON of each `data:` event but `[DONE]`, and whether `[DONE]` came. */
async function chunksOf(response: Response) {
  const blocks = (await response.text())
    .split('\n\n')
    .filter((block) => block.startsWith('data: '));
  const data = blocks.map((block) => block.slice(6));
  return {
    chunks: data.filter((item) => item !== '[DONE]').map((item) => JSON.parse(item) as WireAnswer),
    done: data.at(-1) === '[DONE]',
  };
}

const CALL_EVENTS: ModelEvent[] = [
  { type: 'text-delta', text: 'Checking.' },
  {
    type: 'tool-call-delta',
    toolCallId: 'call_1',
    toolName: 'get_weather',
    inputDelta: '{"city":',
  },
  {
    type: 'tool-call-delta',
    toolCallId: 'call_1',
    toolName: 'get_weather',
    inputDelta: '"Paris"}',
  },
  { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: '{"city":"Paris"}' },
  { type: 'tool-call', toolCallId: 'call_2', toolName: 'get_time', input: '{}' },
  { type: 'finish', reason: 'tool-calls' },
];

const ASK = {
  model: 'x',
  messages: [{ role: 'user', content: 'Weather?' }],
  tools: [WEATHER_TOOL],
};

describe('createOpenAICompatibleHandler tools', () => {
  describe('into the model request', () => {
    it('passes tools, tool_choice, assistant tool_calls and tool results (named from their call)', async () => {
      const { model, requests } = recordingModel([
        { type: 'text-delta', text: 'ok' },
        { type: 'finish', reason: 'stop' },
      ]);
      const url = await serve(model);
      const response = await post(url, {
        model: 'x',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'c1',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: '{"c":21}' },
        ],
        tools: [WEATHER_TOOL],
        tool_choice: 'auto',
      });
      expect(response.status).toBe(200);
      expect(requests[0]).toMatchObject({
        instructions: 'Be brief.',
        tools: [
          {
            name: 'get_weather',
            description: 'The weather in a city',
            inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
          },
        ],
        toolChoice: 'auto',
        messages: [
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'c1', name: 'get_weather', input: '{"city":"Paris"}' }],
          },
          { role: 'tool', toolCallId: 'c1', toolName: 'get_weather', content: '{"c":21}' },
        ],
      });
    });

    it('turns a tool_choice naming one function into that tool alone, required', async () => {
      const { model, requests } = recordingModel([{ type: 'finish', reason: 'stop' }]);
      const url = await serve(model);
      const other = { type: 'function', function: { name: 'get_time' } };
      await post(url, {
        ...ASK,
        tools: [WEATHER_TOOL, other],
        tool_choice: { type: 'function', function: { name: 'get_time' } },
      });
      expect(requests[0]?.tools).toEqual([
        { name: 'get_time', inputSchema: { type: 'object', properties: {} } },
      ]);
      expect(requests[0]?.toolChoice).toBe('required');
    });
  });

  describe('out as OpenAI tool_calls', () => {
    it('streams an index per call, id, type and name on its first piece, then argument pieces', async () => {
      const url = await serve(recordingModel(CALL_EVENTS).model);
      const { chunks, done } = await chunksOf(await post(url, { ...ASK, stream: true }));
      expect(done).toBe(true);
      const toolDeltas = chunks
        .map((chunk) => chunk.choices[0]?.delta?.tool_calls)
        .filter((calls) => calls !== undefined);
      expect(toolDeltas).toEqual([
        [
          {
            index: 0,
            id: 'call_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":' },
          },
        ],
        [{ index: 0, function: { arguments: '"Paris"}' } }],
        [
          {
            index: 1,
            id: 'call_2',
            type: 'function',
            function: { name: 'get_time', arguments: '{}' },
          },
        ],
      ]);
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
    });

    it('answers a non-streaming request with message.tool_calls and content null', async () => {
      const url = await serve(
        recordingModel([CALL_EVENTS[3] as ModelEvent, { type: 'finish', reason: 'tool-calls' }])
          .model,
      );
      const body = (await (await post(url, ASK)).json()) as WireAnswer;
      expect(body.choices[0]).toEqual({
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        finish_reason: 'tool_calls',
      });
    });

    it('fails the stream (no [DONE]) when a call contradicts its streamed pieces', async () => {
      const url = await serve(
        recordingModel([
          { type: 'tool-call-delta', toolCallId: 'c', toolName: 'f', inputDelta: '{"a"' },
          { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: '{"b":1}' },
          { type: 'finish', reason: 'tool-calls' },
        ]).model,
      );
      const { chunks, done } = await chunksOf(await post(url, { ...ASK, stream: true }));
      expect(done).toBe(false);
      expect(chunks.at(-1)?.error).toMatchObject({ code: 'server' });
    });
  });

  describe('a v1 model', () => {
    it('refuses tools with a 400 tools_not_supported and never calls the model', async () => {
      const { model, requests } = recordingModel([{ type: 'finish', reason: 'stop' }], 'v1');
      const response = await post(await serve(model), ASK);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          message: expect.stringContaining('tools are not supported'),
          type: 'invalid_request_error',
          code: 'tools_not_supported',
          param: 'tools',
        },
      });
      expect(requests).toHaveLength(0);
    });

    it('gets a tool history without tool messages or tool calls', async () => {
      const { model, requests } = recordingModel(
        [
          { type: 'text-delta', text: 'ok' },
          { type: 'finish', reason: 'stop' },
        ],
        'v1',
      );
      const response = await post(await serve(model), {
        model: 'x',
        messages: [
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
          { role: 'user', content: 'Thanks' },
        ],
      });
      expect(response.status).toBe(200);
      expect(requests[0]?.messages).toEqual([
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Thanks' },
      ]);
      expect(requests[0]?.tools).toBeUndefined();
    });
  });

  describe('malformed tool fields', () => {
    const toolCallMessage = (call: unknown) => ({
      model: 'x',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: '', tool_calls: [call] },
      ],
    });
    const cases: Array<[string, unknown, string]> = [
      ['tools is not an array', { ...ASK, tools: { a: 1 } }, 'tools'],
      [
        'a tool is not a function tool',
        { ...ASK, tools: [{ type: 'retrieval' }] },
        'tools[0].type',
      ],
      ['a tool has no function', { ...ASK, tools: [{ type: 'function' }] }, 'tools[0].function'],
      [
        'a name has spaces',
        { ...ASK, tools: [{ type: 'function', function: { name: 'get weather' } }] },
        'tools[0].function.name',
      ],
      [
        'a name is too long',
        { ...ASK, tools: [{ type: 'function', function: { name: 'x'.repeat(65) } }] },
        'tools[0].function.name',
      ],
      ['a name repeats', { ...ASK, tools: [WEATHER_TOOL, WEATHER_TOOL] }, 'tools[1].function.name'],
      [
        'parameters is not an object',
        { ...ASK, tools: [{ type: 'function', function: { name: 'f', parameters: 'x' } }] },
        'tools[0].function.parameters',
      ],
      [
        'description is not a string',
        { ...ASK, tools: [{ type: 'function', function: { name: 'f', description: 3 } }] },
        'tools[0].function.description',
      ],
      ['tool_choice is unknown', { ...ASK, tool_choice: 'always' }, 'tool_choice'],
      [
        'tool_choice names no offered tool',
        { ...ASK, tool_choice: { type: 'function', function: { name: 'nope' } } },
        'tool_choice.function.name',
      ],
      ['functions (deprecated) is sent', { ...ASK, functions: [{ name: 'f' }] }, 'functions'],
      [
        'tool_calls is not an array',
        {
          model: 'x',
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'assistant', content: '', tool_calls: 'x' },
          ],
        },
        'messages[1].tool_calls',
      ],
      [
        'a tool call has no id',
        toolCallMessage({ type: 'function', function: { name: 'f', arguments: '{}' } }),
        'messages[1].tool_calls[0].id',
      ],
      [
        'a tool call has object arguments',
        toolCallMessage({ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }),
        'messages[1].tool_calls[0].function.arguments',
      ],
      [
        'a tool message answers no call',
        {
          model: 'x',
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'tool', tool_call_id: 'zz', content: 'r' },
          ],
        },
        'messages[1].tool_call_id',
      ],
      [
        'a tool message has no tool_call_id',
        {
          model: 'x',
          messages: [
            { role: 'user', content: 'Hi' },
            { role: 'tool', content: 'r' },
          ],
        },
        'messages[1].tool_call_id',
      ],
    ];
    for (const [what, body, param] of cases) {
      it(`answers 400 naming ${param} when ${what}`, async () => {
        const { model, requests } = recordingModel([{ type: 'finish', reason: 'stop' }]);
        const response = await post(await serve(model), body);
        expect(response.status).toBe(400);
        const error = ((await response.json()) as { error: Record<string, unknown> }).error;
        expect(error).toMatchObject({ type: 'invalid_request_error', param });
        expect(String(error.message)).toContain(param);
        expect(requests).toHaveLength(0);
      });
    }
  });
});
