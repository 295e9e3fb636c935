/**
 * `imbridge rongcloud bot create|list|get|delete`: bots with a webhook integration and the three
 * Dify integrations (`dify_chat`, `dify_chatflow`, `dify_completion`). A Dify app's API key is
 * read from `DIFY_API_KEY` only, and bots are printed without the keys RongCloud reports.
 *
 * @module
 */
import type {
  BotInfo,
  BotIntegration,
  CreateBotOptions,
  RongCloudClient,
} from '@imbridge/rongcloud';
import type { Command } from 'commander';
import {
  type ActionFactory,
  argumentAt,
  argumentsFrom,
  collect,
  integerFlag,
  withExamples,
} from '../cli/command-kit.ts';
import type { CommandContext } from '../cli/context.ts';
import { EXIT_CODES, UsageError } from '../cli/exit-codes.ts';
import { REDACTED } from '../cli/redact.ts';
import {
  createRongCloudAppClient,
  type RongCloudFlags,
  rongCloudAppSettings,
} from '../vendors/rongcloud.ts';

/** The avatar a bot gets when `--profile-url` is not given (RongCloud requires one). */
export const DEFAULT_BOT_PROFILE_URL =
  'https://cdn.jsdelivr.net/gh/microsoft/fluentui-emoji/assets/Robot/3D/robot_3d.png';

interface CreateOptions {
  name?: string;
  type: string;
  profileUrl: string;
  metadata?: string[];
  webhook?: string;
  events?: string;
  objectNames?: string;
  difyChat?: string | true;
  difyChatflow?: string | true;
  difyCompletion?: string | true;
  stream: boolean;
  handleResponse: boolean;
}

const DIFY_FLAGS = [
  ['difyChat', 'dify_chat'],
  ['difyChatflow', 'dify_chatflow'],
  ['difyCompletion', 'dify_completion'],
] as const;

function list(text: string | undefined): string[] | undefined {
  const items = text
    ?.split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items === undefined || items.length === 0 ? undefined : items;
}

function metadataOf(pairs: readonly string[] | undefined): Record<string, string> | undefined {
  if (pairs === undefined) return undefined;
  const metadata: Record<string, string> = {};
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator <= 0) throw new UsageError(`--metadata takes key=value, received "${pair}"`);
    metadata[pair.slice(0, separator)] = pair.slice(separator + 1);
  }
  return metadata;
}

/** The integrations the flags ask for; Dify ones take their key from `DIFY_API_KEY`. */
function integrationsOf(context: CommandContext, options: CreateOptions): BotIntegration[] {
  const filters = { events: list(options.events), objectNames: list(options.objectNames) };
  const integrations: BotIntegration[] = [];
  if (options.webhook !== undefined) {
    integrations.push({ type: 'webhook', callbackUrl: options.webhook, ...filters });
  }
  for (const [flag, type] of DIFY_FLAGS) {
    const value = options[flag];
    if (value === undefined) continue;
    const callbackUrl =
      context.settings.url('DIFY_BASE_URL', typeof value === 'string' ? value : undefined) ??
      context.settings.required('DIFY_BASE_URL');
    integrations.push({
      type,
      callbackUrl,
      stream: options.stream,
      handleResponse: options.handleResponse,
      auth: { apiKey: context.settings.required('DIFY_API_KEY') },
      ...filters,
    });
  }
  if (integrations.length === 0) {
    throw new UsageError(
      'give the bot an integration: --webhook <url>, --dify-chat, --dify-chatflow or --dify-completion',
    );
  }
  return integrations;
}

/** A bot as printed: every Dify key and key-like field of an unknown integration redacted. */
export function printableBot(bot: BotInfo): Record<string, unknown> {
  return {
    ...bot,
    integrations: bot.integrations.map((integration) => {
      if (integration.type === 'other') {
        const fields = Object.fromEntries(
          Object.entries(integration.fields).map(([key, value]) => [
            key,
            /key|secret|token|auth|password/i.test(key) ? REDACTED : value,
          ]),
        );
        return { ...integration, fields };
      }
      if ('auth' in integration && integration.auth !== undefined) {
        return { ...integration, auth: { apiKey: REDACTED } };
      }
      return integration;
    }),
  };
}

function botLines(bot: BotInfo): string[] {
  const lines = [`${bot.userId}  ${bot.name}  (${bot.type})`];
  for (const integration of bot.integrations) {
    const type = integration.type === 'other' ? integration.vendorType : integration.type;
    const enabled = integration.enabled === false ? ' (disabled)' : '';
    lines.push(`  ${type} → ${integration.callbackUrl ?? '-'}${enabled}`);
  }
  return lines;
}

async function withClient<T>(
  context: CommandContext,
  command: Command,
  label: string,
  call: (client: RongCloudClient) => Promise<T>,
): Promise<T> {
  const app = rongCloudAppSettings(context, command.optsWithGlobals<RongCloudFlags>());
  const client = createRongCloudAppClient(context, app);
  return context.spin(label, () => call(client));
}

