/**
 * `imbridge rongcloud …`: users, bots and messages of a RongCloud app, through
 * `createRongCloudClient` (`RONGCLOUD_*` settings, `--base-url` for the local RongCloud).
 *
 * @module
 */
import type { Command } from 'commander';
import { type ActionFactory, argumentAt, withExamples } from '../cli/command-kit.ts';
import { UsageError } from '../cli/exit-codes.ts';
import {
  createRongCloudAppClient,
  type RongCloudFlags,
  rongCloudAppSettings,
} from '../vendors/rongcloud.ts';
import { registerRongCloudBotCommands } from './rongcloud-bot.ts';

function registerUserCommands(group: Command, act: ActionFactory): void {
  const user = group.command('user').description('users');
  withExamples(user, ['imbridge rongcloud user token alice --name Alice']);
  withExamples(
    user
      .command('token')
      .description('register a user (or refresh its name) and print a token for a client SDK')
      .argument('<userId>', 'the user (1 to 64 bytes)')
      .option('--name <name>', 'display name, shown in pushes (default: the user id)')
      .option('--portrait <url>', 'avatar URL')
      .action(
        act(async (context, command) => {
          const userId = argumentAt(command, 0);
          const options = command.opts<{ name?: string; portrait?: string }>();
          const app = rongCloudAppSettings(context, command.optsWithGlobals<RongCloudFlags>());
          const client = createRongCloudAppClient(context, app);
          const result = await context.spin(`Registering ${userId}…`, () =>
            client.registerUser({
              userId,
              name: options.name ?? userId,
              portraitUri: options.portrait,
              signal: context.signal,
            }),
          );
          context.output.note(`token of ${result.userId} (give it to the client SDK only)`);
          return { data: { userId: result.userId, token: result.token }, lines: [result.token] };
        }),
      ),
    [
      'imbridge rongcloud user token alice --name Alice',
      'imbridge rongcloud user token bot-dify --name "Dify assistant"',
    ],
  );
}

interface PublishOptions {
  from: string;
  to?: string[];
  group?: string[];
  text?: string;
  objectName: string;
  content?: string;
}

function publishContent(options: PublishOptions): Record<string, unknown> {
  if (options.content !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(options.content);
    } catch {
      throw new UsageError('--content must be a JSON object');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UsageError('--content must be a JSON object');
    }
    return parsed as Record<string, unknown>;
  }
  if (options.text === undefined) throw new UsageError('pass --text <text> or --content <json>');
  return { content: options.text };
}

function registerPublishCommand(group: Command, act: ActionFactory): void {
  const list = (value: string, previous: string[] | undefined) => [
    ...(previous ?? []),
    ...value.split(',').filter((item) => item !== ''),
  ];
  withExamples(
    group
      .command('publish')
      .description('send a message as a user or bot to users (--to) or groups (--group)')
      .requiredOption('--from <userId>', 'the sender (a bot, for a reply)')
      .option('--to <userIds>', 'receivers, comma-separated or repeated (at most 1000)', list)
      .option('--group <groupIds>', 'groups, comma-separated or repeated (at most 3)', list)
      .option('--text <text>', 'the text of an RC:TxtMsg')
      .option('--object-name <name>', 'message type', 'RC:TxtMsg')
      .option('--content <json>', 'the content as a JSON object, for other message types')
      .action(
        act(async (context, command) => {
          const options = command.opts<PublishOptions>();
          const toUserIds = options.to ?? [];
          const groupIds = options.group ?? [];
          if ((toUserIds.length === 0) === (groupIds.length === 0)) {
            throw new UsageError('pass exactly one of --to <userIds> and --group <groupIds>');
          }
          const content = publishContent(options);
          const app = rongCloudAppSettings(context, command.optsWithGlobals<RongCloudFlags>());
          const client = createRongCloudAppClient(context, app);
          const fields = {
            fromUserId: options.from,
            objectName: options.objectName,
            content,
            signal: context.signal,
          };
          const result = await context.spin('Publishing…', () =>
            groupIds.length > 0
              ? client.publishGroupMessage({ ...fields, toGroupId: groupIds })
              : client.publishPrivateMessage({ ...fields, toUserId: toUserIds }),
          );
          const targets = groupIds.length > 0 ? groupIds.map((id) => `group ${id}`) : toUserIds;
          return {
            data: {
              messageUid: result.messageUid,
              messageUids: result.messageUids,
              ...(groupIds.length > 0 ? { groupIds } : { toUserIds }),
            },
            lines: [
              `published ${options.objectName} to ${targets.join(', ')}${result.messageUid === undefined ? '' : ` (messageUid ${result.messageUid})`}`,
            ],
          };
        }),
      ),
    [
      "imbridge rongcloud publish --from bot-assistant --to alice --text 'Hello!'",
      "imbridge rongcloud publish --from bot-assistant --group team --text 'Standup in 5' --json",
      'imbridge rongcloud publish --from bot-assistant --to alice,bob --object-name App:Card --content \'{"title":"Hi"}\'',
    ],
  );
}

/** Registers the `rongcloud` group. */
export function registerRongCloudCommands(program: Command, act: ActionFactory): void {
  const group = program
    .command('rongcloud')
    .description(
      'RongCloud: users, bots with webhook and Dify integrations, messages (RONGCLOUD_* settings)',
    )
    .option('--app-key <key>', 'App Key (default: RONGCLOUD_APP_KEY)')
    .option('--region <region>', 'data centre (default: RONGCLOUD_REGION or china)')
    .option('--base-url <url>', 'base URL instead of the region (default: RONGCLOUD_BASE_URL)');
  withExamples(group, [
    'imbridge rongcloud user token bot-assistant --name Assistant',
    'imbridge rongcloud bot create bot-assistant --webhook https://bot.example.com/rongcloud/webhook',
    "imbridge rongcloud publish --from bot-assistant --to alice --text 'Hello!'",
    'imbridge rongcloud --base-url http://127.0.0.1:8080 bot list',
  ]);
  registerUserCommands(group, act);
  registerRongCloudBotCommands(group, act);
  registerPublishCommand(group, act);
}
