/**
 * Benchmarks of `@imbridge/core` (not part of the tests).
 *
 * 1. Pacer cost per token: `ReplyPacer.push` / `ReplyWriter.push` on a 2,000-token CJK+ASCII
 *    stream, against a loop that only builds the same strings and against a naive "one platform
 *    call per token" loop.
 * 2. Pacer cost per delivered update (scheduling + bucket + bookkeeping), against calling the sink
 *    directly.
 * 3. Memory per in-flight reply of the real bot at 10,000 concurrent replies, webhook throughput,
 *    and the time `bot.close()` takes to interrupt them all.
 *
 * Run with `pnpm bench` at the repo root (`tsx bench/core.bench.ts` in packages/core). Imports use
 * relative paths to the sources, so no build and no custom export condition is needed.
 *
 * Every figure is a median of several rounds taken after warm-up rounds, and speeds are given as
 * ratios to baselines measured in the same run (rounds interleave the variants, and overheads are
 * medians of per-round differences). Absolute times are indicative only: nothing is asserted.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ChatAdapter, InboundMessage, ReplySink } from '../src/index.ts';
import { createBot, memoryState, ReplyPacer, TokenBucket, utf8ByteLength } from '../src/index.ts';
// Not part of the public API, but it is the bot's per-token hot path.
import { ReplyWriter } from '../src/runtime/reply-writer.ts';
import type { MemoryChatMessage, ScriptedCall } from '../src/testing/index.ts';
import { createMemoryAdapter, createScriptedModel, textSteps } from '../src/testing/index.ts';

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

/** Tokens per simulated model stream (figures 1 and 2). */
const TOKENS = 2_000;
/** Streams per variant per round (makes each timed sample a few milliseconds long). */
const STREAMS_PER_ROUND = 10;
/** Untimed rounds run first so every code path is optimised. */
const WARMUP_ROUNDS = 4;
/** Timed rounds; the tables show medians. */
const ROUNDS = 15;
/** Concurrent replies of figure 3. */
const CONCURRENT_REPLIES = 10_000;
/** Replies of the untimed warm-up run of figure 3. */
const WARMUP_REPLIES = 1_000;
/** Measured runs of figure 3 (fresh bot each). */
const CONCURRENT_ROUNDS = 3;
/** Webhooks handled at once by the simulated HTTP server of figure 3. */
const WEBHOOK_CONCURRENCY = 64;
/** Platform pacing of figure 3 (the memory adapter's default, Tencent-like). */
const MIN_UPDATE_INTERVAL_MS = 200;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const RESOLVED: Promise<void> = Promise.resolve();
const noop = (): void => undefined;

/**
 * Baselines store each string in an object field (as the pacer stores `this.latest`), so the JIT
 * cannot drop the string building and both sides pay the same store.
 */
const observed = { text: '' };

/** A full, synchronous garbage collection: `--expose-gc` if given, else enabled at run time. */
function obtainGc(): { gc: () => void; how: string } {
  if (typeof globalThis.gc === 'function') {
    const exposed = globalThis.gc;
    return { gc: () => void exposed(), how: 'global.gc (node --expose-gc)' };
  }
  // Turning the flag on at run time makes `gc` available to contexts created afterwards.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return { gc, how: "v8.setFlagsFromString('--expose-gc') + vm.runInNewContext('gc')" };
}

const { gc, how: gcHow } = obtainGc();

