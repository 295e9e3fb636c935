/**
 * Benchmarks of `@imbridge/redis` (not part of the tests): state operations per second and their
 * latency on a loopback redis-server started for the run, sequential and with 50 calls in
 * flight, for
 *
 * - `redisState` on a node-redis client (the package),
 * - node-redis called directly with the same commands (the anchor: what the adapter adds), and
 * - `memoryState()` (context: what leaving the process costs).
 *
 * Operations: set + get (one pair), setIfAbsent, appendToList (trim + sliding TTL),
 * acquireLock + releaseLock (one pair), consumeRateLimit. Rounds interleave the variants (their
 * order rotated each round) after a warm-up round; tables show medians over rounds, and the ratio
 * is the per-round ratio of operations per second to node-redis direct. Absolute figures depend
 * on the machine; nothing is asserted. Run with `pnpm bench` in packages/redis (about 40 s).
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { memoryState, type StateAdapter } from '@imbridge/core';
import { createClient } from 'redis';
import { REDIS_SERVER_BIN, startRedisServer } from '../src/__fixtures__/redis-server.ts';
import { redisState } from '../src/index.ts';
import {
  APPEND_TO_LIST,
  CONSUME_RATE_LIMIT,
  RELEASE_LOCK,
  runScript,
  type SendCommand,
} from '../src/scripts.ts';

/** Untimed rounds first, so every path is optimised and every script loaded. */
const WARMUP_ROUNDS = 1;
/** Timed rounds; the tables show medians. */
const ROUNDS = 9;
/** Operations per sample when one call is in flight at a time. */
const SEQUENTIAL_OPERATIONS = 1_000;
/** Operations per sample with {@link CONCURRENCY} calls in flight. */
const CONCURRENT_OPERATIONS = 5_000;
const CONCURRENCY = 50;
const TTL_MS = 60_000;

/** One operation of the benchmark, on some state; `worker` and `index` make keys distinct. */
type Operation = (worker: number, index: number) => Promise<unknown>;

interface Variant {
  name: string;
  operations: Record<string, Operation>;
}

const OPERATIONS = [
  'set + get',
  'setIfAbsent',
  'appendToList',
  'acquireLock + releaseLock',
  'consumeRateLimit',
] as const;
type OperationName = (typeof OPERATIONS)[number];

let round = 0;

function stateOperations(state: StateAdapter): Record<OperationName, Operation> {
  return {
    'set + get': async (worker) => {
      await state.set(`value:${worker}`, { worker, text: 'hello' }, { ttlMs: TTL_MS });
      return state.get(`value:${worker}`);
    },
    setIfAbsent: (worker, index) =>
      state.setIfAbsent(`seen:${round}:${worker}:${index}`, 1, { ttlMs: TTL_MS }),
    appendToList: (worker, index) =>
      state.appendToList(
        `history:${worker}`,
        { role: 'user', index },
        {
          maxLength: 50,
          ttlMs: TTL_MS,
        },
      ),
    'acquireLock + releaseLock': async (worker) => {
      const lock = await state.acquireLock(`lock:${worker}`, { ttlMs: TTL_MS });
      if (lock !== null) await state.releaseLock(lock);
    },
    consumeRateLimit: (worker) =>
      state.consumeRateLimit(`bucket:${worker}`, { ratePerSecond: 1e9, burst: 1e9 }),
  };
}

/** What the anchor calls on a node-redis client. */
interface DirectClient {
  set(key: string, value: string, options: { PX: number; NX?: true }): Promise<unknown>;
  get(key: string): Promise<string | null>;
  sendCommand(args: string[]): Promise<unknown>;
}

/** The same commands sent with node-redis itself (scripts through EVALSHA, as the adapter). */
function directOperations(client: DirectClient, prefix: string): Record<OperationName, Operation> {
  const send: SendCommand = (args) => client.sendCommand([...args]);
  return {
    'set + get': async (worker) => {
      const key = `${prefix}value:${worker}`;
      await client.set(key, JSON.stringify({ worker, text: 'hello' }), { PX: TTL_MS });
      const text = await client.get(key);
      return text === null ? undefined : JSON.parse(text);
    },
    setIfAbsent: (worker, index) =>
      client.set(`${prefix}seen:${round}:${worker}:${index}`, '1', { NX: true, PX: TTL_MS }),
    appendToList: (worker, index) =>
      runScript(
        send,
        APPEND_TO_LIST,
        [`${prefix}history:${worker}`],
        [JSON.stringify({ role: 'user', index }), '50', String(TTL_MS), String(TTL_MS)],
      ),
    'acquireLock + releaseLock': async (worker) => {
      const key = `${prefix}lock:${worker}`;
      const token = crypto.randomUUID();
      if ((await client.set(key, token, { NX: true, PX: TTL_MS })) !== null) {
        await runScript(send, RELEASE_LOCK, [key], [token]);
      }
    },
    consumeRateLimit: (worker) =>
      runScript(send, CONSUME_RATE_LIMIT, [`${prefix}bucket:${worker}`], ['1e9', '1e9', '1']),
  };
}

