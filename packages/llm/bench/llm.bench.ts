/**
 * Benchmarks of `@imbridge/llm` (not part of the tests).
 *
 * 1. Stream parsing: events per second on a 2,000-chunk OpenAI-style SSE body served from memory
 *    (a `Response` whose `ReadableStream` hands out the body in ~4 KB pieces), for
 *    `createOpenAICompatible`, the `openai` package's streaming (`chat.completions.create` with
 *    `stream: true`) and raw `eventsource-parser` + `JSON.parse` (the floor), plus the MiniMax
 *    and Dify adapters on equivalent bodies in their own wire formats when they exist.
 * 2. Cold import: fresh `node` processes importing the built `dist/index.js` against `openai`.
 *
 * Our hot path: the HTTP call goes through `@imbridge/provider-utils` (ky, loaded on the first
 * call), its `readServerSentEventBatches` hands over one array of SSE events per network read,
 * each adapter maps it to one array of model events, and `withRetriesBeforeFirstToken` flattens
 * the arrays for the consumer. So there is one `await` per read inside, and the only per-event
 * async step is the one `for await` the consumer does anyway.
 *
 * Run with `pnpm bench` in packages/llm (`tsx bench/llm.bench.ts`; `BENCH_ROUNDS=60` for steadier
 * medians). Figure 1 runs the sources of every `@imbridge/*` package (the script restarts itself
 * with `--conditions=@imbridge/source` when it was not given). Figure 2 needs `dist/` of llm and
 * its workspace dependencies and builds them when missing or older than their sources. Rounds
 * interleave the variants (rotated each round); the tables show medians, and ratios are medians
 * of per-round ratios. Nothing is asserted.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { LanguageModel } from '@imbridge/core';
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';

const SOURCE_CONDITION = '--conditions=@imbridge/source';
if (!process.execArgv.includes(SOURCE_CONDITION)) {
  // The workspace packages resolve to their TypeScript sources only under this condition (as in
  // the tests); without it `@imbridge/*` would load whatever `dist/` happens to hold.
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, SOURCE_CONDITION, ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(child.status ?? 1);
}
const { createOpenAICompatible } = await import('../src/openai-compatible/openai-compatible.ts');

const WARMUP_ROUNDS = 5;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);
const COLD_RUNS = 10;
const CHUNKS = 2000;
const PIECE_BYTES = 4096;
const BASE_URL = 'http://bench.invalid/v1';

const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------------------------

const WORDS = ['Hello', ' world', ', 你好', ' and', ' 世界', ' again', '!', ' The'];

function openAIBody(): Uint8Array {
  const parts: string[] = [];
  const head = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1_761_900_000,
    model: 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_560af6e559',
  };
  for (let index = 0; index < CHUNKS; index += 1) {
    const delta = index === 0 ? { role: 'assistant', content: '' } : { content: WORDS[index % 8] };
    const last = index === CHUNKS - 1;
    parts.push(
      `data: ${JSON.stringify({
        ...head,
        choices: [
          {
            index: 0,
            delta: last ? {} : delta,
            logprobs: null,
            finish_reason: last ? 'stop' : null,
          },
        ],
      })}\n\n`,
    );
  }
  parts.push('data: [DONE]\n\n');
  return encoder.encode(parts.join(''));
}

function miniMaxBody(): Uint8Array {
  const parts: string[] = [];
  let text = '';
  for (let index = 0; index < CHUNKS - 1; index += 1) {
    const content = WORDS[index % 8] ?? '';
    text += content;
    parts.push(
      `data: ${JSON.stringify({
        id: '0431a1b2c3d4e5f6',
        choices: [{ index: 0, delta: { role: 'assistant', content } }],
        created: 1_761_900_000,
        model: 'MiniMax-M2',
        object: 'chat.completion.chunk',
        usage: null,
        base_resp: { status_code: 0, status_msg: '' },
      })}\n\n`,
    );
  }
  parts.push(
    `data: ${JSON.stringify({
      id: '0431a1b2c3d4e5f6',
      choices: [{ finish_reason: 'stop', index: 0, message: { role: 'assistant', content: text } }],
      created: 1_761_900_000,
      model: 'MiniMax-M2',
      object: 'chat.completion',
      usage: { total_tokens: 2100, prompt_tokens: 100, completion_tokens: 2000 },
      base_resp: { status_code: 0, status_msg: '' },
    })}\n\n`,
  );
  return encoder.encode(parts.join(''));
}

function difyBody(): Uint8Array {
  const parts: string[] = [];
  const ids = {
    conversation_id: '45701982-8118-4bc5-8e9b-64562b4555f2',
    message_id: '5ad4cb98-f0c7-4085-b384-88c403be6290',
    task_id: 'd9c2c9a8-7b6f-4c3e-9a1d-2b3c4d5e6f70',
  };
  for (let index = 0; index < CHUNKS - 1; index += 1) {
    parts.push(
      `data: ${JSON.stringify({ event: 'message', ...ids, id: ids.message_id, answer: WORDS[index % 8], created_at: 1_761_900_000 })}\n\n`,
    );
  }
  parts.push(
    `data: ${JSON.stringify({ event: 'message_end', ...ids, id: ids.message_id, metadata: { usage: { prompt_tokens: 100, completion_tokens: 2000, total_tokens: 2100 } } })}\n\n`,
  );
  return encoder.encode(parts.join(''));
}

/** A fresh `Response` streaming the body in ~4 KB pieces (views, no copies). */
function respond(body: Uint8Array): Response {
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= body.length) {
        controller.close();
        return;
      }
      controller.enqueue(body.subarray(offset, offset + PIECE_BYTES));
      offset += PIECE_BYTES;
    },
  });
  return new Response(stream, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8' },
  });
}

