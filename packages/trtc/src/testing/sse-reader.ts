/**
 * A small line-based reader of server-sent events (the WHATWG `text/event-stream` format), fed
 * with the body's bytes as they arrive: the local TRTC reads a streamed LLM answer with it.
 *
 * @module
 */

/** One dispatched event. */
export interface SSEEvent {
  /** The `event:` field, `'message'` when there was none. */
  readonly event: string;
  /** The `data:` lines, joined with `\n`. */
  readonly data: string;
}

/** Turns chunks of bytes into events. */
export interface SSEDecoder {
  /** Reads `chunk` and returns the events it completes. */
  push(chunk: Uint8Array): SSEEvent[];
  /**
   * Ends the stream and returns what is left. A last event without its closing blank line is
   * dispatched too (lenient: the format says to drop it).
   */
  end(): SSEEvent[];
}

/** Creates an {@link SSEDecoder}. A leading byte-order mark is skipped. */
export function createSSEDecoder(): SSEDecoder {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let eventName = '';

  const dispatchEvent = (events: SSEEvent[]) => {
    if (data.length > 0) events.push({ event: eventName || 'message', data: data.join('\n') });
    data = [];
    eventName = '';
  };

  const readLine = (line: string, events: SSEEvent[]) => {
    if (line === '') {
      dispatchEvent(events);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') eventName = value;
    // `id` and `retry` mean nothing for a single response.
  };

  /** Reads the complete lines of the buffer (a final `\r` waits: a `\n` may follow). */
  const readLines = (events: SSEEvent[], final: boolean) => {
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      if (match === null) break;
      if (!final && match[0] === '\r' && match.index === buffer.length - 1) break;
      readLine(buffer.slice(0, match.index), events);
      buffer = buffer.slice(match.index + match[0].length);
    }
  };

  return {
    push: (chunk) => {
      const events: SSEEvent[] = [];
      buffer += decoder.decode(chunk, { stream: true });
      readLines(events, false);
      return events;
    },
    end: () => {
      const events: SSEEvent[] = [];
      buffer += decoder.decode();
      readLines(events, true);
      if (buffer !== '') readLine(buffer, events);
      buffer = '';
      dispatchEvent(events);
      return events;
    },
  };
}
