import { rmSync } from 'node:fs';
import { RESULTS_FILE } from './results-file.ts';

/** Starts every run with an empty figures file. */
export function setup(): void {
  rmSync(RESULTS_FILE, { force: true });
}
