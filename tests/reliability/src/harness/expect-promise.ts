/**
 * Waits for a scenario to settle, checks the delivery promise (decision 0011) and records the
 * scenario's figures for the README's reliability section (`pnpm reliability:report`).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';
import { type CheckOptions, checkPromise, type PromiseReport } from './promise-check.ts';
import { RESULTS_FILE } from './results-file.ts';
import type { Scene } from './scene.ts';

/** Polls until every accepted question is answered and no bubble is generating, or time is up. */
export async function settle(
  scene: Scene,
  timeoutMs = 20_000,
  options: CheckOptions = {},
): Promise<PromiseReport> {
  const started = Date.now();
  for (;;) {
    const report = checkPromise(scene.chat, scene.questions, options);
    if (report.lost === 0 && report.unfinished === 0) return report;
    if (Date.now() - started > timeoutMs) return report;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Asserts the promise after a scenario: no reply left unfinished, no accepted message
 * unanswered, no duplicate bubble. Records the figures under `name`.
 */
export async function expectPromise(
  scene: Scene,
  name: string,
  options: CheckOptions & { timeoutMs?: number } = {},
): Promise<PromiseReport> {
  const report = await settle(scene, options.timeoutMs, options);
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  appendFileSync(RESULTS_FILE, `${JSON.stringify({ scenario: name, ...report })}\n`);
  expect(report.details, `scenario "${name}"`).toEqual([]);
  expect(report.messages).toBeGreaterThan(0);
  expect({
    unfinished: report.unfinished,
    lost: report.lost,
    duplicated: report.duplicated,
  }).toEqual({
    unfinished: 0,
    lost: 0,
    duplicated: 0,
  });
  return report;
}
