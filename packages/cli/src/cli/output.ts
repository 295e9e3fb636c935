/**
 * What a command prints. Results go to stdout (lines for people, or one JSON document with
 * `--json`); notes, progress, `--verbose` traces and errors go to stderr, so stdout stays
 * pipeable. Colours only where {@link wantsColor} allows them.
 *
 * @module
 */
import picocolors from 'picocolors';
import type { ExitCode } from './exit-codes.ts';
import type { OutputStream } from './streams.ts';

/** The colour functions of picocolors (identity functions when colours are off). */
export type Colors = ReturnType<typeof picocolors.createColors>;

/** What a command produced: data for `--json`, lines for people, and its exit code. */
export interface CommandResult {
  /** Merged into the JSON document (`{ "ok": …, …data }`). */
  data: Record<string, unknown>;
  /** Printed to stdout, one per line, without `--json`. */
  lines: string[];
  /** @default 0 */
  exitCode?: ExitCode | undefined;
}

/** Options of {@link createOutput}. */
export interface OutputOptions {
  /** Where results go. */
  stdout: OutputStream;
  /** Where notes, traces and errors go. */
  stderr: OutputStream;
  /** `--json`: one JSON document on stdout, nothing for people. */
  json: boolean;
  /** `--verbose`: traces on stderr. */
  verbose: boolean;
  /** Colours on stdout. */
  stdoutColor: boolean;
  /** Colours on stderr. */
  stderrColor: boolean;
}

/** The printer of one command. */
export interface Output {
  /** `--json` was given. */
  readonly json: boolean;
  /** `--verbose` was given. */
  readonly verbose: boolean;
  /** Colours for stdout. */
  readonly colors: Colors;
  /** Colours for stderr. */
  readonly errorColors: Colors;
  /** True on an interactive terminal without `--json`: spinners are shown. */
  readonly interactive: boolean;
  /** The stderr stream (the spinner draws on it). */
  readonly stderr: OutputStream;
  /** Prints a line on stdout. */
  print(line: string): void;
  /** Prints a note for people on stderr (nothing with `--json`). */
  note(line: string): void;
  /** Prints a trace on stderr with `--verbose`. */
  debug(line: string): void;
  /** Prints an error on stderr, with a hint under it. */
  error(message: string, hint?: string | undefined): void;
  /** Prints a value as one JSON document on stdout. */
  printJson(value: unknown): void;
  /** Prints a command's result, as JSON or as lines. */
  result(result: CommandResult): void;
}

/** Creates the printer of one command. */
export function createOutput(options: OutputOptions): Output {
  const colors = picocolors.createColors(options.stdoutColor);
  const errorColors = picocolors.createColors(options.stderrColor);
  const printJson = (value: unknown) => {
    options.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  };
  return {
    json: options.json,
    verbose: options.verbose,
    colors,
    errorColors,
    interactive: !options.json && options.stdout.isTTY === true && options.stderr.isTTY === true,
    stderr: options.stderr,
    print(line) {
      options.stdout.write(`${line}\n`);
    },
    note(line) {
      if (!options.json) options.stderr.write(`${line}\n`);
    },
    debug(line) {
      if (options.verbose) options.stderr.write(`${errorColors.dim(`· ${line}`)}\n`);
    },
    error(message, hint) {
      options.stderr.write(`${errorColors.red(errorColors.bold('error:'))} ${message}\n`);
      if (hint !== undefined) options.stderr.write(`  ${errorColors.yellow('fix:')} ${hint}\n`);
    },
    printJson,
    result(result) {
      if (options.json) {
        const exitCode = result.exitCode ?? 0;
        printJson({ ok: exitCode === 0, ...(exitCode === 0 ? {} : { exitCode }), ...result.data });
        return;
      }
      for (const line of result.lines) options.stdout.write(`${line}\n`);
    },
  };
}
