/**
 * `@imbridge/cli`: the `imbridge` command line, and {@link run} to drive it in process (tests,
 * scripts, other tools). The bin is `imbridge` (`dist/bin.js`).
 *
 * @example
 * ```ts
 * import { EXIT_CODES, run } from '@imbridge/cli';
 *
 * const { exitCode } = await run(['doctor', '--json']);
 * if (exitCode !== EXIT_CODES.ok) console.error('credentials need attention');
 * ```
 * @module
 */

export type { EnvFileLoader } from './cli/context.ts';
export type { ExitCode } from './cli/exit-codes.ts';
export { EXIT_CODES } from './cli/exit-codes.ts';
export type { RunOptions, RunResult } from './cli/run.ts';
export { run } from './cli/run.ts';
export type { OutputStream } from './cli/streams.ts';
export type {
  DevHost,
  DevListener,
  DevListenOptions,
  DevRequestHandler,
} from './dev/host.ts';
export { VERSION } from './version.ts';
