/**
 * `imbridge tencent …`: robots, accounts, friends and messages of a Tencent Cloud Chat app,
 * through `createTencentChatClient` (`TENCENT_IM_*` settings, `--base-url` for a local
 * Tencent Chat).
 *
 * @module
 */
import {
  chatbotCustomElement,
  type MessageElement,
  type TencentChatClient,
} from '@imbridge/tencent-chat';
import type { Command } from 'commander';
import { type ActionFactory, argumentAt, argumentsFrom, withExamples } from '../cli/command-kit.ts';
import type { CommandContext } from '../cli/context.ts';
import { EXIT_CODES, UsageError } from '../cli/exit-codes.ts';
import {
  createTencentClient,
  type TencentFlags,
  tencentAppSettings,
  tencentTarget,
} from '../vendors/tencent.ts';

/** A command that runs one call on the client under a spinner. */
async function withClient<T>(
  context: CommandContext,
  command: Command,
  label: string,
  call: (client: TencentChatClient) => Promise<T>,
): Promise<T> {
  const app = tencentAppSettings(context, command.optsWithGlobals<TencentFlags>());
  context.output.debug(`Tencent Chat app ${app.sdkAppId} at ${tencentTarget(app)}`);
  const client = createTencentClient(context, app);
  return context.spin(label, () => call(client));
}

function registerRobotCommands(group: Command, act: ActionFactory): void {
  const robot = group.command('robot').description('create, list and delete robot accounts');
  withExamples(robot, [
    "imbridge tencent robot create '@RBT#assistant'",
    'imbridge tencent robot list',
  ]);
  withExamples(
    robot
      .command('create')
      .description('create (or re-create) a robot account')
      .argument('<robotId>', 'the robot, starting with @RBT#')
      .option('--nick <name>', 'display name')
      .option('--face-url <url>', 'avatar URL')
      .action(
        act(async (context, command) => {
          const robotId = argumentAt(command, 0);
          const options = command.opts<{ nick?: string; faceUrl?: string }>();
          await withClient(context, command, `Creating ${robotId}…`, (client) =>
            client.createRobot({
              robotId,
              nick: options.nick,
              faceUrl: options.faceUrl,
              signal: context.signal,
            }),
          );
          return { data: { robotId }, lines: [`created robot ${robotId}`] };
        }),
      ),
    [
      "imbridge tencent robot create '@RBT#assistant' --nick Assistant",
      "imbridge tencent robot create '@RBT#assistant' --base-url http://127.0.0.1:8080",
    ],
  );
  withExamples(
    robot
      .command('list')
      .description("list the app's robots, one per line")
      .action(
        act(async (context, command) => {
          const { robotIds } = await withClient(context, command, 'Listing robots…', (client) =>
            client.listRobots({ signal: context.signal }),
          );
          if (robotIds.length === 0) context.output.note('no robots');
          return { data: { robotIds }, lines: robotIds };
        }),
      ),
    ['imbridge tencent robot list', 'imbridge tencent robot list --json'],
  );
  withExamples(
    robot
      .command('delete')
      .description('delete a robot account')
      .argument('<robotId>', 'the robot')
      .action(
        act(async (context, command) => {
          const robotId = argumentAt(command, 0);
          await withClient(context, command, `Deleting ${robotId}…`, (client) =>
            client.deleteRobot({ robotId, signal: context.signal }),
          );
          return { data: { robotId }, lines: [`deleted robot ${robotId}`] };
        }),
      ),
    ["imbridge tencent robot delete '@RBT#assistant'"],
  );
}

function registerAccountCommands(group: Command, act: ActionFactory): void {
  const account = group.command('account').description('user accounts');
  withExamples(account, ['imbridge tencent account import alice']);
  withExamples(
    account
      .command('import')
      .description('import (or update) a user account; users must exist before they are messaged')
      .argument('<userId>', 'the user (at most 32 bytes)')
      .option('--nick <name>', 'display name')
      .option('--face-url <url>', 'avatar URL')
      .action(
        act(async (context, command) => {
          const userId = argumentAt(command, 0);
          const options = command.opts<{ nick?: string; faceUrl?: string }>();
          await withClient(context, command, `Importing ${userId}…`, (client) =>
            client.importAccount({
              userId,
              nick: options.nick,
              faceUrl: options.faceUrl,
              signal: context.signal,
            }),
          );
          return { data: { userId }, lines: [`imported account ${userId}`] };
        }),
      ),
    ['imbridge tencent account import alice --nick Alice'],
  );

  const friend = group.command('friend').description('friend lists');
  withExamples(friend, ["imbridge tencent friend add alice '@RBT#assistant'"]);
  withExamples(
    friend
      .command('add')
      .description(
        'add friends to a user (users cannot add robots themselves); exits 1 if any fails',
      )
      .argument('<userId>', 'the user whose friend list grows')
      .argument('<friendIds...>', 'the friends to add (robots, users)')
      .option('--single', 'one-way: only userId gets the friend')
      .option('--no-force', "respect the friends' verification settings")
      .action(
        act(async (context, command) => {
          const userId = argumentAt(command, 0);
          const friendIds = argumentsFrom(command, 1);
          const options = command.opts<{ single?: boolean; force: boolean }>();
          const result = await withClient(context, command, 'Adding friends…', (client) =>
            client.addFriends({
              userId,
              friends: friendIds.map((friendId) => ({ userId: friendId })),
              addType: options.single === true ? 'single' : 'both',
              force: options.force,
              signal: context.signal,
            }),
          );
          const failed = result.results.filter((item) => item.resultCode !== 0);
          const lines = result.results.map((item) =>
            item.resultCode === 0
              ? `${userId} ↔ ${item.userId}: added`
              : `${userId} ↔ ${item.userId}: failed (${item.resultCode} ${item.resultInfo})`,
          );
          return {
            data: { userId, results: result.results, failedUserIds: result.failedUserIds },
            lines,
            exitCode:
              failed.length > 0 || result.failedUserIds.length > 0 ? EXIT_CODES.failed : undefined,
          };
        }),
      ),
    [
      "imbridge tencent friend add alice '@RBT#assistant'",
      'imbridge tencent friend add alice bob carol --single',
    ],
  );
}

