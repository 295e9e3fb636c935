/**
 * Measuring and printing for the benchmarks: interleaved rounds with warm-up, medians, markdown
 * tables with wrapped notes, and the goal next to each figure (recorded for a closing summary;
 * nothing is asserted).
 */
import { performance } from 'node:perf_hooks';

/** Untimed rounds run first so every code path is optimised. */
export const WARMUP_ROUNDS = 4;
/** Timed rounds; the tables show medians. */
export const ROUNDS = 15;

/** Results are stored here so the JIT cannot drop the measured work. */
const observed = { value: undefined as unknown, count: 0 };

export function keep(value: unknown): void {
  observed.value = value;
  observed.count += 1;
}

/** How many results {@link keep} was given (0 would mean the loops measured nothing). */
export function observedCount(): number {
  return observed.count;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

export function format(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A ratio as "1.23×", or "—" when there is nothing to compare with. */
export function times(ratio: number, digits = 2): string {
  return Number.isFinite(ratio) ? `${format(ratio, digits)}×` : '—';
}

/** One figure against its goal, for the goal column and the closing summary. */
export interface GoalResult {
  figure: string;
  measure: string;
  value: number;
  goal: string;
  met: boolean;
}

export const goalResults: GoalResult[] = [];

/** Options of {@link goalCell}. */
export interface GoalOptions {
  /** The figure, e.g. `'2. cold import'`. */
  figure: string;
  /** What is compared, in the summary. */
  measure: string;
  /** Ours against the SDK (a ratio; NaN when it could not be measured). */
  value: number;
  /** The ratio the goal names. */
  target: number;
  /** `'at-least'`: met when `value ≥ target`; `'at-most'`: met when `value ≤ target`. */
  direction: 'at-least' | 'at-most';
  /** The target as printed, e.g. `'2×'` or `'⅛'`. */
  label: string;
}

/**
 * The goal cell: "≥ 2×: met" / "≤ 0.25×: missed" (nothing asserted), recorded for the summary.
 */
export function goalCell(options: GoalOptions): string {
  const { figure, measure, value, target, direction, label } = options;
  const goal = `${direction === 'at-least' ? '≥' : '≤'} ${label}`;
  if (!Number.isFinite(value)) return goal;
  const met = direction === 'at-least' ? value >= target : value <= target;
  goalResults.push({ figure, measure, value, goal, met });
  return `${goal}: ${met ? 'met' : 'missed'}`;
}

/** Wraps a note as a markdown bullet of at most `width` columns. */
export function wrap(note: string, width = 96): string {
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

/** Prints a markdown table (first column left-aligned, the others right-aligned). */
export function printTable(
  title: string,
  headers: string[],
  rows: string[][],
  notes: string[] = [],
) {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    `| ${cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join(' | ')} |`;
  const rule = `|${widths
    .map((width, column) =>
      column === 0 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`,
    )
    .join('|')}|`;
  console.log(`\n## ${title}\n`);
  console.log(line(headers));
  console.log(rule);
  for (const row of rows) console.log(line(row));
  if (notes.length > 0) console.log('');
  for (const note of notes) console.log(wrap(note));
}

export function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// ---------------------------------------------------------------------------------------------
// Round runner
// ---------------------------------------------------------------------------------------------

export interface Variant {
  name: string;
  /** Operations per timed sample. */
  batch: number;
  /** Runs `batch` operations and returns the milliseconds they took (set-up excluded). */
  run: (batch: number) => number;
}

/** ns per operation of each variant, one value per timed round. */
export async function runRounds(variants: Variant[]): Promise<Map<string, number[]>> {
  const results = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
    for (let offset = 0; offset < variants.length; offset += 1) {
      const variant = variants[(round + offset) % variants.length] as Variant;
      const ms = variant.run(variant.batch);
      if (round >= WARMUP_ROUNDS) results.get(variant.name)?.push((ms * 1e6) / variant.batch);
    }
    await macrotask();
  }
  return results;
}

/** A synchronous loop as a variant's `run`. */
export function timed(operation: (index: number) => unknown): (batch: number) => number {
  return (batch) => {
    const start = performance.now();
    for (let index = 0; index < batch; index += 1) keep(operation(index));
    return performance.now() - start;
  };
}
