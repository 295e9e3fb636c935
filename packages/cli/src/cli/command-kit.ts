/**
 * Small helpers the command modules share: the action wrapper that builds a command's context
 * and prints its result, the "Examples:" help section, and typed access to arguments.
 *
 * @module
 */
import type { Command } from 'commander';
import {
  type CommandContext,
  createCommandContext,
  type GlobalOptions,
  type Runtime,
} from './context.ts';
import { type ExitCode, UsageError } from './exit-codes.ts';
import type { CommandResult } from './output.ts';

/** What a command does, given its context and its parsed command. */
export type CommandHandler = (context: CommandContext, command: Command) => Promise<CommandResult>;

/** Wraps a {@link CommandHandler} into a commander action. */
export type ActionFactory = (
  handler: CommandHandler,
) => (...parameters: unknown[]) => Promise<void>;

/** The exit code of the last command that ran, kept on the runtime. */
export interface ExitState {
  /** Set by the action once the result is printed. */
  exitCode: ExitCode;
}

/**
 * The action factory of one invocation: builds the context from the global options, runs the
 * handler and prints its result. Failures propagate to `run`, which reports them.
 */
export function createActionFactory(runtime: Runtime, state: ExitState): ActionFactory {
  return (handler) =>
    async (...parameters) => {
      const command = parameters.at(-1) as Command;
      const context = await createCommandContext(runtime, command.optsWithGlobals<GlobalOptions>());
      const result = await handler(context, command);
      context.output.result(result);
      state.exitCode = result.exitCode ?? 0;
    };
}

/** Adds an "Examples:" section to the help of `command`. */
export function withExamples(command: Command, examples: readonly string[]): Command {
  return command.addHelpText(
    'after',
    `\nExamples:\n${examples.map((example) => `  $ ${example}`).join('\n')}\n`,
  );
}

/** The argument at `index` (a required one: commander checked it is there). */
export function argumentAt(command: Command, index: number): string {
  const value: unknown = command.processedArgs[index];
  if (typeof value !== 'string') throw new UsageError(`missing argument ${index + 1}`);
  return value;
}

/** The variadic argument at `index`. */
export function argumentsFrom(command: Command, index: number): string[] {
  const value: unknown = command.processedArgs[index];
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === 'string');
}

/** Parses an integer flag in `[min, max]`. */
export function integerFlag(
  name: string,
  text: string | undefined,
  range: { min: number; max: number },
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < range.min || value > range.max) {
    throw new UsageError(
      `${name} must be an integer from ${range.min} to ${range.max}, received "${text}"`,
    );
  }
  return value;
}

/** Collects a repeatable option into an array (commander's `argParser` for repeated flags). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `elapsed` milliseconds since `startedAt` (from `performance.now()`), rounded. */
export function elapsedMs(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