function registerCreate(bot: Command, act: ActionFactory): void {
  withExamples(
    bot
      .command('create')
      .description('create a bot with one or more integrations')
      .argument('<userId>', "the bot's IM user id (1 to 64 characters)")
      .option('--name <name>', 'display name (default: the user id)')
      .option('--type <type>', 'free-form category', 'Message AI')
      .option('--profile-url <url>', 'avatar URL', DEFAULT_BOT_PROFILE_URL)
      .option('--metadata <key=value>', 'metadata passed with every event (repeatable)', collect)
      .option('--webhook <url>', 'webhook integration: RongCloud posts the events to your URL')
      .option(
        '--dify-chat [baseUrl]',
        'dify_chat integration (default: DIFY_BASE_URL; key: DIFY_API_KEY)',
      )
      .option('--dify-chatflow [baseUrl]', 'dify_chatflow integration (as --dify-chat)')
      .option('--dify-completion [baseUrl]', 'dify_completion integration (as --dify-chat)')
      .option('--events <list>', 'events that trigger the integrations, e.g. message:private')
      .option('--object-names <list>', 'message types that trigger them, e.g. RC:TxtMsg')
      .option('--no-stream', 'Dify: one message at the end instead of RC:StreamMsg chunks')
      .option('--no-handle-response', "Dify: forward only, do not send Dify's answer as the bot")
      .action(
        act(async (context, command) => {
          const userId = argumentAt(command, 0);
          const options = command.opts<CreateOptions>();
          const integrations = integrationsOf(context, options);
          const request: CreateBotOptions = {
            userId,
            name: options.name ?? userId,
            type: options.type,
            profileUrl: options.profileUrl,
            metadata: metadataOf(options.metadata),
            integrations,
            signal: context.signal,
          };
          await withClient(context, command, `Creating ${userId}…`, (client) =>
            client.createBot(request),
          );
          const summary = integrations.map((item) => ({
            type: item.type,
            callbackUrl: item.callbackUrl,
          }));
          return {
            data: { userId, integrations: summary },
            lines: [
              `created bot ${userId}`,
              ...summary.map((item) => `  ${item.type} → ${item.callbackUrl}`),
            ],
          };
        }),
      ),
    [
      'imbridge rongcloud bot create bot-assistant --webhook https://bot.example.com/rongcloud/webhook --events message:private',
      'DIFY_API_KEY=app-… imbridge rongcloud bot create bot-dify --dify-chatflow https://api.dify.ai/v1',
      'imbridge rongcloud bot create bot-writer --dify-completion --no-stream --metadata scene=support',
    ],
  );
}

/** Registers the `rongcloud bot` commands under `group`. */
export function registerRongCloudBotCommands(group: Command, act: ActionFactory): void {
  const bot = group.command('bot').description('bots and their webhook or Dify integrations');
  withExamples(bot, [
    'imbridge rongcloud bot create bot-dify --dify-chatflow https://api.dify.ai/v1',
    'imbridge rongcloud bot list --integrations',
    'imbridge rongcloud bot get bot-dify',
    'imbridge rongcloud bot delete bot-dify',
  ]);
  registerCreate(bot, act);
  withExamples(
    bot
      .command('list')
      .description("list the app's bots, a page at a time")
      .option('--page <n>', 'page, from 1', '1')
      .option('--page-size <n>', 'bots per page', '10')
      .option('--integrations', "include each bot's integrations")
      .action(
        act(async (context, command) => {
          const options = command.opts<{
            page: string;
            pageSize: string;
            integrations?: boolean;
          }>();
          const page = integerFlag('--page', options.page, { min: 1, max: 100_000 });
          const pageSize = integerFlag('--page-size', options.pageSize, { min: 1, max: 100 });
          const result = await withClient(context, command, 'Listing bots…', (client) =>
            client.listBots({
              page,
              pageSize,
              includeIntegrations: options.integrations === true,
              signal: context.signal,
            }),
          );
          if (result.bots.length === 0) context.output.note('no bots');
          return {
            data: {
              bots: result.bots.map(printableBot),
              total: result.total,
              hasNext: result.hasNext,
            },
            lines: result.bots.flatMap(botLines),
          };
        }),
      ),
    ['imbridge rongcloud bot list', 'imbridge rongcloud bot list --integrations --json'],
  );
  withExamples(
    bot
      .command('get')
      .description('show bots by user id (1 to 20), with their integrations')
      .argument('<userIds...>', 'the bots')
      .action(
        act(async (context, command) => {
          const userIds = argumentsFrom(command, 0);
          const result = await withClient(context, command, 'Reading bots…', (client) =>
            client.getBots({ userIds, signal: context.signal }),
          );
          const found = new Set(result.bots.map((item) => item.userId));
          const missing = userIds.filter((userId) => !found.has(userId));
          for (const userId of missing) context.output.note(`no bot ${userId}`);
          return {
            data: { bots: result.bots.map(printableBot), missingUserIds: missing },
            lines: result.bots.flatMap(botLines),
            exitCode: missing.length > 0 ? EXIT_CODES.failed : undefined,
          };
        }),
      ),
    [
      'imbridge rongcloud bot get bot-dify',
      'imbridge rongcloud bot get bot-dify bot-assistant --json',
    ],
  );
  withExamples(
    bot
      .command('delete')
      .description('delete a bot')
      .argument('<userId>', 'the bot')
      .action(
        act(async (context, command) => {
          const userId = argumentAt(command, 0);
          await withClient(context, command, `Deleting ${userId}…`, (client) =>
            client.deleteBot({ userId, signal: context.signal }),
          );
          return { data: { userId }, lines: [`deleted bot ${userId}`] };
        }),
      ),
    ['imbridge rongcloud bot delete bot-dify'],
  );
}
