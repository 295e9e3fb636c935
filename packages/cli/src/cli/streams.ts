/**
 * The streams `imbridge` writes to: anything with `write(text)`, so tests and programs can pass
 * their own; `isTTY` decides colours and the spinner.
 *
 * @module
 */
import type { Redactor } from './redact.ts';

/** A stream the CLI writes text to, such as `process.stdout`. */
export interface OutputStream {
  /** Writes text. */
  write(text: string): unknown;
  /** True for an interactive terminal: colours and a spinner are used only then. */
  readonly isTTY?: boolean | undefined;
  /** Width of the terminal, when known. */
  readonly columns?: number | undefined;
}

/** `stream`, with every write passed through `redactor` first. */
export function redactingStream(stream: OutputStream, redactor: Redactor): OutputStream {
  return {
    write: (text: string) => stream.write(redactor.redact(text)),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/**
 * Whether to colour what goes to `stream`: only on a terminal, never with `--no-color`, a
 * non-empty `NO_COLOR` or `TERM=dumb`; a non-empty `FORCE_COLOR` other than `0` turns colours on
 * even when the output is not a terminal.
 *
 * @see https://no-color.org
 */
export function wantsColor(
  stream: OutputStream,
  env: Readonly<Record<string, string | undefined>>,
  colorFlag: boolean,
): boolean {
  if (!colorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}