/** Heap in use after two full collections (the second one catches weak-ref/finalizer leftovers). */
function settledHeapBytes(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

/** Resolves on the next macrotask, after every pending microtask (in-flight sink calls). */
function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${what}`);
    await sleep(5);
  }
}

function format(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** Prints a markdown table (left-aligned first column, right-aligned numbers). */
function printTable(title: string, headers: string[], rows: string[][], notes: string[] = []) {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    `| ${cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  console.log(`\n## ${title}\n`);
  console.log(line(headers));
  console.log(rule);
  for (const row of rows) console.log(line(row));
  if (notes.length > 0) console.log('');
  for (const note of notes) console.log(wrap(note));
}

/** Formats a note as a markdown bullet wrapped at 96 columns. */
function wrap(note: string, width = 96): string {
  const lines: string[] = [];
  let line = '-';
  for (const word of note.split(' ')) {
    if (line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' ';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** A deterministic PRNG (mulberry32), so every run streams the same text. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ASCII_TOKENS = [' the', ' model', ' stream', ' reply', ' token', ' chat', ' bot', ' is'];
const ASCII_PUNCTUATION = [',', '.', ' and', ' to', ' of', '\n'];
const CJK_TOKENS = [
  '你好',
  '模型',
  '的',
  '回复',
  '流式',
  '消息',
  '我们',
  '机器人',
  '腾讯云',
  '聊天',
];
const CJK_PUNCTUATION = ['。', '，', '、', '！'];
const EMOJI_TOKENS = ['🙂', '🚀'];

/** A realistic LLM token stream: about 60% CJK, 38% ASCII, 2% emoji (surrogate pairs). */
function makeTokens(count: number, seed: number): string[] {
  const random = prng(seed);
  const pick = (list: readonly string[]): string => list[Math.floor(random() * list.length)] ?? '';
  const tokens: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const roll = random();
    if (roll < 0.5) tokens.push(pick(CJK_TOKENS));
    else if (roll < 0.6) tokens.push(pick(CJK_PUNCTUATION));
    else if (roll < 0.9) tokens.push(pick(ASCII_TOKENS));
    else if (roll < 0.98) tokens.push(pick(ASCII_PUNCTUATION));
    else tokens.push(pick(EMOJI_TOKENS));
  }
  return tokens;
}

/** A platform message that accepts every call at once and counts them. */
class InstantSink implements ReplySink {
  readonly id = 'bench-reply';
  calls = 0;
  update(): Promise<void> {
    this.calls += 1;
    return RESOLVED;
  }
  finish(): Promise<void> {
    this.calls += 1;
    return RESOLVED;
  }
}

/** The smallest adapter a {@link ReplyWriter} needs: `openReply` hands out the given sink. */
function writerAdapter(sink: ReplySink, maxMessageBytes: number): ChatAdapter {
  const unused = (): Promise<never> => Promise.reject(new Error('not used by the benchmark'));
  return {
    platform: 'bench',
    limits: { maxMessageBytes, minUpdateIntervalMs: 0, callsPerSecond: 1e9 },
    receive: unused,
    post: unused,
    postError: unused,
    openReply: () => Promise.resolve(sink),
  };
}

const BENCH_MESSAGE: InboundMessage = {
  id: 'bench-message',
  target: { conversationId: 'direct:bench', type: 'direct', userId: 'bench' },
  sender: { id: 'bench', isBot: false },
  text: 'hi',
  mentionsBot: true,
};

function createWriter(sink: ReplySink, maxMessageBytes: number, bucket: TokenBucket) {
  return new ReplyWriter({
    adapter: writerAdapter(sink, maxMessageBytes),
    message: BENCH_MESSAGE,
    bucket,
    minIntervalMs: 0,
    maxMessageBytes,
    overflow: 'split',
    overflowNotice: '',
    signal: new AbortController().signal,
    onReplyId: noop,
    onShown: noop,
    onSegmentFinished: noop,
    onPaused: noop,
    onFailure: noop,
    onSplit: noop,
  });
}

// ---------------------------------------------------------------------------------------------
// Round runner
// ---------------------------------------------------------------------------------------------

/** One timed sample: milliseconds spent in the measured loop, and platform calls made. */
interface Sample {
  ms: number;
  sinkCalls: number;
}

interface Variant {
  name: string;
  /** Name of the variant this one is compared with (same loop shape). */
  baseline: string;
  /** Work units (tokens or updates) per sample. */
  units: number;
  run: () => Promise<Sample>;
}

interface VariantResult {
  /** ns per unit, one value per round. */
  perUnitNs: number[];
  /** Platform calls per sample (last round). */
  sinkCalls: number;
}

/**
 * Runs warm-up rounds, then timed rounds. Each round runs every variant `STREAMS_PER_ROUND`
 * times, in an order rotated per round so drift (thermal, neighbours) spreads evenly.
 */
async function runRounds(variants: Variant[]): Promise<Map<string, VariantResult>> {
  const results = new Map<string, VariantResult>(
    variants.map((variant) => [variant.name, { perUnitNs: [], sinkCalls: 0 }]),
  );
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
    for (let offset = 0; offset < variants.length; offset += 1) {
      const variant = variants[(round + offset) % variants.length] as Variant;
      let ms = 0;
      let sinkCalls = 0;
      for (let stream = 0; stream < STREAMS_PER_ROUND; stream += 1) {
        const sample = await variant.run();
        ms += sample.ms;
        sinkCalls = sample.sinkCalls;
      }
      if (round < WARMUP_ROUNDS) continue;
      const result = results.get(variant.name) as VariantResult;
      result.perUnitNs.push((ms * 1e6) / (STREAMS_PER_ROUND * variant.units));
      result.sinkCalls = sinkCalls;
    }
    await macrotask();
  }
  return results;
}

/** Table rows: median ns/unit, median per-round overhead over the baseline, ratio, calls. */
function comparisonRows(variants: Variant[], results: Map<string, VariantResult>): string[][] {
  return variants.map((variant) => {
    const own = (results.get(variant.name) as VariantResult).perUnitNs;
    const base = (results.get(variant.baseline) as VariantResult).perUnitNs;
    const isBaseline = variant.name === variant.baseline;
    const overhead = median(own.map((value, round) => value - (base[round] ?? Number.NaN)));
    const ratio = median(own.map((value, round) => value / (base[round] ?? Number.NaN)));
    return [
      variant.name,
      format(median(own), 1),
      isBaseline ? '—' : format(overhead, 1),
      isBaseline ? '1.00×' : `${format(ratio, 2)}×`,
      format((results.get(variant.name) as VariantResult).sinkCalls),
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// Figure 1: pacer overhead per token
// ---------------------------------------------------------------------------------------------

async function figurePerToken(): Promise<void> {
  const tokens = makeTokens(TOKENS, 1);
  // Every stream starts with one untimed token, so the writer's message is already open (as in
  // the bot after the first token) and the timed loops all push exactly TOKENS growing strings.
  const first = '好的，';
  const fullText = first + tokens.join('');
  const fullBytes = utf8ByteLength(fullText);
  // The app-wide bucket, as the bot shares it between replies (never empty here).
  const bucket = new TokenBucket({ ratePerSecond: 1e9 });

  /** Pushes every token through a ReplyWriter with the given size cap. */
  const writerVariant = (name: string, maxMessageBytes: number): Variant => ({
    name,
    baseline: 'baseline: build strings',
    units: TOKENS,
    run: async () => {
      const sink = new InstantSink();
      const writer = createWriter(sink, maxMessageBytes, bucket);
      let text = first;
      await writer.push(text);
      await macrotask();
      let stopped = 0;
      const start = performance.now();
      for (const token of tokens) {
        text += token;
        if (writer.push(text, token) !== true) stopped += 1;
      }
      const ms = performance.now() - start;
      await writer.finish(text, 'complete');
      if (stopped > 0 || writer.splits > 0) throw new Error(`${name}: the reply was cut`);
      return { ms, sinkCalls: sink.calls };
    },
  });

  /** Final calls still waiting for their interval (200 ms row); awaited after the rounds. */
  const lingering: Promise<void>[] = [];

  /** Pushes every token with an `await` in between, as the bot awaits each model event. */
  const awaitingPacerVariant = (name: string, minIntervalMs: number): Variant => ({
    name,
    baseline: 'baseline: build + await per token',
    units: TOKENS,
    run: async () => {
      const sink = new InstantSink();
      const pacer = new ReplyPacer({ sink, minIntervalMs, bucket });
      let text = first;
      pacer.push(text);
      await macrotask();
      const start = performance.now();
      for (const token of tokens) {
        text += token;
        pacer.push(text);
        await RESOLVED;
      }
      const ms = performance.now() - start;
      if (minIntervalMs === 0) {
        await pacer.finish(text, 'complete');
        return { ms, sinkCalls: sink.calls };
      }
      // The final call waits out the interval in the background: count it now.
      lingering.push(pacer.finish(text, 'complete'));
      return { ms, sinkCalls: sink.calls + 1 };
    },
  });

  const variants: Variant[] = [
    {
      name: 'baseline: build strings',
      baseline: 'baseline: build strings',
      units: TOKENS,
      run: async () => {
        let text = first;
        const start = performance.now();
        for (const token of tokens) {
          text += token;
          observed.text = text;
        }
        const ms = performance.now() - start;
        return { ms, sinkCalls: 0 };
      },
    },
    {
      name: 'ReplyPacer.push',
      baseline: 'baseline: build strings',
      units: TOKENS,
      run: async () => {
        const sink = new InstantSink();
        const pacer = new ReplyPacer({ sink, minIntervalMs: 0, bucket });
        let text = first;
        pacer.push(text);
        await macrotask();
        const start = performance.now();
        for (const token of tokens) {
          text += token;
          pacer.push(text);
        }
        const ms = performance.now() - start;
        await pacer.finish(text, 'complete');
        return { ms, sinkCalls: sink.calls };
      },
    },
    writerVariant('ReplyWriter.push, 64 KB cap', 64_000),
    writerVariant('ReplyWriter.push, 12 KB cap', 12_000),
    {
      name: 'baseline: build + await per token',
      baseline: 'baseline: build + await per token',
      units: TOKENS,
      run: async () => {
        let text = first;
        const start = performance.now();
        for (const token of tokens) {
          text += token;
          observed.text = text;
          await RESOLVED;
        }
        const ms = performance.now() - start;
        return { ms, sinkCalls: 0 };
      },
    },
    awaitingPacerVariant('ReplyPacer.push + await, 200 ms', 200),
    awaitingPacerVariant('ReplyPacer.push + await, 0 ms', 0),
    {
      name: 'naive: await sink.update per token',
      baseline: 'baseline: build + await per token',
      units: TOKENS,
      run: async () => {
        const sink = new InstantSink();
        let text = first;
        await sink.update();
        const start = performance.now();
        for (const token of tokens) {
          text += token;
          observed.text = text;
          await sink.update();
        }
        const ms = performance.now() - start;
        await sink.finish();
        return { ms, sinkCalls: sink.calls };
      },
    },
  ];

  const results = await runRounds(variants);
  await Promise.all(lingering);
  printTable(
    `1. Cost per token (${format(TOKENS)} tokens, ${format(fullText.length)} chars, ${format(fullBytes)} UTF-8 bytes)`,
    ['variant', 'ns/token', 'overhead ns/token', 'vs baseline', 'sink calls/stream'],
    comparisonRows(variants, results),
    [
      "Sink resolves instantly; app-wide TokenBucket (1e9/s) as in the bot; minIntervalMs 0 unless stated. Each stream pushes one untimed token first (it opens the writer's message), then 2,000 timed growing strings; sink calls include that first update and the final call.",
      'Upper rows: one synchronous loop. After the first timed push an update is in flight, so push only stores the text (the path most tokens take). An overhead below 0 means "too small to measure".',
      'ReplyWriter rows add the size-cap check: a multiplication while text.length × 3 ≤ cap (64 KB). Past that (12 KB cap: from 4,000 chars on) the text is measured once, then only each delta is measured (reading the growing text itself would flatten the cons string built by `text + delta` on every push: O(text length) per token, ~500 ns/token here before that change).',
      'Await rows: an `await` per token, as the bot awaits each model event. With 0 ms and an instant sink every update completes before the next token, so the pacer also sends one call per token (cost per call: figure 2). With 200 ms, pushes only store the text while the next update waits; at 50 tokens/s this stream would take 40 s, i.e. ~200 calls instead of 2,000.',
      'The naive loop is cheap here only because the sink is free: its cost is its sink calls.',
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Figure 2: pacer overhead per delivered update
// ---------------------------------------------------------------------------------------------

/** Resolves the promise the current update waits for (one per update, in every variant). */
let delivered: () => void = noop;

async function figurePerUpdate(): Promise<void> {
  const tokens = makeTokens(TOKENS, 2);
  // Distinct growing texts, so no update is skipped as unchanged.
  const texts: string[] = [];
  let text = '';
  for (const token of tokens) {
    text += token;
    texts.push(text);
  }
  const onDelivered = (): void => delivered();

  /** Pushes each text and waits until the pacer reports it delivered. */
  const pacerVariant = (name: string, bucket: TokenBucket | undefined): Variant => ({
    name,
    baseline: 'direct: await sink.update',
    units: TOKENS,
    run: async () => {
      const sink = new InstantSink();
      const pacer = new ReplyPacer({ sink, minIntervalMs: 0, bucket, onDelivered });
      const start = performance.now();
      for (const current of texts) {
        const done = new Promise<void>((resolve) => {
          delivered = resolve;
        });
        pacer.push(current);
        await done;
      }
      const ms = performance.now() - start;
      if (sink.calls !== texts.length) throw new Error(`${name}: ${sink.calls} updates`);
      return { ms, sinkCalls: sink.calls };
    },
  });

  const variants: Variant[] = [
    {
      name: 'direct: await sink.update',
      baseline: 'direct: await sink.update',
      units: TOKENS,
      run: async () => {
        const sink = new InstantSink();
        const start = performance.now();
        for (const current of texts) {
          const done = new Promise<void>((resolve) => {
            delivered = resolve;
          });
          observed.text = current;
          await sink.update();
          delivered();
          await done;
        }
        const ms = performance.now() - start;
        return { ms, sinkCalls: sink.calls };
      },
    },
    pacerVariant('ReplyPacer, no bucket', undefined),
    pacerVariant('ReplyPacer + TokenBucket', new TokenBucket({ ratePerSecond: 1e9 })),
  ];

  const results = await runRounds(variants);
  printTable(
    `2. Cost per delivered update (${format(TOKENS)} updates per stream)`,
    ['path', 'ns/update', 'overhead ns/update', 'vs direct', 'sink calls/stream'],
    comparisonRows(variants, results),
    [
      'minIntervalMs 0, sink resolves instantly; each text is pushed once the previous one is delivered, so every push becomes exactly one platform call.',
      'Overhead = scheduling (Date.now, interval check), bucket take, async bookkeeping.',
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Figure 3: memory per in-flight reply, webhook throughput, shutdown
// ---------------------------------------------------------------------------------------------

/** What each scripted reply says before stalling (~120 chars, 30 deltas). */
const REPLY_HEAD =
  '好的，我来帮你查一下。The bot streams this reply token by token, 然后停下来等待模型继续输出，' +
  'so every reply stays in flight until bot.close() 中断它们。';

interface ConcurrentRun {
  acceptedPerSecond: number;
  acceptMs: number;
  allShownMs: number;
  inFlight: number;
  /** Heap per in-flight reply, everything included. */
  heapPerReply: number;
  /** Heap per reply held by the memory adapter's records (measured after close). */
  adapterPerReply: number;
  /** Heap per reply held by the scripted model's call log (measured after close). */
  modelLogPerReply: number;
  /** Heap per reply still held after close without adapter records and call log (state). */
  statePerReply: number;
  versionsPerReply: number;
  closeMs: number;
  interrupted: number;
}

/** `streaming: false`: the model stalls before its first token (webhooks accepted alone). */
async function concurrentReplies(count: number, streaming = true): Promise<ConcurrentRun> {
  const adapter = createMemoryAdapter({
    limits: { callsPerSecond: 1e6, burst: 1e6, minUpdateIntervalMs: MIN_UPDATE_INTERVAL_MS },
  });
  const model = createScriptedModel({
    maxRecordedCalls: Number.POSITIVE_INFINITY, // the in-flight row counts every call
    scripts: [
      { steps: [...(streaming ? textSteps(REPLY_HEAD, { chunkSize: 4 }) : []), { type: 'stall' }] },
    ],
  });
  const bot = createBot({
    model,
    state: memoryState(),
    // Stalled replies stay in flight for the whole measurement (the runtime sets no model timers).
    logger: false,
  });
  const handler = bot.webhook(adapter);

  const baselineBytes = settledHeapBytes();

  // Requests are built before the clock starts: the figure is webhook handling, not the client.
  const requests = Array.from({ length: count }, (_, index) =>
    adapter.request({ type: 'message', id: `m-${index}`, userId: `user-${index}`, text: '你好' }),
  );
  let accepted = 0;
  let next = 0;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    for (let index = next++; index < count; index = next++) {
      const response = await handler(requests[index] as Request);
      if (response.status === 200) accepted += 1;
    }
  };
  await Promise.all(Array.from({ length: WEBHOOK_CONCURRENCY }, worker));
  const acceptMs = performance.now() - start;
  requests.length = 0;
  if (accepted !== count) throw new Error(`only ${accepted} of ${count} webhooks accepted`);

  if (streaming) {
    await waitUntil(() => adapter.messages.length >= count, 90_000, 'every reply shows its text');
  }
  const allShownMs = performance.now() - start;
  // Let paced follow-up updates land, so every reply sits stalled in a steady state.
  await sleep(MIN_UPDATE_INTERVAL_MS * 2);
  const inFlight = model.calls.filter((call) => !call.ended).length;
  const heapBytes = settledHeapBytes() - baselineBytes;
  const versions = adapter.messages.reduce((sum, message) => sum + message.versions.length, 0);

  const closeStart = performance.now();
  await bot.close();
  const closeMs = performance.now() - closeStart;
  const interrupted = adapter.messages.filter(
    (message) => message.finished && message.finishReason === 'interrupted',
  ).length;

  // Split what outlives the replies by dropping it piece by piece (both arrays are the live
  // internal ones; nothing else uses this adapter or model afterwards).
  const afterClose = settledHeapBytes();
  (model.calls as ScriptedCall[]).length = 0;
  const withoutModelLog = settledHeapBytes();
  (adapter.messages as MemoryChatMessage[]).length = 0;
  const withoutAdapterRecords = settledHeapBytes();

  return {
    acceptedPerSecond: (accepted * 1000) / acceptMs,
    acceptMs,
    allShownMs,
    inFlight,
    heapPerReply: heapBytes / count,
    adapterPerReply: (withoutModelLog - withoutAdapterRecords) / count,
    modelLogPerReply: (afterClose - withoutModelLog) / count,
    statePerReply: (withoutAdapterRecords - baselineBytes) / count,
    versionsPerReply: versions / count,
    closeMs,
    interrupted,
  };
}

async function figureConcurrentReplies(): Promise<void> {
  // Untimed run: compiles the bot's code paths, so JIT code is not counted as reply memory.
  await concurrentReplies(WARMUP_REPLIES);
  const runs: ConcurrentRun[] = [];
  const acceptOnlyRuns: ConcurrentRun[] = [];
  for (let round = 0; round < CONCURRENT_ROUNDS; round += 1) {
    runs.push(await concurrentReplies(CONCURRENT_REPLIES));
    acceptOnlyRuns.push(await concurrentReplies(CONCURRENT_REPLIES, false));
  }
  const pick = (field: keyof ConcurrentRun, from = runs): number =>
    median(from.map((run) => run[field]));
  const kb = (field: keyof ConcurrentRun): string[] => [
    format(pick(field) / 1024, 2),
    runs.map((run) => format(run[field] / 1024, 2)).join(' / '),
  ];
  const plain = (field: keyof ConcurrentRun, digits = 0, from = runs): string[] => [
    format(pick(field, from), digits),
    from.map((run) => format(run[field], digits)).join(' / '),
  ];

  printTable(
    `3. ${format(CONCURRENT_REPLIES)} concurrent in-flight replies (real bot, median of ${runs.length} runs)`,
    ['figure', 'median', 'runs'],
    [
      ['replies in flight at measurement', ...plain('inFlight')],
      ['heap per in-flight reply, KB (everything)', ...kb('heapPerReply')],
      ['  memory adapter records, KB', ...kb('adapterPerReply')],
      ['  scripted model call log, KB', ...kb('modelLogPerReply')],
      ['  state and rest kept after close, KB', ...kb('statePerReply')],
      ['message versions per reply (adapter)', ...plain('versionsPerReply', 2)],
      ['webhooks accepted per second', ...plain('acceptedPerSecond')],
      [
        'webhooks accepted per second, no streaming',
        ...plain('acceptedPerSecond', 0, acceptOnlyRuns),
      ],
      ['time to accept all webhooks, ms', ...plain('acceptMs')],
      ['time until every reply shows text, ms', ...plain('allShownMs')],
      ['bot.close() interrupting all, ms', ...plain('closeMs')],
      ['replies finished as "interrupted"', ...plain('interrupted')],
    ],
    [
      `Heap = process.memoryUsage().heapUsed after two full GCs (${gcHow}), minus the same figure taken after creating the bot and before the webhooks, divided by the reply count. The bot ran ${format(WARMUP_REPLIES)} replies first (untimed) so compiled code is not counted.`,
      "\"Everything\" = the bot's per-turn objects (turn, AbortControllers, writer, pacer, heartbeat and watchdog timers, model iterator and pending promises), the memoryState entries (dedupe key, lock, queue, history), the scripted model's call log and the memory adapter's records.",
      'The three indented rows are measured after bot.close(), by dropping the call log, then the adapter records, and are included in "everything". Adapter records keep every version of every message for tests; the newest text is shared with the live reply, so while in flight a little less of it is the adapter\'s alone. State = dedupe key, history (user + assistant message) and empty queue, all with TTLs.',
      `Webhooks: ${WEBHOOK_CONCURRENCY} handled at once, Request objects built beforehand; accepted = 200 response; replies start in the background meanwhile. Each reply streams ${REPLY_HEAD.length} chars in ${Math.ceil(Array.from(REPLY_HEAD).length / 4)} deltas, then stalls; minUpdateIntervalMs ${MIN_UPDATE_INTERVAL_MS}, callsPerSecond 1e6.`,
      `bot.close() waits for every reply's final "interrupted" update, which respects the ${MIN_UPDATE_INTERVAL_MS} ms interval.`,
      'No streaming: separate runs (interleaved with the others) whose model stalls before its first token, so accepting the webhooks competes with no reply updates; each turn still starts (dedupe, lock, queue, history read, model call).',
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const cpu = cpus();
  console.log('# @imbridge/core benchmarks\n');
  console.log(
    `- Node ${process.version} (V8 ${process.versions.v8}), ${process.platform}/${process.arch}`,
  );
  console.log(`- ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}`);
  console.log(`- ${new Date().toISOString()}`);
  console.log(`- GC: ${gcHow}`);
  console.log(
    `- ${WARMUP_ROUNDS} warm-up + ${ROUNDS} timed rounds × ${STREAMS_PER_ROUND} streams; medians`,
  );
  const started = performance.now();
  await figurePerToken();
  await figurePerUpdate();
  await figureConcurrentReplies();
  if (observed.text.length === 0) console.log('(nothing observed)');
  console.log(`\nDone in ${format((performance.now() - started) / 1000, 1)} s.`);
}

await main();
