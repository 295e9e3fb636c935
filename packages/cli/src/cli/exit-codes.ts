/**
 * What the exit code of `imbridge` means. Scripts can branch on it:
 *
 * - `ok` (0): the command did what it was asked;
 * - `failed` (1): the vendor refused the call (wrong secret, unknown robot…), a webhook endpoint
 *   answered with an error, a UserSig did not verify, or `doctor` found a refused credential;
 * - `usage` (2): the command line is wrong (unknown command or option, a bad value);
 * - `config` (3): a setting is missing or malformed (an environment variable, `.env`);
 * - `network` (4): the vendor or the endpoint could not be reached or did not answer in time;
 * - `interrupted` (130): stopped with Ctrl-C.
 */
export const EXIT_CODES = {
  ok: 0,
  failed: 1,
  usage: 2,
  config: 3,
  network: 4,
  interrupted: 130,
} as const;

/** One of the values of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The command line is wrong: a value that cannot be used (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A setting is missing or malformed (exit code 3). The message names the environment variable
 * and what it should hold, never its value when it is a secret.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The environment variable to fix. */
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(message);
    this.variable = variable;
  }
}