// ---------------------------------------------------------------------------------------------
// Variants: each returns how many content events it saw
// ---------------------------------------------------------------------------------------------

type Variant = { name: string; run: () => Promise<number> };

const REQUEST = { messages: [{ role: 'user' as const, content: 'Hi' }] };

async function countModelEvents(model: LanguageModel): Promise<number> {
  let count = 0;
  for await (const event of model.stream(REQUEST)) {
    if (event.type === 'text-delta' || event.type === 'text-replace') count += 1;
    else if (event.type === 'error') throw event.error;
  }
  return count;
}

const openAIBytes = openAIBody();

const ours = createOpenAICompatible({
  baseUrl: BASE_URL,
  apiKey: 'x',
  model: 'gpt-4o-mini',
  retry: false,
  fetch: async () => respond(openAIBytes),
});

const openAIClient = new OpenAI({
  apiKey: 'x',
  baseURL: BASE_URL,
  maxRetries: 0,
  fetch: async () => respond(openAIBytes),
});

async function raw(): Promise<number> {
  const response = respond(openAIBytes);
  const body = response.body;
  if (body === null) throw new Error('no body');
  let count = 0;
  const parser = createParser({
    onEvent(event) {
      if (event.data === '[DONE]') return;
      const json = JSON.parse(event.data) as {
        choices: Array<{ delta?: { content?: string | null } }>;
      };
      const content = json.choices[0]?.delta?.content;
      if (typeof content === 'string' && content.length > 0) count += 1;
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
  }
  return count;
}

const variants: Variant[] = [
  { name: 'createOpenAICompatible', run: () => countModelEvents(ours) },
  {
    name: 'openai package',
    run: async () => {
      const stream = await openAIClient.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      });
      let count = 0;
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta?.content;
        if (typeof content === 'string' && content.length > 0) count += 1;
      }
      return count;
    },
  },
  { name: 'raw eventsource-parser + JSON.parse', run: raw },
];

