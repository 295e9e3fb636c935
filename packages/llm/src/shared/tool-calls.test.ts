import type { ModelEvent, ModelRequest } from '@imbridge/core';
import { describe, expect, it } from 'vitest';
import { ToolCallAssembler, toWireConversation, toWireTools } from './tool-calls.ts';

function run(feed: (assembler: ToolCallAssembler, out: ModelEvent[]) => void) {
  const assembler = new ToolCallAssembler();
  const out: ModelEvent[] = [];
  feed(assembler, out);
  const error = assembler.complete('vendor', out);
  const calls = out.filter((event) => event.type === 'tool-call');
  const deltas = new Map<string, string>();
  for (const event of out) {
    if (event.type === 'tool-call-delta') {
      deltas.set(event.toolCallId, (deltas.get(event.toolCallId) ?? '') + event.inputDelta);
    }
  }
  return { out, calls, deltas, error };
}

const call = (entry: Record<string, unknown>) => [entry];

describe('ToolCallAssembler', () => {
  it('assembles one call from pieces keyed by index, deltas adding up to the input', () => {
    const { out, calls, deltas, error } = run((assembler, events) => {
      assembler.absorbDeltas(
        call({ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }),
        events,
      );
      assembler.absorbDeltas(call({ index: 0, function: { arguments: '{"x":' } }), events);
      assembler.absorbDeltas(call({ index: 0, function: { arguments: '1}' } }), events);
    });
    expect(error).toBeUndefined();
    expect(calls).toEqual([
      { type: 'tool-call', toolCallId: 'call_a', toolName: 'f', input: '{"x":1}' },
    ]);
    expect(deltas.get('call_a')).toBe('{"x":1}');
    // Deltas go out as pieces arrive, before the complete call.
    expect(out.map((event) => event.type)).toEqual([
      'tool-call-delta',
      'tool-call-delta',
      'tool-call',
    ]);
  });

  it('buffers argument pieces until a late function name arrives', () => {
    const { out, calls } = run((assembler, events) => {
      assembler.absorbDeltas(
        call({ index: 0, id: 'call_a', function: { arguments: '{"a"' } }),
        events,
      );
      expect(events).toEqual([]);
      assembler.absorbDeltas(
        call({ index: 0, function: { name: 'late', arguments: ':2}' } }),
        events,
      );
    });
    expect(out[0]).toEqual({
      type: 'tool-call-delta',
      toolCallId: 'call_a',
      toolName: 'late',
      inputDelta: '{"a":2}',
    });
    expect(calls).toEqual([
      { type: 'tool-call', toolCallId: 'call_a', toolName: 'late', input: '{"a":2}' },
    ]);
  });

  it('keeps interleaved parallel calls apart by index, in order of first appearance', () => {
    const { calls, deltas } = run((assembler, events) => {
      assembler.absorbDeltas(
        [
          { index: 0, id: 'c0', function: { name: 'f', arguments: '{"n":' } },
          { index: 1, id: 'c1', function: { name: 'g', arguments: '{"m":' } },
        ],
        events,
      );
      assembler.absorbDeltas(call({ index: 1, function: { arguments: '2}' } }), events);
      assembler.absorbDeltas(call({ index: 0, function: { arguments: '1}' } }), events);
    });
    expect(
      calls.map((event) => event.type === 'tool-call' && [event.toolCallId, event.input]),
    ).toEqual([
      ['c0', '{"n":1}'],
      ['c1', '{"m":2}'],
    ]);
    expect(deltas.get('c1')).toBe('{"m":2}');
  });

  it('starts a new call when a server numbers every call 0 but gives each its id', () => {
    const { calls } = run((assembler, events) => {
      assembler.absorbDeltas(
        call({ index: 0, id: 'c0', function: { name: 'f', arguments: '{}' } }),
        events,
      );
      assembler.absorbDeltas(
        call({ index: 0, id: 'c1', function: { name: 'g', arguments: '{}' } }),
        events,
      );
    });
    expect(calls.map((event) => event.type === 'tool-call' && event.toolName)).toEqual(['f', 'g']);
  });

  it('continues the last call for entries without index and with an empty id (MiniMax)', () => {
    const { calls } = run((assembler, events) => {
      assembler.absorbDeltas(
        [
          { id: 'c0', function: { name: 'f' } },
          { id: '', function: { arguments: '[1]' } },
        ],
        events,
      );
    });
    expect(calls).toEqual([{ type: 'tool-call', toolCallId: 'c0', toolName: 'f', input: '[1]' }]);
  });

  it('names a call without an id call_<n> and sends empty arguments as {}', () => {
    const { calls, deltas } = run((assembler, events) => {
      assembler.absorbDeltas(call({ index: 0, function: { name: 'now' } }), events);
    });
    expect(calls).toEqual([
      { type: 'tool-call', toolCallId: 'call_0', toolName: 'now', input: '{}' },
    ]);
    expect(deltas.get('call_0')).toBe('{}');
  });

  it('takes arguments sent as an object', () => {
    const { calls } = run((assembler, events) => {
      assembler.absorbDeltas(
        call({ index: 0, id: 'c', function: { name: 'f', arguments: { a: 1 } } }),
        events,
      );
    });
    expect(calls[0]).toMatchObject({ input: '{"a":1}' });
  });

  it('reports a call that never got a function name as an error', () => {
    const { calls, error } = run((assembler, events) => {
      assembler.absorbDeltas(call({ index: 0, id: 'c', function: { arguments: '{}' } }), events);
    });
    expect(calls).toEqual([]);
    expect(error).toMatchObject({ kind: 'server', provider: 'vendor' });
  });

  describe('absorbComplete (a final full repeat)', () => {
    it('never repeats a streamed call and sends only a missing tail', () => {
      const { calls, deltas } = run((assembler, events) => {
        assembler.absorbDeltas(
          call({ index: 0, id: 'c', function: { name: 'f', arguments: '{"a":' } }),
          events,
        );
        assembler.absorbComplete(
          [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          events,
        );
      });
      expect(calls).toHaveLength(1);
      expect(deltas.get('c')).toBe('{"a":1}');
    });

    it('adds calls that were not streamed', () => {
      const { calls } = run((assembler, events) => {
        assembler.absorbComplete(
          [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          events,
        );
      });
      expect(calls).toEqual([
        { type: 'tool-call', toolCallId: 'c', toolName: 'f', input: '{"a":1}' },
      ]);
    });

    it('keeps streamed valid JSON over a different repeat', () => {
      const { calls } = run((assembler, events) => {
        assembler.absorbDeltas(
          call({ index: 0, id: 'c', function: { name: 'f', arguments: '{"a":1}' } }),
          events,
        );
        assembler.absorbComplete(
          [{ id: 'c', function: { name: 'f', arguments: '{"b":2}' } }],
          events,
        );
      });
      expect(calls[0]).toMatchObject({ input: '{"a":1}' });
    });
  });
});

describe('toWireTools / toWireConversation', () => {
  const base: ModelRequest = { messages: [{ role: 'user', content: 'Hi' }] };

  it('adds nothing without tools (an empty list included)', () => {
    expect(toWireTools(base)).toEqual({});
    expect(toWireTools({ ...base, tools: [], toolChoice: 'required' })).toEqual({});
  });

  it("maps tools to OpenAI's function tools and the choice to tool_choice", () => {
    expect(
      toWireTools({
        ...base,
        tools: [
          { name: 'f', description: 'does f', inputSchema: { type: 'object' } },
          { name: 'g', inputSchema: { type: 'object', properties: {} } },
        ],
        toolChoice: 'required',
      }),
    ).toEqual({
      tools: [
        {
          type: 'function',
          function: { name: 'f', description: 'does f', parameters: { type: 'object' } },
        },
        {
          type: 'function',
          function: { name: 'g', parameters: { type: 'object', properties: {} } },
        },
      ],
      tool_choice: 'required',
    });
  });

  it('sends tool-only assistant turns with content null and tool results as tool messages', () => {
    expect(
      toWireConversation({
        messages: [
          { role: 'user', content: 'Weather?' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'f', input: '{"a":1}' }] },
          { role: 'tool', toolCallId: 'c', toolName: 'f', content: 'sunny', isError: false },
          { role: 'assistant', content: 'Sunny.', toolCalls: [] },
        ],
      }),
    ).toEqual([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
      },
      { role: 'tool', tool_call_id: 'c', content: 'sunny' },
      { role: 'assistant', content: 'Sunny.' },
    ]);
  });
});
