/**
 * `imbridge usersig generate|verify`: UserSigs of a Tencent Cloud Chat app (`TENCENT_IM_*`) or,
 * with `--trtc`, of a TRTC application (`TRTC_SDK_APP_ID`, `TRTC_SECRET_KEY`). Offline: no call
 * is made.
 *
 * @module
 */
import {
  DEFAULT_USER_SIG_EXPIRES_IN_SECONDS,
  genUserSig,
  type VerifyUserSigFailureReason,
  verifyUserSig,
} from '@imbridge/tencent-chat';
import type { Command } from 'commander';
import { type ActionFactory, argumentAt, integerFlag, withExamples } from '../cli/command-kit.ts';
import type { CommandContext } from '../cli/context.ts';
import { EXIT_CODES } from '../cli/exit-codes.ts';
import type { CommandResult } from '../cli/output.ts';
import type { VariableName } from '../cli/variables.ts';
import { MAX_SDK_APP_ID } from '../vendors/tencent.ts';

interface UserSigOptions {
  trtc?: boolean;
  sdkAppId?: string;
  expiresIn?: string;
  userId?: string;
}

/** The app a UserSig belongs to. */
interface SigningApp {
  sdkAppId: number;
  secretKey: string;
  /** The secret's variable, for hints. */
  secretVariable: VariableName;
}

function signingApp(context: CommandContext, options: UserSigOptions): SigningApp {
  const [appVariable, secretVariable]: [VariableName, VariableName] =
    options.trtc === true
      ? ['TRTC_SDK_APP_ID', 'TRTC_SECRET_KEY']
      : ['TENCENT_IM_SDK_APP_ID', 'TENCENT_IM_SECRET_KEY'];
  return {
    sdkAppId: context.settings.requiredInteger(appVariable, options.sdkAppId, {
      min: 1,
      max: MAX_SDK_APP_ID,
    }),
    secretKey: context.settings.required(secretVariable),
    secretVariable,
  };
}

function fixFor(reason: VerifyUserSigFailureReason, app: SigningApp): string {
  switch (reason) {
    case 'malformed':
      return 'this is not a UserSig: copy it whole (it contains *, - and _)';
    case 'sdk-app-id-mismatch':
      return `it was issued for another app than ${app.sdkAppId} (--sdk-app-id)`;
    case 'user-id-mismatch':
      return 'it was issued for another user than --user-id';
    case 'expired':
      return 'issue a new one: imbridge usersig generate <userId>';
    case 'signature-mismatch':
      return `it was signed with another secret key than ${app.secretVariable}`;
  }
}

async function generate(context: CommandContext, command: Command): Promise<CommandResult> {
  const options = command.opts<UserSigOptions>();
  const app = signingApp(context, options);
  const userId = argumentAt(command, 0);
  const expiresInSeconds =
    integerFlag('--expires-in', options.expiresIn, { min: 1, max: 4_294_967_295 }) ??
    DEFAULT_USER_SIG_EXPIRES_IN_SECONDS;
  const nowSeconds = Math.floor(Date.now() / 1000);
  const userSig = await genUserSig({
    sdkAppId: app.sdkAppId,
    secretKey: app.secretKey,
    userId,
    expiresInSeconds,
    nowSeconds,
  });
  const expiresAt = new Date((nowSeconds + expiresInSeconds) * 1000).toISOString();
  context.output.note(
    `UserSig of ${userId} for SDKAppID ${app.sdkAppId}, valid until ${expiresAt}`,
  );
  return {
    data: { userId, sdkAppId: app.sdkAppId, expiresInSeconds, expiresAt, userSig },
    lines: [userSig],
  };
}

async function verify(context: CommandContext, command: Command): Promise<CommandResult> {
  const options = command.opts<UserSigOptions>();
  const app = signingApp(context, options);
  const result = await verifyUserSig({
    userSig: argumentAt(command, 0),
    sdkAppId: app.sdkAppId,
    secretKey: app.secretKey,
    userId: options.userId,
  });
  const { colors } = context.output;
  if (!result.valid) {
    const fix = fixFor(result.reason, app);
    return {
      data: { valid: false, reason: result.reason, hint: fix },
      lines: [`${colors.red('invalid')}: ${result.reason}`, `  fix: ${fix}`],
      exitCode: EXIT_CODES.failed,
    };
  }
  const expiresAtMs = (result.issuedAtSeconds + result.expiresInSeconds) * 1000;
  const issuedAt = new Date(result.issuedAtSeconds * 1000).toISOString();
  const expiresAt = new Date(expiresAtMs).toISOString();
  return {
    data: {
      valid: true,
      userId: result.userId,
      sdkAppId: result.sdkAppId,
      issuedAt,
      expiresAt,
      expiresInSeconds: result.expiresInSeconds,
      hasUserBuf: result.userBuf !== undefined,
    },
    lines: [
      `${colors.green('valid')}: UserSig of ${result.userId} for SDKAppID ${result.sdkAppId}`,
      `  issued ${issuedAt}, expires ${expiresAt}`,
    ],
  };
}

/** Registers `usersig generate` and `usersig verify`. */
export function registerUserSigCommands(program: Command, act: ActionFactory): void {
  const group = program
    .command('usersig')
    .description('generate and check UserSigs (offline, with the app secret key)');
  withExamples(group, ['imbridge usersig generate alice', 'imbridge usersig verify "$USER_SIG"']);
  const appOptions = (command: Command) =>
    command
      .option('--trtc', 'use the TRTC application (TRTC_SDK_APP_ID, TRTC_SECRET_KEY)')
      .option('--sdk-app-id <id>', 'SDKAppID (default: TENCENT_IM_SDK_APP_ID or TRTC_SDK_APP_ID)');

  withExamples(
    appOptions(
      group
        .command('generate')
        .description('print a UserSig for a user (secret key from TENCENT_IM_SECRET_KEY)')
        .argument('<userId>', 'the user (1 to 32 bytes)')
        .option('--expires-in <seconds>', 'validity (default: 15552000, 180 days)'),
    ).action(act(generate)),
    [
      'imbridge usersig generate alice',
      'imbridge usersig generate administrator --expires-in 86400',
      'imbridge usersig generate agent-1 --trtc --json',
    ],
  );

  withExamples(
    appOptions(
      group
        .command('verify')
        .description('check a UserSig against the app secret key; exits 1 when it is invalid')
        .argument('<userSig>', 'the UserSig')
        .option('--user-id <id>', 'it must belong to this user'),
    ).action(act(verify)),
    [
      'imbridge usersig verify "$USER_SIG" --user-id alice',
      'imbridge usersig verify "$(imbridge usersig generate alice)"',
    ],
  );
}
