import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isRecord, parseJsonText, readBodyBytes, readBodyText } from './read-body.ts';

const encoder = new TextEncoder();

afterEach(() => {
  vi.useRealTimers();
});

/** A test body: hands out `chunks` one per pull, records pulls and cancellation. */
interface TestBody {
  stream: ReadableStream<Uint8Array>;
  pulls(): number;
  cancelled(): boolean;
}

type Source = (index: number) => Uint8Array | 'end' | 'hang' | 'break';

function testBody(source: Source): TestBody {
  let pulls = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = source(pulls);
        pulls += 1;
        if (next === 'end') controller.close();
        else if (next === 'break') controller.error(new TypeError('socket hang up'));
        else if (next === 'hang') return new Promise<void>(() => undefined);
        else controller.enqueue(next);
        return undefined;
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

/** A body of these chunks, then its end. */
function chunked(chunks: readonly Uint8Array[]): TestBody {
  return testBody((index) => chunks[index] ?? 'end');
}

/** A body that never sends anything. */
function hanging(): TestBody {
  return testBody(() => 'hang');
}

/** A body that sends 1 KiB chunks forever. */
function endless(): TestBody {
  return testBody(() => new Uint8Array(1024).fill(120));
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

describe('readBodyBytes', () => {
  it('returns a single chunk as it is (no copy) and releases the stream', async () => {
    const chunk = encoder.encode('{"ok":true}');
    const body = chunked([chunk]);
    const read = await readBodyBytes(body.stream, { maxBytes: 1024 });
    expect(read).toEqual({ ok: true, bytes: chunk });
    expect(read.ok && read.bytes).toBe(chunk);
    expect(body.stream.locked).toBe(false);
    expect(body.cancelled()).toBe(false);
  });

  it('joins several chunks in order', async () => {
    const chunks = ['{"a":', '1,"b"', ':', '"你好"}'].map((part) => encoder.encode(part));
    const read = await readBodyBytes(chunked(chunks).stream, { maxBytes: 1024 });
    expect(read).toEqual({ ok: true, bytes: encoder.encode('{"a":1,"b":"你好"}') });
  });

  it('reads a null body as empty, and an empty stream as empty', async () => {
    expect(await readBodyBytes(null, { maxBytes: 0 })).toEqual({
      ok: true,
      bytes: new Uint8Array(0),
    });
    expect(await readBodyBytes(chunked([]).stream, { maxBytes: 0 })).toEqual({
      ok: true,
      bytes: new Uint8Array(0),
    });
  });

  it('accepts a body of exactly maxBytes and refuses one byte more', async () => {
    const exact = await readBodyBytes(chunked([new Uint8Array(6), new Uint8Array(4)]).stream, {
      maxBytes: 10,
    });
    expect(exact.ok && exact.bytes.byteLength).toBe(10);
    const over = await readBodyBytes(chunked([new Uint8Array(6), new Uint8Array(5)]).stream, {
      maxBytes: 10,
    });
    expect(over).toEqual({ ok: false, reason: 'too-large' });
  });

  it('refuses a declared content-length over the cap at once, leaving the body untouched', async () => {
    const body = hanging();
    const read = await readBodyBytes(body.stream, { maxBytes: 100, declaredLength: ' 101 ' });
    expect(read).toEqual({ ok: false, reason: 'too-large' });
    expect(body.pulls()).toBe(0);
    expect(body.stream.locked).toBe(false);
    expect(body.cancelled()).toBe(false);
    expect(await readBodyBytes(null, { maxBytes: 100, declaredLength: '5000' })).toEqual({
      ok: false,
      reason: 'too-large',
    });
  });

  it('ignores a declared length that fits or is not a plain number', async () => {
    for (const declaredLength of ['100', '3', 'abc', '-1', '', '1e9', null, undefined]) {
      const read = await readBodyBytes(chunked([encoder.encode('hello')]).stream, {
        maxBytes: 100,
        declaredLength,
      });
      expect(read.ok).toBe(true);
    }
  });

  it('stops a streamed body at the cap and cancels it, even when the declared length lied', async () => {
    const body = endless();
    const read = await readBodyBytes(body.stream, { maxBytes: 10_000, declaredLength: '10' });
    expect(read).toEqual({ ok: false, reason: 'too-large' });
    expect(body.cancelled()).toBe(true);
    // 10 000 bytes are 9.8 chunks of 1 KiB: the 10th chunk is the one over the cap.
    expect(body.pulls()).toBe(10);
    expect(body.stream.locked).toBe(false);
  });

  it('gives up with timeout after timeoutMs and cancels the body', async () => {
    vi.useFakeTimers();
    const body = hanging();
    let result: unknown;
    void readBodyBytes(body.stream, { maxBytes: 100, timeoutMs: 30 }).then((read) => {
      result = read;
    });
    await vi.advanceTimersByTimeAsync(29);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toEqual({ ok: false, reason: 'timeout' });
    expect(body.cancelled()).toBe(true);
  });

  it('counts the time limit across chunks: a body that trickles past it times out', async () => {
    vi.useFakeTimers();
    const body = testBody((index) => (index < 3 ? new Uint8Array(1) : 'hang'));
    let result: unknown;
    void readBodyBytes(body.stream, { maxBytes: 100, timeoutMs: 50 }).then((read) => {
      result = read;
    });
    await vi.advanceTimersByTimeAsync(50);
    expect(result).toEqual({ ok: false, reason: 'timeout' });
    expect(body.pulls()).toBe(4);
  });

  it('leaves no timer behind after a successful read', async () => {
    vi.useFakeTimers();
    const read = await readBodyBytes(chunked([new Uint8Array(3)]).stream, {
      maxBytes: 100,
      timeoutMs: 60_000,
    });
    expect(read.ok).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stops with aborted when the signal fires mid-read, cancelling the body', async () => {
    const body = testBody((index) => (index === 0 ? new Uint8Array(2) : 'hang'));
    const controller = new AbortController();
    const reading = readBodyBytes(body.stream, { maxBytes: 100, signal: controller.signal });
    await vi.waitFor(() => expect(body.pulls()).toBe(2));
    controller.abort();
    expect(await reading).toEqual({ ok: false, reason: 'aborted' });
    expect(body.cancelled()).toBe(true);
  });

  it('does not read an already aborted body: aborted, cancelled, no pull', async () => {
    const body = hanging();
    const read = await readBodyBytes(body.stream, { maxBytes: 100, signal: AbortSignal.abort() });
    expect(read).toEqual({ ok: false, reason: 'aborted' });
    expect(body.cancelled()).toBe(true);
    expect(body.pulls()).toBe(0);
  });

  it('removes its abort listener once done', async () => {
    const controller = new AbortController();
    const removed = vi.spyOn(controller.signal, 'removeEventListener');
    await readBodyBytes(chunked([new Uint8Array(1)]).stream, {
      maxBytes: 100,
      signal: controller.signal,
    });
    expect(removed).toHaveBeenCalledWith('abort', expect.any(Function));
  });

  it('reports broken when the stream errors, after some bytes or at once', async () => {
    const afterBytes = testBody((index) => (index === 0 ? new Uint8Array(5) : 'break'));
    expect(await readBodyBytes(afterBytes.stream, { maxBytes: 100 })).toEqual({
      ok: false,
      reason: 'broken',
    });
    const atOnce = testBody(() => 'break');
    expect(await readBodyBytes(atOnce.stream, { maxBytes: 100 })).toEqual({
      ok: false,
      reason: 'broken',
    });
  });

  it('property: any chunking of any bytes reads back equal, or too-large exactly when over the cap', async () => {
    const chunking = fc
      .tuple(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 350 }),
      )
      .map(([bytes, cuts, maxBytes]) => {
        const points = [...cuts.map((cut) => Math.min(cut, bytes.length))].sort((a, b) => a - b);
        const edges = [0, ...points, bytes.length];
        const chunks = edges.slice(1).map((end, index) => bytes.slice(edges[index], end));
        return { bytes, chunks, maxBytes };
      });
    await fc.assert(
      fc.asyncProperty(chunking, async ({ bytes, chunks, maxBytes }) => {
        const body = chunked(chunks);
        const read = await readBodyBytes(body.stream, { maxBytes });
        if (bytes.length > maxBytes) {
          expect(read).toEqual({ ok: false, reason: 'too-large' });
          expect(body.cancelled()).toBe(true);
        } else {
          expect(read).toEqual({ ok: true, bytes });
          expect(concat(chunks)).toEqual(bytes);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('readBodyText', () => {
  it('decodes UTF-8 split inside a character across chunks', async () => {
    const bytes = encoder.encode('温度 25 °C ✓ 🚀');
    const chunks = [bytes.slice(0, 1), bytes.slice(1, 2), bytes.slice(2, 17), bytes.slice(17)];
    for (const strictUtf8 of [false, true]) {
      expect(await readBodyText(chunked(chunks).stream, { maxBytes: 100, strictUtf8 })).toEqual({
        ok: true,
        text: '温度 25 °C ✓ 🚀',
      });
    }
  });

  it('replaces malformed bytes with U+FFFD by default', async () => {
    const bytes = new Uint8Array([0x61, 0xff, 0x62, 0xc0, 0xaf, 0x63]);
    const read = await readBodyText(chunked([bytes]).stream, { maxBytes: 100 });
    expect(read).toEqual({ ok: true, text: 'a\uFFFDb\uFFFD\uFFFDc' });
  });

  it.each([
    ['an invalid byte', [0x61, 0xff]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a sequence cut off at the end', [0x61, 0xe4, 0xbd]],
  ])('fails with not-utf8 on %s when strictUtf8 is set', async (_label, values) => {
    const read = await readBodyText(chunked([new Uint8Array(values)]).stream, {
      maxBytes: 100,
      strictUtf8: true,
    });
    expect(read).toEqual({ ok: false, reason: 'not-utf8' });
  });

  it('stays usable after a strict failure (no decoder state carried over)', async () => {
    await readBodyText(chunked([new Uint8Array([0xe4, 0xbd])]).stream, {
      maxBytes: 100,
      strictUtf8: true,
    });
    expect(
      await readBodyText(chunked([encoder.encode('ok')]).stream, {
        maxBytes: 100,
        strictUtf8: true,
      }),
    ).toEqual({ ok: true, text: 'ok' });
  });

  it('passes the read failure on', async () => {
    expect(await readBodyText(endless().stream, { maxBytes: 10 })).toEqual({
      ok: false,
      reason: 'too-large',
    });
    expect(
      await readBodyText(hanging().stream, { maxBytes: 10, signal: AbortSignal.abort() }),
    ).toEqual({ ok: false, reason: 'aborted' });
  });

  it('property: any text, cut anywhere into chunks, reads back equal in strict mode', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (text, cuts) => {
          const bytes = encoder.encode(text);
          const edges = [0, ...cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b)];
          edges.push(bytes.length);
          const chunks = edges.slice(1).map((end, index) => bytes.slice(edges[index], end));
          const read = await readBodyText(chunked(chunks).stream, {
            maxBytes: bytes.length,
            strictUtf8: true,
          });
          expect(read).toEqual({ ok: true, text });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('parseJsonText', () => {
  it('parses any JSON value', () => {
    expect(parseJsonText('{"a":[1,"x",null]}')).toEqual({ ok: true, value: { a: [1, 'x', null] } });
    expect(parseJsonText('null')).toEqual({ ok: true, value: null });
    expect(parseJsonText(' 42 ')).toEqual({ ok: true, value: 42 });
    expect(parseJsonText('"text"')).toEqual({ ok: true, value: 'text' });
  });

  it('returns ok: false instead of throwing for anything else', () => {
    for (const text of ['', '{', 'undefined', "{'a':1}", '<html>502 Bad Gateway</html>']) {
      expect(parseJsonText(text)).toEqual({ ok: false, reason: 'invalid-json' });
    }
  });
});

describe('isRecord', () => {
  it('is true for plain objects only', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord({ ErrorCode: 0 })).toBe(true);
    for (const value of [null, undefined, [], [1], 'text', 42, true]) {
      expect(isRecord(value)).toBe(false);
    }
  });
});
