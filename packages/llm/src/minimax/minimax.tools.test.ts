/**
 * MiniMax tool calling over a real loopback server speaking `chatcompletion_v2`, whose closing
 * full `chat.completion` repeats the tool calls: they must come out once.
 */
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
import { createMiniMax } from './minimax.ts';

const WEATHER = { id: 'call_mm1', name: 'get_weather', arguments: '{"city":"Paris"}' };
const ANSWER = '巴黎晴，21 °C。';
const TOOLS = [
  {
    name: 'get_weather',
    inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
  },
];
const ASK = { messages: [{ role: 'user' as const, content: '巴黎天气？' }], tools: TOOLS };

let server: ChatServer;
const answers = new Map<string, (request: ChatRequest) => ChatAnswer>();

beforeAll(async () => {
  server = await serveChat('minimax', (request) => {
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
  return createMiniMax({
    apiKey: 'mm-tools-key',
    model: 'MiniMax-M2',
    baseUrl: server.baseUrl(route),
    retry: false,
  });
}

describe('createMiniMax tools (loopback chatcompletion_v2)', () => {
  it('sends tools, tool_choice, the tool-call history and one system message', async () => {
    answers.set('body', () => ({ steps: [{ text: 'ok' }] }));
    await collect(
      model('body').stream({
        instructions: 'Be brief.',
        messages: [
          { role: 'user', content: 'Weather?' },
          {
            role: 'assistant',
            content: 'Checking.',
            toolCalls: [{ id: 'c1', name: 'get_weather', input: '{}' }],
          },
          { role: 'tool', toolCallId: 'c1', toolName: 'get_weather', content: 'sunny' },
        ],
        tools: TOOLS,
        toolChoice: 'auto',
      }),
    );
    const body = server.requests[0]?.body;
    expect(body?.tool_choice).toBe('auto');
    expect(body?.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', parameters: TOOLS[0]?.inputSchema } },
    ]);
    expect(body?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
    ]);
  });

  it('adds no tool fields without tools', async () => {
    answers.set('plain', () => ({ steps: [{ text: 'ok' }] }));
    await collect(model('plain').stream({ messages: [{ role: 'user', content: 'Hi' }] }));
    const body = server.requests[0]?.body ?? {};
    expect(Object.keys(body).sort()).toEqual(['messages', 'model', 'stream', 'stream_options']);
  });

  it('emits a streamed call once although the final chat.completion repeats it', async () => {
    answers.set('repeat', () => ({
      steps: [{ text: '我查一下。' }, ...toolCallSteps(WEATHER, { pieces: 3 })],
      finishReason: 'tool_calls',
      finalToolCalls: [WEATHER],
    }));
    const result = await collect(model('repeat').stream(ASK));
    expect(result.text).toBe('我查一下。');
    const calls = result.events.filter((event) => event.type === 'tool-call');
    expect(calls).toEqual([
      {
        type: 'tool-call',
        toolCallId: 'call_mm1',
        toolName: 'get_weather',
        input: '{"city":"Paris"}',
      },
    ]);
    let streamed = '';
    for (const event of result.events)
      if (event.type === 'tool-call-delta') streamed += event.inputDelta;
    expect(streamed).toBe('{"city":"Paris"}');
    expect(result.events.some((event) => event.type === 'text-replace')).toBe(false);
    expect(result.last).toMatchObject({
      type: 'finish',
      reason: 'tool-calls',
      usage: { totalTokens: 15 },
    });
  });

  it('completes arguments the stream cut short from the final repeat', async () => {
    answers.set('short', () => ({
      steps: toolCallSteps(WEATHER, { pieces: 4 }).slice(0, 3),
      finishReason: 'tool_calls',
      finalToolCalls: [WEATHER],
    }));
    const result = await collect(model('short').stream(ASK));
    expect(result.events.filter((event) => event.type === 'tool-call')).toEqual([
      {
        type: 'tool-call',
        toolCallId: 'call_mm1',
        toolName: 'get_weather',
        input: '{"city":"Paris"}',
      },
    ]);
  });

  it('takes calls only the final repeat carries', async () => {
    answers.set('final-only', () => ({
      steps: [],
      finishReason: 'tool_calls',
      finalToolCalls: [WEATHER],
    }));
    const result = await collect(model('final-only').stream(ASK));
    expect(result.events.filter((event) => event.type === 'tool-call')).toHaveLength(1);
    expect(result.last).toMatchObject({ type: 'finish', reason: 'tool-calls' });
  });

  it('joins entries without index whose id is empty to the call before them', async () => {
    answers.set('no-index', () => ({
      steps: [
        { toolCalls: [{ id: 'c9', type: 'function', function: { name: 'get_weather' } }] },
        { toolCalls: [{ id: '', function: { arguments: '{"city":"Oslo"}' } }] },
      ],
      finishReason: 'tool_calls',
    }));
    const result = await collect(model('no-index').stream(ASK));
    expect(result.events.filter((event) => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'c9', toolName: 'get_weather', input: '{"city":"Oslo"}' },
    ]);
  });

  describe('languageModelToolContract', () => {
    beforeEach(() => {
      const call = { ...WEATHER, name: TOOL_CONTRACT_TOOL.name };
      answers.set('tool-call', () => ({
        steps: toolCallSteps(call, { pieces: 2 }),
        finishReason: 'tool_calls',
        finalToolCalls: [call],
      }));
      answers.set('tool-result', (request) => {
        const messages = request.body.messages as Array<Record<string, unknown>>;
        const result = messages.find((message) => message.role === 'tool');
        return result?.tool_call_id === TOOL_CONTRACT_CALL_ID
          ? { steps: [{ text: ANSWER.slice(0, 4) }, { text: ANSWER.slice(4) }] }
          : { steps: [{ text: 'no result' }] };
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
