/**
 * Formatting shared by the figures of `rongcloud.bench.ts`: medians, numbers, ratios and
 * markdown tables.
 *
 * @module
 */

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
export function times(ratio: number): string {
  return Number.isFinite(ratio) ? `${format(ratio, 2)}×` : '—';
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
