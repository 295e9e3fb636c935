/**
 * `imbridge dev`, the local playground: starts the local vendors (Tencent Cloud Chat, RongCloud,
 * TRTC), the bundled example bot for every vendor without a `--…bot-url`, and a page on
 * 127.0.0.1 to chat with the bot as a user would; runs until Ctrl-C (exit code 130).
 *
 * The playground is loaded when the command runs (it brings the vendors' local stand-ins), and
 * its server comes from the `devHost` the bin passes to `run()`: the `.` entry imports no
 * `node:` module.
 *
 * @module
 */
import type { Logger } from '@imbridge/core';
import type { Command } from 'commander';
import { type ActionFactory, integerFlag, withExamples } from '../cli/command-kit.ts';
import type { CommandContext } from '../cli/context.ts';
import { EXIT_CODES, UsageError } from '../cli/exit-codes.ts';
import type { CommandResult, Output } from '../cli/output.ts';
import type { PlaygroundVendor } from '../dev/local-setup.ts';
import { devBannerLines } from './dev-banner.ts';

/** The default `--port` of the page. */
export const DEFAULT_DEV_PORT = 4000;

interface DevFlags {
  port?: string | undefined;
  open?: boolean | undefined;
  botUrl?: string | undefined;
  rongcloudBotUrl?: string | undefined;
  trtcBotUrl?: string | undefined;
}

/** Bot warnings and errors on stderr (all of its log with `--verbose`); never message text. */
function botLogger(output: Output): Logger {
  const write = (level: string) => (message: string) => {
    output.note(output.errorColors.dim(`bot ${level}: ${message}`));
  };
  const debug = output.verbose ? write('debug') : () => {};
  return { debug, info: debug, warn: write('warning'), error: write('error') };
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function isAddressInUse(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EADDRINUSE';
}

async function runDev(context: CommandContext, flags: DevFlags): Promise<CommandResult> {
  const { devHost, output, settings } = context;
  if (devHost === undefined) {
    throw new UsageError(
      'imbridge dev serves a page on this machine: run it with the imbridge executable (npx @imbridge/cli dev), not through run() without a devHost',
    );
  }
  const port = integerFlag('--port', flags.port, { min: 0, max: 65_535 }) ?? DEFAULT_DEV_PORT;
  const botUrls: Partial<Record<PlaygroundVendor, string>> = {};
  const tencentBot = settings.url('IMBRIDGE_DEV_BOT_URL', flags.botUrl);
  const rongCloudBot = settings.url('IMBRIDGE_DEV_RONGCLOUD_BOT_URL', flags.rongcloudBotUrl);
  const trtcBot = settings.url('IMBRIDGE_DEV_TRTC_BOT_URL', flags.trtcBotUrl);
  if (tencentBot !== undefined) botUrls['tencent-chat'] = tencentBot;
  if (rongCloudBot !== undefined) botUrls.rongcloud = rongCloudBot;
  if (trtcBot !== undefined) botUrls.trtc = trtcBot;
  const { createPlayground } = await import('../dev/playground.ts');
  const playground = await context
    .spin('starting the local vendors', () =>
      createPlayground({
        host: devHost,
        port,
        botUrls,
        robotId: settings.optional('TENCENT_IM_ROBOT_ID'),
        botUserId: settings.optional('RONGCLOUD_BOT_USER_ID'),
        logger: botLogger(output),
        fetch: context.fetch,
      }),
    )
    .catch((error: unknown) => {
      if (isAddressInUse(error)) {
        throw new UsageError(
          `port ${port} of 127.0.0.1 is taken: pass --port <another> (0 takes a free one)`,
        );
      }
      throw error;
    });
  try {
    if (output.json) {
      output.printJson({
        ok: true,
        status: 'running',
        url: playground.url,
        bots: playground.bots,
        endpoints: playground.endpoints,
      });
    } else {
      for (const line of devBannerLines(playground, output.colors)) output.print(line);
    }
    if (flags.open === true) {
      await devHost.openBrowser(playground.url).catch(() => {
        output.note(`could not open a browser: open ${playground.url} yourself`);
      });
    }
    await waitForAbort(context.signal);
    output.note('stopping the playground…');
  } finally {
    await playground.close();
  }
  return { data: { status: 'stopped' }, lines: [], exitCode: EXIT_CODES.interrupted };
}

/** Registers `imbridge dev`. */
export function registerDevCommand(program: Command, act: ActionFactory): void {
  const command = program
    .command('dev')
    .description(
      'the local playground: chat with your bot in a browser, on local Tencent Chat, RongCloud and TRTC',
    )
    .option(
      '--port <port>',
      `port of the page on 127.0.0.1, 0 for a free one (default: ${DEFAULT_DEV_PORT})`,
    )
    .option('--open', 'open the page in the browser')
    .option('--bot-url <url>', "your bot's Tencent Chat webhook URL (else the example bot answers)")
    .option('--rongcloud-bot-url <url>', "your bot's RongCloud webhook URL")
    .option('--trtc-bot-url <url>', "your bot's TRTC callback URL")
    .action(act((context, self) => runDev(context, self.opts<DevFlags>())));
  withExamples(command, [
    'imbridge dev',
    'imbridge dev --open --port 0',
    'imbridge dev --bot-url http://127.0.0.1:3000/tencent-chat/webhook',
    'IMBRIDGE_DEV_RONGCLOUD_BOT_URL=http://127.0.0.1:3000/rongcloud/webhook imbridge dev',
  ]);
}
