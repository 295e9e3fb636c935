import { describe, expect, it } from 'vitest';
import { createSSEDecoder, type SSEEvent } from './sse-reader.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `input` in pieces of `size` bytes and collects every event. */
function decodeInPieces(input: Uint8Array, size: number): SSEEvent[] {
  const decoder = createSSEDecoder();
  const events: SSEEvent[] = [];
  for (let offset = 0; offset < input.length; offset += size) {
    events.push(...decoder.push(input.subarray(offset, offset + size)));
  }
  events.push(...decoder.end());
  return events;
}

describe('createSSEDecoder', () => {
  it('reads the same events whatever the chunking, with LF, CRLF and CR line ends', () => {
    const input = bytes(
      '\uFEFF: keep-alive\r\ndata: {"a":1}\r\n\r\nevent: meta\rdata: x\rdata:  y\r\rdata: 天气\n\ndata: [DONE]\n\n',
    );
    const expected: SSEEvent[] = [
      { event: 'message', data: '{"a":1}' },
      { event: 'meta', data: 'x\n y' },
      { event: 'message', data: '天气' },
      { event: 'message', data: '[DONE]' },
    ];
    for (const size of [1, 2, 3, 7, input.length]) {
      expect(decodeInPieces(input, size)).toEqual(expected);
    }
  });

  it('dispatches events only at a blank line, and a last event without one at the end', () => {
    const decoder = createSSEDecoder();
    expect(decoder.push(bytes('data: one\n'))).toEqual([]);
    expect(decoder.push(bytes('\ndata: two'))).toEqual([{ event: 'message', data: 'one' }]);
    expect(decoder.end()).toEqual([{ event: 'message', data: 'two' }]);
  });

  it('ignores comments, id and retry fields, and blank lines without data', () => {
    expect(decodeInPieces(bytes(':c\n\nid: 1\nretry: 10\n\n\n'), 4)).toEqual([]);
  });
});