interface Sample {
  opsPerSecond: number;
  p50Us: number;
  p99Us: number;
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((left, right) => left - right),
    0.5,
  );
}

/** Runs `total` operations with `concurrency` in flight; per-operation latencies in µs. */
async function sample(operation: Operation, total: number, concurrency: number): Promise<Sample> {
  const latencies = new Float64Array(total);
  let next = 0;
  const worker = async (id: number): Promise<void> => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= total) return;
      const startedAt = performance.now();
      await operation(id, index);
      latencies[index] = (performance.now() - startedAt) * 1000;
    }
  };
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, id) => worker(id)));
  const elapsedMs = performance.now() - startedAt;
  const sorted = Array.from(latencies).sort((left, right) => left - right);
  return {
    opsPerSecond: (total / elapsedMs) * 1000,
    p50Us: percentile(sorted, 0.5),
    p99Us: percentile(sorted, 0.99),
  };
}

function format(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function printTable(title: string, headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    `| ${cells
      .map((cell, column) =>
        column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join(' | ')} |`;
  console.log(`\n## ${title}\n`);
  console.log(line(headers));
  console.log(
    `|${widths.map((width, column) => (column < 2 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`,
  );
  for (const row of rows) console.log(line(row));
}

async function measure(
  variants: Variant[],
  anchor: string,
  total: number,
  concurrency: number,
): Promise<string[][]> {
  const rows: string[][] = [];
  for (const operation of OPERATIONS) {
    const samples = new Map<string, Sample[]>(variants.map((variant) => [variant.name, []]));
    for (let index = 0; index < WARMUP_ROUNDS + ROUNDS; index += 1) {
      round += 1;
      for (let offset = 0; offset < variants.length; offset += 1) {
        const variant = variants[(index + offset) % variants.length] as Variant;
        const result = await sample(variant.operations[operation] as Operation, total, concurrency);
        if (index >= WARMUP_ROUNDS) samples.get(variant.name)?.push(result);
      }
    }
    const base = samples.get(anchor) ?? [];
    for (const variant of variants) {
      const own = samples.get(variant.name) ?? [];
      const ratio = median(
        own.map((item, at) => item.opsPerSecond / (base[at]?.opsPerSecond ?? 1)),
      );
      rows.push([
        variant === variants[0] ? operation : '',
        variant.name,
        format(median(own.map((item) => item.opsPerSecond))),
        format(median(own.map((item) => item.p50Us))),
        format(median(own.map((item) => item.p99Us))),
        `${format(ratio, 2)}×`,
      ]);
    }
  }
  return rows;
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const server = await startRedisServer();
  const prefix = `bench:${crypto.randomUUID()}:`;
  const client = createClient({ url: server.url });
  client.on('error', () => undefined);
  await client.connect();
  const state = redisState({ client, keyPrefix: prefix, logger: false });
  const anchor = 'node-redis direct';
  const variants: Variant[] = [
    { name: 'redisState', operations: stateOperations(state) },
    { name: anchor, operations: directOperations(client, `${prefix}direct:`) },
    // A fresh memoryState per operation, so no operation pays for the keys of another.
    {
      name: 'memoryState()',
      operations: Object.fromEntries(
        OPERATIONS.map((name) => [name, stateOperations(memoryState())[name]]),
      ),
    },
  ];
  try {
    const redisVersion = execFileSync(REDIS_SERVER_BIN, ['--version'], { encoding: 'utf8' });
    console.log('# @imbridge/redis benchmarks\n');
    console.log(
      `${new Date().toISOString().slice(0, 10)} · Node ${process.versions.node} · ` +
        `${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length} · ${redisVersion.split(' ').slice(0, 3).join(' ')} on 127.0.0.1 · ` +
        `median of ${ROUNDS} rounds after ${WARMUP_ROUNDS} warm-up; ratio = ops/s ÷ node-redis direct`,
    );
    const headers = ['operation', 'variant', 'ops/s', 'p50 µs', 'p99 µs', 'ratio'];
    printTable(
      `Sequential (one call in flight, ${format(SEQUENTIAL_OPERATIONS)} operations per sample)`,
      headers,
      await measure(variants, anchor, SEQUENTIAL_OPERATIONS, 1),
    );
    printTable(
      `Concurrency ${CONCURRENCY} (${format(CONCURRENT_OPERATIONS)} operations per sample)`,
      headers,
      await measure(variants, anchor, CONCURRENT_OPERATIONS, CONCURRENCY),
    );
    console.log(
      '\n- A "+" operation is two state calls, counted as one operation.' +
        '\n- node-redis direct sends the same commands (scripts by EVALSHA) without the adapter.' +
        `\n- Took ${format((performance.now() - startedAt) / 1000, 1)} s.`,
    );
  } finally {
    await state.close();
    await client.close();
    await server.stop();
  }
}

await main();
