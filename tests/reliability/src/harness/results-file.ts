import { fileURLToPath } from 'node:url';

/**
 * Where each scenario's figures are appended (one JSON line each; see `report.mjs`). Its own
 * module: vitest's globalSetup imports it, and must not load the packages (not built yet on a
 * fresh clone, and globalSetup does not resolve them from source).
 */
export const RESULTS_FILE = fileURLToPath(new URL('../../results/last-run.jsonl', import.meta.url));
