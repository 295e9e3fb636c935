/**
 * What the figures share: the round runner (warm-up rounds, then timed rounds interleaving the
 * variants, their order rotated each round), medians, per-round ratios and the markdown tables.
 */

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

/** A ratio as `1.23×`. */
export function times(value: number, digits = 2): string {
  return Number.isFinite(value) ? `${format(value, digits)}×` : 'n/a';
}

/** Wraps a note as a markdown bullet of at most `width` columns. */
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

/** Prints a markdown table (first column left-aligned, the others right-aligned). */
export function printTable(
  title: string,
  headers: string[],
  rows: string[][],
  notes: string[] = [],
): void {
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

function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface Variant {
  name: string;
  /** Name of the variant this one is compared with. */
  baseline: string;
  /** Operations per timed sample. */
  batch: number;
  /** Runs `batch` operations and returns the milliseconds they took (set-up excluded). */
  run: (batch: number) => Promise<number>;
}

/** ns per operation of each variant, one value per timed round. */
export async function runRounds(variants: Variant[]): Promise<Map<string, number[]>> {
  const results = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round += 1) {
    for (let offset = 0; offset < variants.length; offset += 1) {
      const variant = variants[(round + offset) % variants.length] as Variant;
      const ms = await variant.run(variant.batch);
      if (round >= WARMUP_ROUNDS) results.get(variant.name)?.push((ms * 1e6) / variant.batch);
    }
    await macrotask();
  }
  return results;
}

/** Rows: name, ops/s, µs/op, median per-round ratio of ops/s to the baseline. */
export function speedRows(variants: Variant[], results: Map<string, number[]>): string[][] {
  return variants.map((variant) => {
    const own = results.get(variant.name) ?? [];
    const base = results.get(variant.baseline) ?? [];
    const nsPerOp = median(own);
    const ratio = median(own.map((value, round) => (base[round] ?? Number.NaN) / value));
    return [
      variant.name,
      format(1e9 / nsPerOp),
      format(nsPerOp / 1000, 2),
      variant.name === variant.baseline ? '1.00×' : times(ratio),
    ];
  });
}
