/**
 * Settings of one command: a flag wins over the environment, the environment over `.env`. An
 * empty value counts as unset. Secrets come from the environment or `.env` only.
 *
 * @module
 */
import { ConfigError, UsageError } from './exit-codes.ts';
import { isSecretVariable, VARIABLES, type VariableName } from './variables.ts';

/** Where a setting came from. */
export type SettingSource = 'flag' | 'environment' | '.env' | 'default';

/** A setting and where it came from. */
export interface ResolvedSetting {
  /** The value (trimmed). */
  value: string;
  /** Where it came from. */
  source: SettingSource;
}

/** What {@link createSettings} needs. */
export interface SettingsSources {
  /** The process environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** The variables of the `.env` file, when one was read. */
  dotEnv: Readonly<Record<string, string | undefined>>;
  /** The path of that file, for messages. */
  dotEnvPath: string;
  /** Called once per setting read (for `--verbose`); secrets are described, never passed. */
  onResolve?: ((name: VariableName, description: string) => void) | undefined;
}

/** Reads settings in order: flag, environment, `.env`. */
export interface Settings {
  /** The setting, or `undefined` when it is not set anywhere. */
  get(name: VariableName, flag?: string | undefined): ResolvedSetting | undefined;
  /** The value, or `undefined`. */
  optional(name: VariableName, flag?: string | undefined): string | undefined;
  /** The value; throws a {@link ConfigError} naming the variable when it is not set. */
  required(name: VariableName, flag?: string | undefined): string;
  /**
   * An integer setting in `[min, max]`, or `undefined`; a bad flag is a {@link UsageError}, a
   * bad variable a {@link ConfigError}.
   */
  integer(
    name: VariableName,
    flag: string | undefined,
    range: { min: number; max: number },
  ): number | undefined;
  /** {@link Settings.integer}, required. */
  requiredInteger(
    name: VariableName,
    flag: string | undefined,
    range: { min: number; max: number },
  ): number;
  /** One of `choices`, or `fallback` when unset. */
  oneOf<Choice extends string>(
    name: VariableName,
    flag: string | undefined,
    choices: readonly Choice[],
    fallback: Choice,
  ): Choice;
  /** An http(s) URL without a trailing slash, or `undefined`. */
  url(name: VariableName, flag: string | undefined): string | undefined;
  /** True when any of `names` is set anywhere (flags not counted). */
  anySet(names: readonly VariableName[]): boolean;
}

/** The text of a value that may be shown: secrets only by their length. */
export function describeValue(name: VariableName, setting: ResolvedSetting): string {
  return isSecretVariable(name)
    ? `set (${setting.value.length} characters, from ${setting.source})`
    : `${JSON.stringify(setting.value)} (from ${setting.source})`;
}

function present(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/** Creates the settings reader of one command. */
export function createSettings(sources: SettingsSources): Settings {
  const reported = new Set<VariableName>();

  const get = (name: VariableName, flag?: string): ResolvedSetting | undefined => {
    const fromFlag = isSecretVariable(name) ? undefined : present(flag);
    const fromEnv = present(sources.env[name]);
    const fromFile = present(sources.dotEnv[name]);
    const setting: ResolvedSetting | undefined =
      fromFlag !== undefined
        ? { value: fromFlag, source: 'flag' }
        : fromEnv !== undefined
          ? { value: fromEnv, source: 'environment' }
          : fromFile !== undefined
            ? { value: fromFile, source: '.env' }
            : undefined;
    if (!reported.has(name) && sources.onResolve !== undefined) {
      reported.add(name);
      sources.onResolve(name, setting === undefined ? 'not set' : describeValue(name, setting));
    }
    return setting;
  };

  const invalid = (name: VariableName, setting: ResolvedSetting, expected: string): Error => {
    const shown = isSecretVariable(name) ? '' : `, received ${JSON.stringify(setting.value)}`;
    if (setting.source === 'flag') {
      return new UsageError(`the value for ${name} must be ${expected}${shown}`);
    }
    return new ConfigError(name, `${name} (from ${setting.source}) must be ${expected}${shown}`);
  };

  const missing = (name: VariableName): ConfigError =>
    new ConfigError(
      name,
      `${name} is not set: ${VARIABLES[name].description}. Set it in the environment or in ${sources.dotEnvPath}.`,
    );

  const settings: Settings = {
    get,
    optional: (name, flag) => get(name, flag)?.value,
    required(name, flag) {
      const setting = get(name, flag);
      if (setting === undefined) throw missing(name);
      return setting.value;
    },
    integer(name, flag, range) {
      const setting = get(name, flag);
      if (setting === undefined) return undefined;
      const value = Number(setting.value);
      if (!/^\d+$/.test(setting.value) || value < range.min || value > range.max) {
        throw invalid(name, setting, `an integer from ${range.min} to ${range.max}`);
      }
      return value;
    },
    requiredInteger(name, flag, range) {
      const value = settings.integer(name, flag, range);
      if (value === undefined) throw missing(name);
      return value;
    },
    oneOf(name, flag, choices, fallback) {
      const setting = get(name, flag);
      if (setting === undefined) return fallback;
      const choice = choices.find((candidate) => candidate === setting.value);
      if (choice === undefined) throw invalid(name, setting, `one of ${choices.join(', ')}`);
      return choice;
    },
    url(name, flag) {
      const setting = get(name, flag);
      if (setting === undefined) return undefined;
      if (!URL.canParse(setting.value) || !/^https?:$/.test(new URL(setting.value).protocol)) {
        throw invalid(name, setting, 'an http(s) URL');
      }
      return setting.value.replace(/\/+$/, '');
    },
    anySet: (names) =>
      names.some(
        (name) =>
          present(sources.env[name]) !== undefined || present(sources.dotEnv[name]) !== undefined,
      ),
  };
  return settings;
}
