/**
 * Measuring and printing for the benchmarks: medians, medians of per-round ratios, and markdown
 * tables with wrapped notes. Nothing is asserted.
 */

/** Untimed rounds run first so every code path is optimised. */
export const WARMUP_ROUNDS = 5;
/** Timed rounds (`BENCH_ROUNDS` overrides); the tables show medians. */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 25);

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2;
}

/**
 * The median over rounds of `values[round] / baseline[round]`: both were measured in the same
 * round, so drift during the run affects both sides of each ratio alike.
 */
export function medianRatio(values: readonly number[], baseline: readonly number[]): number {
  return median(values.map((value, round) => value / (baseline[round] ?? Number.NaN)));
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

/** Wraps a note as a markdown bullet of at most `width` columns. */
function wrap(note: string, width = 98): string {
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

/** Prints a markdown table (first column left-aligned, the others right-aligned) and notes. */
export function printTable(
  title: string,
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  notes: readonly string[] = [],
): void {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
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
