/**
 * The streamed bodies figure 1 parses: 2,000-chunk answers in the wire format of each adapter
 * (OpenAI-compatible, MiniMax, Dify), served from memory by a fake `fetch` in one of two read
 * patterns — 4 KiB reads, as a busy connection delivers them, or one SSE event per read, as a
 * model that streams slower than the network does.
 */

/** Chunks (SSE events) of every body. */
export const CHUNKS = 2000;
/** Size of a read in the `4 KiB reads` pattern. */
export const PIECE_BYTES = 4096;

/** How the body reaches the parser: what one `reader.read()` returns. */
export const READ_PATTERNS = ['4 KiB reads', 'one event per read'] as const;
export type ReadPattern = (typeof READ_PATTERNS)[number];

/** A body cut into the reads of each pattern (views into one buffer, no copies). */
export interface StreamedBody {
  bytes: Uint8Array;
  reads: Record<ReadPattern, Uint8Array[]>;
}

const WORDS = ['Hello', ' world', ', 你好', ' and', ' 世界', ' again', '!', ' The'];
const encoder = new TextEncoder();

function cut(events: string[]): StreamedBody {
  const parts = events.map((event) => encoder.encode(event));
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  const perEvent: Uint8Array[] = [];
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    perEvent.push(bytes.subarray(offset, offset + part.length));
    offset += part.length;
  }
  const pieces: Uint8Array[] = [];
  for (let start = 0; start < bytes.length; start += PIECE_BYTES) {
    pieces.push(bytes.subarray(start, start + PIECE_BYTES));
  }
  return { bytes, reads: { '4 KiB reads': pieces, 'one event per read': perEvent } };
}

const sse = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

/** An OpenAI chat completion stream as api.openai.com sends it, ending with `[DONE]`. */
export function openAIBody(): StreamedBody {
  const head = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1_761_900_000,
    model: 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_560af6e559',
  };
  const events: string[] = [];
  for (let index = 0; index < CHUNKS; index += 1) {
    const delta = index === 0 ? { role: 'assistant', content: '' } : { content: WORDS[index % 8] };
    const last = index === CHUNKS - 1;
    events.push(
      sse({
        ...head,
        choices: [
          {
            index: 0,
            delta: last ? {} : delta,
            logprobs: null,
            finish_reason: last ? 'stop' : null,
          },
        ],
      }),
    );
  }
  events.push('data: [DONE]\n\n');
  return cut(events);
}

/** A MiniMax stream: deltas, then the whole message with `finish_reason` and usage. */
export function miniMaxBody(): StreamedBody {
  const events: string[] = [];
  let text = '';
  for (let index = 0; index < CHUNKS - 1; index += 1) {
    const content = WORDS[index % 8] ?? '';
    text += content;
    events.push(
      sse({
        id: '0431a1b2c3d4e5f6',
        choices: [{ index: 0, delta: { role: 'assistant', content } }],
        created: 1_761_900_000,
        model: 'MiniMax-M2',
        object: 'chat.completion.chunk',
        usage: null,
        base_resp: { status_code: 0, status_msg: '' },
      }),
    );
  }
  events.push(
    sse({
      id: '0431a1b2c3d4e5f6',
      choices: [{ finish_reason: 'stop', index: 0, message: { role: 'assistant', content: text } }],
      created: 1_761_900_000,
      model: 'MiniMax-M2',
      object: 'chat.completion',
      usage: { total_tokens: 2100, prompt_tokens: 100, completion_tokens: 2000 },
      base_resp: { status_code: 0, status_msg: '' },
    }),
  );
  return cut(events);
}

/** A Dify chat app stream: `message` events, then `message_end` with usage. */
export function difyBody(): StreamedBody {
  const ids = {
    conversation_id: '45701982-8118-4bc5-8e9b-64562b4555f2',
    message_id: '5ad4cb98-f0c7-4085-b384-88c403be6290',
    task_id: 'd9c2c9a8-7b6f-4c3e-9a1d-2b3c4d5e6f70',
  };
  const events: string[] = [];
  for (let index = 0; index < CHUNKS - 1; index += 1) {
    events.push(
      sse({
        event: 'message',
        ...ids,
        id: ids.message_id,
        answer: WORDS[index % 8],
        created_at: 1_761_900_000,
      }),
    );
  }
  events.push(
    sse({
      event: 'message_end',
      ...ids,
      id: ids.message_id,
      metadata: { usage: { prompt_tokens: 100, completion_tokens: 2000, total_tokens: 2100 } },
    }),
  );
  return cut(events);
}

/** A fresh `Response` whose body stream hands out `reads`, one per `reader.read()`. */
export function respond(reads: readonly Uint8Array[]): Response {
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = reads[index];
      index += 1;
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
  });
}
