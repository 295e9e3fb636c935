/**
 * Test helpers of the local Dify's own tests (not exported): raw requests to it, and a reader
 * of the server-sent events it answers.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { LocalDify } from './types.ts';

/** One SSE frame: a keep-alive, or a `data:` line with its JSON and its raw text. */
export type Frame =
  | { type: 'ping' }
  | { type: 'data'; raw: string; payload: Record<string, unknown> };

/** Options of {@link post}. */
export interface PostOptions {
  /** Sent as `Authorization: Bearer <key>`. @default 'app-local' */
  key?: string;
  /** Extra or replacing headers (`authorization: undefined` sends none). */
  headers?: Record<string, string | undefined>;
  /** The body text as is, instead of the JSON of `body`. */
  rawBody?: string;
  signal?: AbortSignal;
}

/** POSTs `body` as JSON to `path` (relative to `baseUrl`, e.g. `/chat-messages`). */
export function post(
  local: LocalDify,
  path: string,
  body: unknown,
  options: PostOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    authorization: `Bearer ${options.key ?? 'app-local'}`,
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return fetch(`${local.baseUrl}${path}`, {
    method: 'POST',
    headers,
    body: options.rawBody ?? JSON.stringify(body),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  });
}

function toFrame(block: string): Frame | undefined {
  if (block === 'event: ping') return { type: 'ping' };
  if (!block.startsWith('data: ')) return undefined;
  const raw = block.slice('data: '.length);
  return { type: 'data', raw, payload: JSON.parse(raw) as Record<string, unknown> };
}

/** Parses a whole SSE text into frames. */
export function parseFrames(text: string): Frame[] {
  return text
    .split('\n\n')
    .map((block) => block.trim())
    .filter((block) => block.length > 0)
    .map((block) => toFrame(block))
    .filter((frame) => frame !== undefined);
}

/** Reads a streamed answer frame by frame, as the frames arrive. */
export async function* readFrames(response: Response): AsyncGenerator<Frame> {
  if (response.body === null) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const frame = toFrame(buffer.slice(0, end).trim());
      buffer = buffer.slice(end + 2);
      if (frame !== undefined) yield frame;
      end = buffer.indexOf('\n\n');
    }
  }
}

/** The event names of data frames (`ping` for keep-alives). */
export function eventNames(frames: readonly Frame[]): string[] {
  return frames.map((frame) =>
    frame.type === 'ping' ? 'ping' : String(frame.payload.event ?? '(none)'),
  );
}

/** A recorded Dify fixture of `src/__fixtures__/dify/`. */
export function difyFixture(name: string): string {
  return readFileSync(new URL(`../__fixtures__/dify/${name}`, import.meta.url), 'utf8');
}
