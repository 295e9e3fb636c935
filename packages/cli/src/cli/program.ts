/**
 * The `imbridge` command tree: global options, help and error output wired to the run's
 * streams, and every command group.
 *
 * @module
 */
import { Command } from 'commander';
import { registerDevCommand } from '../commands/dev.ts';
import { registerDoctorCommand } from '../commands/doctor.ts';
import { registerRongCloudCommands } from '../commands/rongcloud.ts';
import { registerTencentCommands } from '../commands/tencent.ts';
import { registerTrtcCommands } from '../commands/trtc.ts';
import { registerUserSigCommands } from '../commands/usersig.ts';
import { registerWebhookCommands } from '../commands/webhook-replay.ts';
import { VERSION } from '../version.ts';
import { type ActionFactory, withExamples } from './command-kit.ts';
import { DEFAULT_ENV_FILE, DEFAULT_TIMEOUT_MS, type Runtime } from './context.ts';
import { wantsColor } from './streams.ts';

const EXIT_CODE_HELP = `
Exit codes:
  0    ok
  1    the vendor refused the call, an endpoint answered an error, a check failed
  2    usage error (unknown command or option, a bad value)
  3    a setting is missing or malformed (environment variable, .env)
  4    the vendor or endpoint could not be reached, or did not answer in time
  130  interrupted (Ctrl-C)

Settings come from flags, then the environment, then ./.env (--env-file). Secrets
(TENCENT_IM_SECRET_KEY, RONGCLOUD_APP_SECRET, TENCENTCLOUD_SECRET_KEY…) are read from the
environment or .env only, and are never printed.`;

/**
 * Creates the root command. Settings commander copies to subcommands created with
 * `.command()` (exit override, output, help after errors) are set before any is added.
 */
export function createProgram(runtime: Runtime, act: ActionFactory): Command {
  const program = new Command('imbridge')
    .description(
      'Script jobs on the imbridge clients: UserSigs, Tencent Chat robots and messages, RongCloud bots, TRTC voice agents, signed webhook replays, and a doctor for your credentials.',
    )
    .version(VERSION, '-V, --version', 'print the version')
    .option('--json', 'print one JSON document on stdout (for scripts)')
    .option('--verbose', 'trace settings and HTTP calls on stderr (never secrets)')
    .option('--no-color', 'no colours (also NO_COLOR=1, and whenever output is not a terminal)')
    .option('--env-file <path>', `read settings from this file (default: ${DEFAULT_ENV_FILE})`)
    .option('--timeout <ms>', `limit of each HTTP attempt (default: ${DEFAULT_TIMEOUT_MS})`)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => runtime.stdout.write(text),
      writeErr: (text) => runtime.stderr.write(text),
      getOutHasColors: () => wantsColor(runtime.stdout, runtime.env, true),
      getErrHasColors: () => wantsColor(runtime.stderr, runtime.env, true),
      // run() prints usage errors itself (as JSON with --json).
      outputError: () => {},
    });
  program.addHelpText('after', EXIT_CODE_HELP);
  withExamples(program, [
    'imbridge doctor',
    'imbridge usersig generate alice',
    'imbridge tencent robot create @RBT#assistant --nick Assistant',
    'imbridge rongcloud bot create bot-dify --dify-chatflow https://api.dify.ai/v1',
    'imbridge webhook replay tencent http://127.0.0.1:3000/tencent-chat/webhook --text hello',
    'imbridge tencent robot list --json | jq -r ".robotIds[]"',
  ]);
  registerUserSigCommands(program, act);
  registerTencentCommands(program, act);
  registerRongCloudCommands(program, act);
  registerTrtcCommands(program, act);
  registerWebhookCommands(program, act);
  registerDoctorCommand(program, act);
  registerDevCommand(program, act);
  return program;
}
