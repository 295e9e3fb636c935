/**
 * Tool calling over a real loopback server: the request fields, streamed `delta.tool_calls`
 * (late names, parallel calls, a cut-off call) and the `languageModelToolContract`.
 */
import type { ModelRequest } from '@imbridge/core';
import {
  languageModelToolContract,
  TOOL_CONTRACT_CALL_ID,
  TOOL_CONTRACT_TOOL,
} from '@imbridge/core/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ChatAnswer,
  type ChatRequest,
  type ChatServer,
  serveChat,
  toolCallSteps,
} from '../__fixtures__/chat-server.ts';
import { collect } from '../__fixtures__/openai-compatible/fixtures.ts';
import { createOpenAICompatible } from './openai-compatible.ts';

const WEATHER = { id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' };
const ANSWER = 'Clear sky, 21 °C in Paris.';
const TOOLS: ModelRequest['tools'] = [
  {
    name: 'get_weather',
    description: 'The weather in a city',
    inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
  },
];

let server: ChatServer;
const answers = new Map<string, (request: ChatRequest) => ChatAnswer>();

beforeAll(async () => {
  server = await serveChat('openai', (request) => {
    const answer = answers.get(request.route);
    return answer === undefined ? { steps: [{ text: 'no script' }] } : answer(request);
  });
});
afterAll(() => server.close());
beforeEach(() => {
  answers.clear();
  server.requests.length = 0;
});

function model(route: string) {
  return createOpenAICompatible({
    baseUrl: server.baseUrl(route),
    apiKey: 'sk-tools',
    model: 'local-model',
    retry: false,
  });
}

function deltasOf(events: ReadonlyArray<{ type: string }>, id: string): string {
  let text = '';
  for (const event of events) {
    const delta = event as { type: string; toolCallId?: string; inputDelta?: string };
    if (delta.type === 'tool-call-delta' && delta.toolCallId === id) text += delta.inputDelta;
  }
  return text;
}

describe('createOpenAICompatible tools (loopback)', () => {
  describe('request body', () => {
    it('sends tools, tool_choice, assistant tool_calls (content null) and tool messages', async () => {
      answers.set('body', () => ({ steps: [{ text: 'ok' }] }));
      await collect(
        model('body').stream({
          instructions: 'Be brief.',
          messages: [
            { role: 'user', content: 'Weather in Paris?' },
            {
              role: 'assistant',
              content: '',
              toolCalls: [{ id: 'c1', name: 'get_weather', input: '{"city":"Paris"}' }],
            },
            { role: 'tool', toolCallId: 'c1', toolName: 'get_weather', content: '{"c":21}' },
          ],
          tools: TOOLS,
          toolChoice: 'required',
        }),
      );
      const body = server.requests[0]?.body;
      expect(body?.tools).toEqual([
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'The weather in a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ]);
      expect(body?.tool_choice).toBe('required');
      expect(body?.messages).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
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
      ]);
    });

    it('sends the same body as before when the request has no tools', async () => {
      answers.set('plain', () => ({ steps: [{ text: 'ok' }] }));
      await collect(
        model('plain').stream({ messages: [{ role: 'user', content: 'Hi' }], toolChoice: 'auto' }),
      );
      expect(server.requests[0]?.body).toEqual({
        model: 'local-model',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      });
    });
  });

  describe('streamed tool calls', () => {
    it('streams argument pieces as tool-call-delta, then one tool-call and finish tool-calls', async () => {
      answers.set('call', () => ({
        steps: [{ text: 'Let me check. ' }, ...toolCallSteps(WEATHER, { pieces: 4, delayMs: 2 })],
        finishReason: 'tool_calls',
      }));
      const result = await collect(
        model('call').stream({ messages: [{ role: 'user', content: 'Weather?' }], tools: TOOLS }),
      );
      expect(result.text).toBe('Let me check. ');
      const types = result.events.map((event) => event.type);
      expect(types.filter((type) => type === 'tool-call-delta').length).toBeGreaterThan(1);
      expect(types.slice(-2)).toEqual(['tool-call', 'finish']);
      expect(result.events.at(-2)).toEqual({
        type: 'tool-call',
        toolCallId: 'call_w1',
        toolName: 'get_weather',
        input: '{"city":"Paris"}',
      });
      expect(deltasOf(result.events, 'call_w1')).toBe('{"city":"Paris"}');
      expect(result.last).toEqual({ type: 'finish', reason: 'tool-calls' });
    });

    it('waits for a function name sent after the first piece', async () => {
      answers.set('late', () => ({
        steps: toolCallSteps(WEATHER, { nameLate: true }),
        finishReason: 'tool_calls',
      }));
      const result = await collect(
        model('late').stream({ messages: [{ role: 'user', content: 'W?' }], tools: TOOLS }),
      );
      const deltas = result.events.filter((event) => event.type === 'tool-call-delta');
      expect(
        deltas.every(
          (event) => event.type === 'tool-call-delta' && event.toolName === 'get_weather',
        ),
      ).toBe(true);
      expect(result.events.filter((event) => event.type === 'tool-call')).toHaveLength(1);
    });

    it('assembles two interleaved calls in order', async () => {
      const second = { id: 'call_t2', name: 'get_time', arguments: '{"tz":"CET"}' };
      answers.set('two', () => ({
        steps: [
          {
            toolCalls: [
              {
                index: 0,
                id: WEATHER.id,
                type: 'function',
                function: { name: WEATHER.name, arguments: '{"city":' },
              },
            ],
          },
          {
            toolCalls: [
              {
                index: 1,
                id: second.id,
                type: 'function',
                function: { name: second.name, arguments: '{"tz":' },
              },
            ],
          },
          { toolCalls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
          { toolCalls: [{ index: 1, function: { arguments: '"CET"}' } }] },
        ],
        finishReason: 'tool_calls',
      }));
      const result = await collect(
        model('two').stream({ messages: [{ role: 'user', content: 'W?' }], tools: TOOLS }),
      );
      const calls = result.events.filter((event) => event.type === 'tool-call');
      expect(
        calls.map((event) => event.type === 'tool-call' && [event.toolCallId, event.input]),
      ).toEqual([
        ['call_w1', '{"city":"Paris"}'],
        ['call_t2', '{"tz":"CET"}'],
      ]);
      expect(deltasOf(result.events, 'call_t2')).toBe('{"tz":"CET"}');
    });

    it('finishes with tool-calls when the server called a tool but said stop', async () => {
      answers.set('stop', () => ({ steps: toolCallSteps(WEATHER), finishReason: 'stop' }));
      const result = await collect(
        model('stop').stream({ messages: [{ role: 'user', content: 'W?' }], tools: TOOLS }),
      );
      expect(result.last).toEqual({ type: 'finish', reason: 'tool-calls' });
    });

    it('never completes a call whose stream was cut off: an error follows its pieces', async () => {
      answers.set('cut', () => ({ steps: [...toolCallSteps(WEATHER).slice(0, 2), { cut: true }] }));
      const result = await collect(
        model('cut').stream({ messages: [{ role: 'user', content: 'W?' }], tools: TOOLS }),
      );
      expect(result.events.some((event) => event.type === 'tool-call')).toBe(false);
      expect(result.last?.type).toBe('error');
      expect(result.last?.type === 'error' && result.last.error).toMatchObject({ kind: 'network' });
    });
  });

  describe('languageModelToolContract', () => {
    beforeEach(() => {
      answers.set('tool-call', (request) => {
        const offered = (
          request.body.tools as Array<{ function: { name: string } }> | undefined
        )?.[0];
        return offered?.function.name === TOOL_CONTRACT_TOOL.name
          ? {
              steps: toolCallSteps({ ...WEATHER, name: TOOL_CONTRACT_TOOL.name }, { pieces: 3 }),
              finishReason: 'tool_calls',
            }
          : { steps: [{ text: 'no tool offered' }] };
      });
      answers.set('tool-result', (request) => {
        const messages = request.body.messages as Array<Record<string, unknown>>;
        const result = messages.find((message) => message.role === 'tool');
        const call = messages.find((message) => message.role === 'assistant')?.tool_calls;
        return result?.tool_call_id === TOOL_CONTRACT_CALL_ID && Array.isArray(call)
          ? { steps: [{ text: ANSWER.slice(0, 9) }, { text: ANSWER.slice(9) }] }
          : { steps: [{ text: 'I did not get the result' }] };
      });
      answers.set('tool-call-slow', () => ({
        steps: [...toolCallSteps(WEATHER).slice(0, 2), { hold: true }],
      }));
    });
    for (const test of languageModelToolContract({
      createModel: (scenario) => model(scenario),
      expectedText: ANSWER,
      abortWithinMs: 200,
    })) {
      it(test.name, test.run);
    }
  });
});
