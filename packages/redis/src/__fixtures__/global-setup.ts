/**
 * Vitest global setup of @imbridge/redis: one real `redis-server` for the whole run, on a free
 * loopback port with a temporary directory, stopped after the run. Tests read its URL with
 * `inject('redisUrl')`. Fails with the install command when `redis-server` is missing.
 */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the server started for this run. */
    redisUrl: string;
  }
}

/** Starts the server and hands its URL to the tests; the returned function stops it. */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}
