import { DEFAULT_MAX_JSON_DEPTH, jsonNestingDepth } from './json-depth.ts';

/** Why a body could not be read. */
export type BodyReadFailure = 'too-large' | 'timeout' | 'aborted' | 'broken' | 'not-utf8';

/** What {@link readBodyBytes} returns. */
export type ReadBytesResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: BodyReadFailure };

/** What {@link readBodyText} returns. */
export type ReadTextResult = { ok: true; text: string } | { ok: false; reason: BodyReadFailure };

/** Options of {@link readBodyBytes} and {@link readBodyText}. */
export interface ReadBodyOptions {
  /** Largest body accepted, in bytes; the read stops (and the stream is cancelled) past it. */
  maxBytes: number;
  /** Gives up after this long, in milliseconds. */
  timeoutMs?: number | undefined;
  /** Cancels the read. */
  signal?: AbortSignal | undefined;
  /** A declared `content-length`: a larger one fails at once, before the body is touched. */
  declaredLength?: string | null | undefined;
}

/**
 * Reads a body stream to its end with a byte cap, an optional time limit and cancellation; the
 * stream is cancelled whenever the read stops early (a declared length over the cap is refused
 * before the body is touched). Never throws: a failure comes back as a
 * reason, which callers map to their own answer (a 413 for a webhook, an `APICallError` for a
 * vendor response).
 */
export async function readBodyBytes(
  body: ReadableStream<Uint8Array> | null,
  options: ReadBodyOptions,
): Promise<ReadBytesResult> {
  const declared = options.declaredLength?.trim();
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > options.maxBytes) {
    // Refused before a byte is read; the body is left untouched.
    return { ok: false, reason: 'too-large' };
  }
  if (body === null) return { ok: true, bytes: new Uint8Array(0) };
  const signal = options.signal;
  if (signal?.aborted) {
    void body.cancel().catch(() => undefined);
    return { ok: false, reason: 'aborted' };
  }
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    // Throws when the body is locked or was already read (a body parser got there first).
    reader = body.getReader();
  } catch {
    return { ok: false, reason: 'broken' };
  }
  let stopped: BodyReadFailure | undefined;
  const stop = (reason: BodyReadFailure): void => {
    stopped ??= reason;
    void reader.cancel().catch(() => undefined);
  };
  const onAbort = (): void => stop('aborted');
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    options.timeoutMs !== undefined
      ? setTimeout(() => stop('timeout'), Math.max(0, options.timeoutMs))
      : undefined;
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      let step: ReadableStreamReadResult<Uint8Array>;
      try {
        step = await reader.read();
      } catch {
        return { ok: false, reason: stopped ?? 'broken' };
      }
      if (stopped !== undefined) return { ok: false, reason: stopped };
      if (step.done) break;
      total += step.value.byteLength;
      if (total > options.maxBytes) {
        stop('too-large');
        return { ok: false, reason: 'too-large' };
      }
      chunks.push(step.value);
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    reader.releaseLock();
  }
  if (chunks.length === 1) return { ok: true, bytes: chunks[0] as Uint8Array };
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const LENIENT_UTF8 = new TextDecoder();

/**
 * {@link readBodyBytes}, decoded as UTF-8. With `strictUtf8` malformed bytes fail with
 * `not-utf8` (for signed webhooks); otherwise they become U+FFFD.
 */
export async function readBodyText(
  body: ReadableStream<Uint8Array> | null,
  options: ReadBodyOptions & { strictUtf8?: boolean | undefined },
): Promise<ReadTextResult> {
  const read = await readBodyBytes(body, options);
  if (!read.ok) return read;
  if (options.strictUtf8 !== true) return { ok: true, text: LENIENT_UTF8.decode(read.bytes) };
  try {
    return { ok: true, text: STRICT_UTF8.decode(read.bytes) };
  } catch {
    return { ok: false, reason: 'not-utf8' };
  }
}

/**
 * Parses JSON text without throwing: `{ ok: false, reason: 'invalid-json' }` for anything that is
 * not JSON, and `{ ok: false, reason: 'too-deep' }` for text that nests arrays and objects deeper
 * than `options.maxDepth`. The depth is checked first, by a flat scan of the characters that
 * cannot overflow the stack (brackets inside strings do not count), so a body nested 50,000 levels
 * deep is refused before anything is built from it — values that deep overflow the stack of
 * recursive code later on (a deep copy, a schema, a logger).
 *
 * `maxDepth` defaults to 64: webhook bodies (Tencent Cloud Chat callbacks nest about 5 levels),
 * OpenAI-style request bodies (about 6 with content parts) and vendor answers stay far below it.
 * `Number.POSITIVE_INFINITY` turns the check off. `0` for a scalar, `1` for `[]` or `{"a":1}`,
 * `2` for `[[1]]`.
 *
 * @example
 * ```ts
 * const parsed = parseJsonText(text); // at most 64 levels
 * if (!parsed.ok) return new Response(parsed.reason, { status: 400 }); // 'invalid-json' | 'too-deep'
 * ```
 */
export function parseJsonText(
  text: string,
  options: { maxDepth?: number | undefined } = {},
): { ok: true; value: unknown } | { ok: false; reason: 'invalid-json' | 'too-deep' } {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (jsonNestingDepth(text, maxDepth) > maxDepth) return { ok: false, reason: 'too-deep' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'invalid-json' };
  }
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
