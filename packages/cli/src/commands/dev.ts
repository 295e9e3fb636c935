/**
 * `imbridge dev`, the local playground — TODO (issue 14, second half): not built yet. The
 * command exists so that `imbridge dev` says so instead of "unknown command".
 *
 * @module
 */
import type { Command } from 'commander';
import type { ActionFactory } from '../cli/command-kit.ts';
import { UsageError } from '../cli/exit-codes.ts';

/** Registers the placeholder of `dev`. */
export function registerDevCommand(program: Command, act: ActionFactory): void {
  program
    .command('dev')
    .description('(not built yet) the local playground: chat with your bot in a browser')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(
      act(async () => {
        // TODO(issue 14): the playground — local vendors and a browser chat on loopback.
        throw new UsageError(
          'imbridge dev (the local playground) is not built yet; see issue 14. Meanwhile, try a bot with: imbridge webhook replay',
        );
      }),
    );
}
