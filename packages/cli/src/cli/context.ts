/**
 * What every command gets: its settings (flags, environment, `.env`), its printer, the `fetch`
 * to call vendors with (traced with `--verbose`), the cancellation signal, the per-attempt
 * timeout and a spinner.
 *
 * @module
 */
import type { DevHost } from '../dev/host.ts';
import { ConfigError, UsageError } from './exit-codes.ts';
import { createOutput, type Output } from './output.ts';
import type { Redactor } from './redact.ts';
import { createSettings, type Settings } from './settings.ts';
import { withSpinner } from './spinner.ts';
import { type OutputStream, wantsColor } from './streams.ts';
import { SECRET_VARIABLES } from './variables.ts';
import { tracingFetch } from './verbose-fetch.ts';

/** Reads a `.env` file: its variables, or `undefined` when the file does not exist. */
export type EnvFileLoader = (
  path: string,
) => Promise<Readonly<Record<string, string | undefined>> | undefined>;

/** The options every command accepts. */
export interface GlobalOptions {
  /** `--json`. */
  json?: boolean | undefined;
  /** `--verbose`. */
  verbose?: boolean | undefined;
  /** `--no-color` sets it to false. */
  color?: boolean | undefined;
  /** `--env-file <path>`. */
  envFile?: string | undefined;
  /** `--timeout <ms>`. */
  timeout?: string | undefined;
}

/** What one invocation of the CLI runs with. */
export interface Runtime {
  /** The process environment. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** stdout, redacting. */
  readonly stdout: OutputStream;
  /** stderr, redacting. */
  readonly stderr: OutputStream;
  /** The fetch vendors are called with. */
  readonly fetch: typeof fetch;
  /** Reads `.env` files; without it no `.env` is read. */
  readonly loadEnvFile: EnvFileLoader | undefined;
  /** Cancels what runs (Ctrl-C). */
  readonly signal: AbortSignal | undefined;
  /** Knows the secrets of this invocation. */
  readonly redactor: Redactor;
  /** The platform parts of `imbridge dev` (the bin passes Node's); without them `dev` refuses. */
  readonly devHost?: DevHost | undefined;
  /** The printer of the command that runs, once it started. */
  output: Output | undefined;
}

/** What a command runs with. */
export interface CommandContext {
  /** Flags, environment, `.env`. */
  readonly settings: Settings;
  /** The printer. */
  readonly output: Output;
  /** The fetch to call vendors with. */
  readonly fetch: typeof fetch;
  /** Cancels the command. */
  readonly signal: AbortSignal | undefined;
  /** Limit per HTTP attempt, in milliseconds (`--timeout`). */
  readonly timeoutMs: number;
  /** The platform parts of `imbridge dev`, when the caller passed them. */
  readonly devHost: DevHost | undefined;
  /** Runs `task` under a spinner on a terminal. */
  spin<T>(label: string, task: () => Promise<T>): Promise<T>;
}

/** The default `--timeout`, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The default `--env-file`. */
export const DEFAULT_ENV_FILE = '.env';

function timeoutOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 600_000) {
    throw new UsageError(`--timeout must be milliseconds from 1 to 600000, received "${text}"`);
  }
  return value;
}

/** The printer for `globals`, before any setting is read. */
export function createRuntimeOutput(runtime: Runtime, globals: GlobalOptions): Output {
  const color = globals.color !== false;
  return createOutput({
    stdout: runtime.stdout,
    stderr: runtime.stderr,
    json: globals.json === true,
    verbose: globals.verbose === true,
    stdoutColor: wantsColor(runtime.stdout, runtime.env, color),
    stderrColor: wantsColor(runtime.stderr, runtime.env, color),
  });
}

/**
 * Creates the context of a command: the printer first (so even a `.env` failure is reported in
 * the requested format), then the `.env` file, whose secrets join the redactor before anything
 * is printed, then the settings.
 *
 * @throws {ConfigError} when an `--env-file` given explicitly does not exist.
 * @throws {UsageError} for a bad `--timeout`.
 */
export async function createCommandContext(
  runtime: Runtime,
  globals: GlobalOptions,
): Promise<CommandContext> {
  const output = createRuntimeOutput(runtime, globals);
  runtime.output = output;
  const timeoutMs = timeoutOf(globals.timeout);
  const dotEnvPath = globals.envFile ?? DEFAULT_ENV_FILE;
  const dotEnv =
    runtime.loadEnvFile === undefined ? undefined : await runtime.loadEnvFile(dotEnvPath);
  if (dotEnv === undefined && globals.envFile !== undefined) {
    throw new ConfigError('--env-file', `the env file ${globals.envFile} does not exist`);
  }
  runtime.redactor.add(SECRET_VARIABLES.map((name) => dotEnv?.[name]));
  if (dotEnv !== undefined) output.debug(`read settings from ${dotEnvPath}`);
  const settings = createSettings({
    env: runtime.env,
    dotEnv: dotEnv ?? {},
    dotEnvPath,
    onResolve: (name, description) => output.debug(`${name}: ${description}`),
  });
  return {
    settings,
    output,
    fetch: output.verbose ? tracingFetch(runtime.fetch, output) : runtime.fetch,
    signal: runtime.signal,
    timeoutMs,
    devHost: runtime.devHost,
    spin: (label, task) => withSpinner(output, label, task),
  };
}