interface SendOptions {
  from?: string;
  to?: string;
  group?: string;
  text: string;
  chatbot?: boolean;
}

function sendElements(options: SendOptions): MessageElement[] {
  return options.chatbot === true
    ? [chatbotCustomElement({ kind: 'stream', chunks: [options.text], isFinished: true })]
    : [{ type: 'text', text: options.text }];
}

function registerSendCommand(group: Command, act: ActionFactory): void {
  withExamples(
    group
      .command('send')
      .description('send a message to a user (--to) or a group (--group)')
      .requiredOption('--text <text>', 'the text')
      .option('--to <userId>', 'the receiver of a one-to-one message')
      .option('--group <groupId>', 'the group to send to')
      .option('--from <userId>', 'the sender (a robot, a user; default: the admin account)')
      .option('--chatbot', "as a finished chatbot message (what Tencent's AI chatbot UI renders)")
      .action(
        act(async (context, command) => {
          const options = command.opts<SendOptions>();
          if ((options.to === undefined) === (options.group === undefined)) {
            throw new UsageError('pass exactly one of --to <userId> and --group <groupId>');
          }
          const elements = sendElements(options);
          if (options.group !== undefined) {
            const groupId = options.group;
            const sent = await withClient(context, command, `Sending to ${groupId}…`, (client) =>
              client.sendGroupMessage({
                groupId,
                fromUserId: options.from,
                elements,
                signal: context.signal,
              }),
            );
            return {
              data: { groupId, sequence: sent.sequence, timeSeconds: sent.timeSeconds },
              lines: [`sent to group ${groupId} (sequence ${sent.sequence})`],
            };
          }
          const toUserId = options.to ?? '';
          const sent = await withClient(context, command, `Sending to ${toUserId}…`, (client) =>
            client.sendC2CMessage({
              fromUserId: options.from,
              toUserId,
              elements,
              signal: context.signal,
            }),
          );
          return {
            data: { toUserId, msgKey: sent.msgKey, timeSeconds: sent.timeSeconds },
            lines: [`sent to ${toUserId} (msgKey ${sent.msgKey})`],
          };
        }),
      ),
    [
      "imbridge tencent send --from '@RBT#assistant' --to alice --text 'Hello!'",
      "imbridge tencent send --group team --text 'Standup in 5' --json",
      "imbridge tencent send --from '@RBT#assistant' --to alice --text 'Done.' --chatbot",
    ],
  );
}

/** Registers the `tencent` group. */
export function registerTencentCommands(program: Command, act: ActionFactory): void {
  const group = program
    .command('tencent')
    .description('Tencent Cloud Chat: robots, accounts, friends, messages (TENCENT_IM_* settings)')
    .option('--sdk-app-id <id>', 'SDKAppID (default: TENCENT_IM_SDK_APP_ID)')
    .option(
      '--admin-user-id <id>',
      'App admin account (default: TENCENT_IM_ADMIN_USER_ID or administrator)',
    )
    .option('--region <region>', 'data centre (default: TENCENT_IM_REGION or china)')
    .option(
      '--base-url <url>',
      'base URL instead of the regional host (default: TENCENT_IM_BASE_URL)',
    );
  withExamples(group, [
    "imbridge tencent robot create '@RBT#assistant' --nick Assistant",
    'imbridge tencent account import alice',
    "imbridge tencent friend add alice '@RBT#assistant'",
    "imbridge tencent send --from '@RBT#assistant' --to alice --text 'Hello!'",
    'imbridge tencent --base-url http://127.0.0.1:8080 robot list',
  ]);
  registerRobotCommands(group, act);
  registerAccountCommands(group, act);
  registerSendCommand(group, act);
}