async function addOptionalAdapters(): Promise<void> {
  const minimaxPath = join(packageDirectory, 'src/minimax/minimax.ts');
  if (existsSync(minimaxPath)) {
    const module = (await import(pathToFileURL(minimaxPath).href)) as {
      createMiniMax?: (options: Record<string, unknown>) => LanguageModel;
    };
    const bytes = miniMaxBody();
    const create = module.createMiniMax;
    if (create !== undefined) {
      const model = create({
        apiKey: 'x',
        model: 'MiniMax-M2',
        baseUrl: BASE_URL,
        retry: false,
        fetch: async () => respond(bytes),
      });
      variants.push({
        name: 'createMiniMax (its wire format)',
        run: () => countModelEvents(model),
      });
    }
  }
  const difyPath = join(packageDirectory, 'src/dify/dify.ts');
  if (existsSync(difyPath)) {
    const module = (await import(pathToFileURL(difyPath).href)) as {
      createDify?: (options: Record<string, unknown>) => LanguageModel;
    };
    const bytes = difyBody();
    const create = module.createDify;
    if (create !== undefined) {
      const model = create({
        apiKey: 'app-x',
        app: 'chat',
        baseUrl: BASE_URL,
        retry: false,
        fetch: async () => respond(bytes),
      });
      variants.push({ name: 'createDify (its wire format)', run: () => countModelEvents(model) });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

function median(values: ReadonlyArray<number>): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

async function parseFigure(): Promise<void> {
  await addOptionalAdapters();
  const times = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
    for (let step = 0; step < variants.length; step += 1) {
      const variant = variants[(round + step) % variants.length];
      if (variant === undefined) continue;
      const started = performance.now();
      const count = await variant.run();
      const elapsed = performance.now() - started;
      if (count < CHUNKS - 2) throw new Error(`${variant.name} saw only ${count} events`);
      if (round >= WARMUP_ROUNDS) times.get(variant.name)?.push(elapsed);
    }
  }
  const oursTimes = times.get('createOpenAICompatible') ?? [];
  const rows = variants.map((variant) => {
    const own = times.get(variant.name) ?? [];
    const ms = median(own);
    // Per-round ratio: how many times faster createOpenAICompatible was than this variant.
    const ratio = median(own.map((time, index) => time / (oursTimes[index] ?? Number.NaN)));
    return {
      variant: variant.name,
      'median ms / 2,000 chunks': ms.toFixed(2),
      'events/s': Math.round((CHUNKS / ms) * 1000).toLocaleString('en-US'),
      'ours is × faster': ratio.toFixed(2),
    };
  });
  console.log(
    `\n1. Stream parsing: ${CHUNKS} chunks (${(openAIBytes.length / 1024).toFixed(0)} KB) in ${PIECE_BYTES}-byte pieces, median of ${ROUNDS} rounds`,
  );
  console.table(rows);
  console.log(
    'Ours: one SSE batch per network read (readServerSentEventBatches) mapped to one batch of model\n' +
      'events per read, flattened by withRetriesBeforeFirstToken: one await per read inside, one\n' +
      'async-generator step per event for the consumer. The gap to raw is that step plus the\n' +
      'adapter checks (abort, timeouts, errors, usage, reasoning) that raw does not do.',
  );
}

function coldImport(specifier: string): number[] {
  const script = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
  const results: number[] = [];
  for (let run = 0; run < COLD_RUNS; run += 1) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDirectory,
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`cold import of ${specifier} failed: ${child.stderr}`);
    results.push(Number(child.stdout));
  }
  return results;
}

/** Newest modification time of the files under a folder, in milliseconds. */
function newestMtimeMs(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** True when a package's `dist/index.js` is missing or older than its `src/`. */
function distIsStale(packageFolder: string): boolean {
  const entry = join(packageFolder, 'dist/index.js');
  return !existsSync(entry) || statSync(entry).mtimeMs < newestMtimeMs(join(packageFolder, 'src'));
}

function coldFigure(): void {
  const distEntry = join(packageDirectory, 'dist/index.js');
  const packagesFolder = join(packageDirectory, '..');
  if (['llm', 'provider-utils', 'core'].some((name) => distIsStale(join(packagesFolder, name)))) {
    console.log('\nBuilding dist/ of @imbridge/llm and its workspace dependencies...');
    const build = spawnSync('pnpm', ['--filter', '@imbridge/llm...', 'run', 'build'], {
      cwd: packageDirectory,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('build failed');
  }
  const openAIEntry = pathToFileURL(require.resolve('openai')).href;
  const ours = coldImport(pathToFileURL(distEntry).href);
  const theirs = coldImport(openAIEntry);
  console.log(`\n2. Cold import in fresh node processes (median of ${COLD_RUNS})`);
  console.table([
    { module: '@imbridge/llm dist/index.js', 'median ms': median(ours).toFixed(1) },
    { module: 'openai', 'median ms': median(theirs).toFixed(1) },
    { module: 'ratio openai / ours', 'median ms': (median(theirs) / median(ours)).toFixed(2) },
  ]);
}

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}`);
await parseFigure();
coldFigure();
