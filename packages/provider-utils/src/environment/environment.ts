/**
 * Settings from the environment: a factory reads each option its caller left out from that
 * option's environment variable; an option given in code always wins. Works where there is no
 * `process` (Cloudflare Workers, browsers): pass the Worker's `env` as the `env` option there.
 *
 * Shared by every vendor package (`@imbridge/tencent-chat`, `@imbridge/rongcloud`,
 * `@imbridge/trtc`), so all read, check and report settings alike.
 *
 * @module
 */
import { ValidationError } from '@imbridge/core';

/**
 * Environment variables by name, e.g. `process.env` or a Cloudflare Worker's `env`. Values that
 * are not strings (a Worker's bindings) are ignored.
 */
export type EnvironmentVariables = Readonly<Record<string, unknown>>;

/** Bounds of an integer variable (inclusive). */
export interface IntegerBounds {
  /** Smallest allowed value. */
  min: number;
  /** Largest allowed value. */
  max: number;
}

/** Reads the variables of one factory call; every error names the option and the variable. */
export interface EnvironmentReader {
  /** The variable's value, trimmed; `undefined` when it is unset, blank or unreadable. */
  text(variable: string): string | undefined;
  /** A decimal integer within `bounds`, or `undefined` when unset. */
  integer(option: string, variable: string, bounds: IntegerBounds): number | undefined;
  /** One of `choices`, or `undefined` when unset. */
  oneOf<Choice extends string>(
    option: string,
    variable: string,
    choices: readonly Choice[],
  ): Choice | undefined;
  /** An http(s) URL without trailing slashes, or `undefined` when unset. */
  url(option: string, variable: string): string | undefined;
  /** A comma-separated list (items trimmed, blanks dropped), or `undefined` when unset. */
  list(variable: string): string[] | undefined;
  /**
   * The error for a required setting found neither in the options nor in the environment, e.g.
   * `createTencentChatAdapter: sdkAppId is required (option sdkAppId or env TENCENT_IM_SDK_APP_ID)`.
   */
  missing(option: string, variable: string, hint?: string): ValidationError;
}

/**
 * The process environment (`globalThis.process.env`, on Node, Bun and Deno), or an empty record
 * where there is no `process` (edge runtimes).
 */
export function processEnvironment(): EnvironmentVariables {
  try {
    const env = (globalThis as { process?: { env?: unknown } }).process?.env;
    return typeof env === 'object' && env !== null ? (env as EnvironmentVariables) : {};
  } catch {
    return {};
  }
}

function invalid(
  owner: string,
  option: string,
  variable: string,
  expected: string,
  value: string,
): ValidationError {
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return new ValidationError({
    message: `${owner}: env ${variable} (option ${option}) must be ${expected}, received ${shown}`,
    code: 'invalid-option',
    issues: [{ path: [option], message: `env ${variable} must be ${expected}` }],
  });
}

/**
 * Creates the reader of one factory call. `env` is the factory's `env` option: when given, it is
 * the only source; when left out, the process environment is read.
 *
 * @throws {ValidationError} when `env` is given but is not an object.
 */
export function createEnvironmentReader(owner: string, env: unknown): EnvironmentReader {
  if (env !== undefined && (typeof env !== 'object' || env === null)) {
    throw new ValidationError({
      message: `${owner}: env must be a record of environment variables (e.g. process.env, or a Worker's env), received ${env === null ? 'null' : `a ${typeof env}`}`,
      code: 'invalid-option',
      issues: [{ path: ['env'], message: 'must be a record of environment variables' }],
    });
  }
  const source = (env as EnvironmentVariables | undefined) ?? processEnvironment();

  const text = (variable: string): string | undefined => {
    let value: unknown;
    try {
      value = source[variable];
    } catch {
      // Deno without --allow-env throws on access: the variable is not available.
      return undefined;
    }
    if (typeof value !== 'string') return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  };

  return {
    text,
    integer(option, variable, bounds) {
      const value = text(variable);
      if (value === undefined) return undefined;
      const number = Number(value);
      if (!/^\d+$/.test(value) || number < bounds.min || number > bounds.max) {
        throw invalid(
          owner,
          option,
          variable,
          `an integer from ${bounds.min} to ${bounds.max}`,
          value,
        );
      }
      return number;
    },
    oneOf(option, variable, choices) {
      const value = text(variable);
      if (value === undefined) return undefined;
      const choice = choices.find((candidate) => candidate === value);
      if (choice === undefined) {
        throw invalid(owner, option, variable, `one of ${choices.join(', ')}`, value);
      }
      return choice;
    },
    url(option, variable) {
      const value = text(variable);
      if (value === undefined) return undefined;
      if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
        throw invalid(owner, option, variable, 'an http(s) URL', value);
      }
      return value.replace(/\/+$/, '');
    },
    list(variable) {
      const value = text(variable);
      if (value === undefined) return undefined;
      const items = value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
      return items.length === 0 ? undefined : items;
    },
    missing(option, variable, hint) {
      return new ValidationError({
        message: `${owner}: ${option} is required (option ${option} or env ${variable})${hint === undefined ? '' : `: ${hint}`}`,
        code: 'invalid-option',
        issues: [{ path: [option], message: `is required (option ${option} or env ${variable})` }],
      });
    },
  };
}
