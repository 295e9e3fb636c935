/**
 * `run(argv, options)`: one invocation of `imbridge`, in process. The bin passes the process's
 * streams, environment and a `.env` reader; tests and programs pass their own.
 *
 * @module
 */
import { AbortedError } from '@imbridge/core';
import { CommanderError } from 'commander';
import type { DevHost } from '../dev/host.ts';
import { createActionFactory, type ExitState } from './command-kit.ts';
import { createRuntimeOutput, type EnvFileLoader, type Runtime } from './context.ts';
import { EXIT_CODES, type ExitCode } from './exit-codes.ts';
import { describeFailure } from './failure.ts';
import { createProgram } from './program.ts';
import { createRedactor } from './redact.ts';
import { type OutputStream, redactingStream } from './streams.ts';
import { SECRET_VARIABLES } from './variables.ts';

/** Options of {@link run}. */
export interface RunOptions {
  /**
   * The environment settings are read from (flags win over it, it wins over `.env`).
   * @default globalThis.process.env
   */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Where results go. @default globalThis.process.stdout */
  stdout?: OutputStream | undefined;
  /** Where notes, traces and errors go. @default globalThis.process.stderr */
  stderr?: OutputStream | undefined;
  /** The fetch vendors and webhook endpoints are called with. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
  /**
   * Reads a `.env` file (the bin passes one that reads from the working directory with Node's
   * `util.parseEnv`). Without it, no `.env` file is read.
   */
  loadEnvFile?: EnvFileLoader | undefined;
  /** Cancels the command (the bin aborts it on Ctrl-C); `imbridge dev` runs until it aborts. */
  signal?: AbortSignal | undefined;
  /**
   * What `imbridge dev` needs from the platform: a loopback HTTP server and a browser opener.
   * The bin passes Node's; without it, `imbridge dev` exits with code 2 and says so.
   */
  devHost?: DevHost | undefined;
}

/** What {@link run} resolves to. */
export interface RunResult {
  /** The exit code: see {@link EXIT_CODES}. */
  exitCode: ExitCode;
}

interface ProcessLike {
  env?: Record<string, string | undefined>;
  stdout?: OutputStream;
  stderr?: OutputStream;
}

const NULL_STREAM: OutputStream = { write: () => true };

function processLike(): ProcessLike {
  return (globalThis as { process?: ProcessLike }).process ?? {};
}

/** Maps a commander error (help, version, usage) to an exit code, reporting usage errors. */
function commanderExit(error: CommanderError, runtime: Runtime, json: boolean): ExitCode {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
    return EXIT_CODES.ok;
  }
  // A group called without a subcommand prints its help to stderr: a usage error.
  if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
    return EXIT_CODES.usage;
  }
  const message = error.message.replace(/^error: /, '');
  const output = createRuntimeOutput(runtime, { json });
  if (json) {
    output.printJson({
      ok: false,
      exitCode: EXIT_CODES.usage,
      error: { type: 'usage', message, code: error.code },
    });
  } else {
    output.error(message, 'run with --help for usage');
  }
  return EXIT_CODES.usage;
}

/**
 * Runs `imbridge` with `argv` (the arguments after the program name) and resolves to its exit
 * code; it never calls `process.exit` and never throws for a failed command. Everything it
 * writes passes through a redactor that knows the invocation's secrets.
 *
 * @example
 * ```ts
 * import { run } from '@imbridge/cli';
 *
 * const { exitCode } = await run(['tencent', 'robot', 'list', '--json'], {
 *   env: { ...process.env, TENCENT_IM_BASE_URL: 'http://127.0.0.1:8080' },
 * });
 * ```
 */
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const host = processLike();
  const env = options.env ?? host.env ?? {};
  const redactor = createRedactor();
  redactor.add(SECRET_VARIABLES.map((name) => env[name]));
  const runtime: Runtime = {
    env,
    stdout: redactingStream(options.stdout ?? host.stdout ?? NULL_STREAM, redactor),
    stderr: redactingStream(options.stderr ?? host.stderr ?? NULL_STREAM, redactor),
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    loadEnvFile: options.loadEnvFile,
    signal: options.signal,
    devHost: options.devHost,
    redactor,
    output: undefined,
  };
  const state: ExitState = { exitCode: EXIT_CODES.ok };
  const program = createProgram(runtime, createActionFactory(runtime, state));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return { exitCode: state.exitCode };
  } catch (error) {
    const json = argv.includes('--json');
    if (error instanceof CommanderError) return { exitCode: commanderExit(error, runtime, json) };
    const failure = describeFailure(
      options.signal?.aborted === true ? new AbortedError({ message: 'interrupted' }) : error,
    );
    const output = runtime.output ?? createRuntimeOutput(runtime, { json });
    if (output.json) {
      output.printJson({ ok: false, exitCode: failure.exitCode, error: failure.json });
    } else {
      output.error(failure.message, failure.hint);
    }
    return { exitCode: failure.exitCode };
  }
}
