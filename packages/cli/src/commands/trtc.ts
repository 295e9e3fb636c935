/**
 * `imbridge trtc start|stop|describe`: TRTC AI conversations (voice agents), through
 * `createTrtcClient`. `start` signs the agent's UserSig with the application's SDK secret key
 * (`TRTC_SECRET_KEY`) and points TRTC at an OpenAI-compatible LLM (`LLM_*`).
 *
 * @module
 */
import { genUserSig } from '@imbridge/tencent-chat';
import type { RoomId, TRTCClient } from '@imbridge/trtc';
import type { Command } from 'commander';
import { type ActionFactory, argumentAt, withExamples } from '../cli/command-kit.ts';
import type { CommandContext } from '../cli/context.ts';
import { UsageError } from '../cli/exit-codes.ts';
import type { CommandResult } from '../cli/output.ts';
import {
  createTrtcApiClient,
  type TrtcFlags,
  trtcApiSettings,
  trtcSdkAppId,
  trtcTarget,
} from '../vendors/trtc.ts';

/** The voice used when neither `--voice-id` nor `TRTC_TTS_VOICE_ID` is set (as in the example). */
export const DEFAULT_TTS_VOICE_ID = 'v-female-R2s4N9qJ';
/** The model of that voice. */
export const DEFAULT_TTS_MODEL = 'flow_01_turbo';
/** Validity of the agent's UserSig: a day, longer than any call. */
const AGENT_USER_SIG_EXPIRES_IN_SECONDS = 86_400;

interface StartOptions {
  room: string;
  stringRoom?: boolean;
  targetUser: string;
  agentUser: string;
  session?: string;
  llmUrl?: string;
  llmModel?: string;
  systemPrompt?: string;
  welcome?: string;
  voiceId?: string;
  ttsModel?: string;
  streaming: boolean;
}

function clientFor(context: CommandContext, command: Command): TRTCClient {
  const api = trtcApiSettings(context, command.optsWithGlobals<TrtcFlags>());
  context.output.debug(`TRTC API at ${trtcTarget(api)}, region ${api.region}`);
  return createTrtcApiClient(context, api);
}

function roomOf(options: StartOptions): RoomId {
  if (options.stringRoom === true || !/^\d+$/.test(options.room)) return options.room;
  const numeric = Number(options.room);
  if (numeric < 1 || numeric > 4_294_967_294) {
    throw new UsageError('a numeric --room is from 1 to 4294967294 (use --string-room otherwise)');
  }
  return numeric;
}

/** The full chat-completions URL: `--llm-url`, else `LLM_BASE_URL` + `/chat/completions`. */
function llmUrlOf(context: CommandContext, options: StartOptions): string {
  if (options.llmUrl !== undefined) {
    if (!URL.canParse(options.llmUrl) || !/^https?:$/.test(new URL(options.llmUrl).protocol)) {
      throw new UsageError(`--llm-url must be an http(s) URL, received "${options.llmUrl}"`);
    }
    return options.llmUrl;
  }
  const base =
    context.settings.url('LLM_BASE_URL', undefined) ?? context.settings.required('LLM_BASE_URL');
  return base.endsWith('/chat/completions') ? base : `${base}/chat/completions`;
}

async function start(context: CommandContext, command: Command): Promise<CommandResult> {
  const options = command.opts<StartOptions>();
  const flags = command.optsWithGlobals<TrtcFlags>();
  const { settings } = context;
  const sdkAppId = trtcSdkAppId(context, flags);
  const roomId = roomOf(options);
  const userSig = await genUserSig({
    sdkAppId,
    secretKey: settings.required('TRTC_SECRET_KEY'),
    userId: options.agentUser,
    expiresInSeconds: AGENT_USER_SIG_EXPIRES_IN_SECONDS,
  });
  const welcomeMessage = settings.optional('AGENT_WELCOME_MESSAGE', options.welcome);
  const systemPrompt = settings.optional('AGENT_SYSTEM_PROMPT', options.systemPrompt);
  const request = {
    sdkAppId,
    roomId,
    sessionId: options.session,
    agentConfig: {
      userId: options.agentUser,
      userSig,
      targetUserId: options.targetUser,
      welcomeMessage,
    },
    llmConfig: {
      type: 'openai',
      model: settings.required('LLM_MODEL', options.llmModel),
      apiKey: settings.required('LLM_API_KEY'),
      apiUrl: llmUrlOf(context, options),
      streaming: options.streaming,
      systemPrompt,
    },
    ttsConfig: {
      type: 'flow' as const,
      voiceId: settings.optional('TRTC_TTS_VOICE_ID', options.voiceId) ?? DEFAULT_TTS_VOICE_ID,
      model: settings.optional('TRTC_TTS_MODEL', options.ttsModel) ?? DEFAULT_TTS_MODEL,
    },
    signal: context.signal,
  };
  const client = clientFor(context, command);
  const result = await context.spin(`Starting the agent in room ${roomId}…`, () =>
    client.startAIConversation(request),
  );
  if (result.status === 'already-running') {
    return {
      data: { status: result.status, sessionId: result.sessionId, requestId: result.requestId },
      lines: [
        `session ${result.sessionId} is already running: no second agent started`,
        `  find its task: imbridge trtc describe --session ${result.sessionId}`,
      ],
    };
  }
  return {
    data: {
      status: result.status,
      taskId: result.taskId,
      sessionId: result.sessionId,
      requestId: result.requestId,
      roomId: String(roomId),
    },
    lines: [
      `started ${options.agentUser} in room ${roomId} for ${options.targetUser}`,
      `  task ${result.taskId}`,
    ],
  };
}

function registerStart(group: Command, act: ActionFactory): void {
  withExamples(
    group
      .command('start')
      .description(
        'put a voice agent into a room (LLM key from LLM_API_KEY, UserSig from TRTC_SECRET_KEY)',
      )
      .requiredOption('--room <roomId>', 'the room (digits: a numeric room, unless --string-room)')
      .requiredOption('--target-user <userId>', 'the user the agent listens to')
      .option('--agent-user <userId>', "the agent's TRTC user id", 'imbridge-agent')
      .option('--string-room', 'the room id is a string room id, even when it is all digits')
      .option('--session <id>', 'your id of this conversation (a second start does nothing)')
      .option(
        '--llm-url <url>',
        'full chat-completions URL (default: LLM_BASE_URL + /chat/completions)',
      )
      .option('--llm-model <model>', 'the model (default: LLM_MODEL)')
      .option('--system-prompt <text>', 'system prompt (default: AGENT_SYSTEM_PROMPT)')
      .option('--welcome <text>', 'what the agent says first (default: AGENT_WELCOME_MESSAGE)')
      .option(
        '--voice-id <id>',
        `flow voice (default: TRTC_TTS_VOICE_ID or ${DEFAULT_TTS_VOICE_ID})`,
      )
      .option(
        '--tts-model <model>',
        `voice model (default: TRTC_TTS_MODEL or ${DEFAULT_TTS_MODEL})`,
      )
      .option('--no-streaming', 'ask the LLM for whole answers instead of a stream')
      .action(act(start)),
    [
      'imbridge trtc start --room 1234 --target-user alice --llm-model deepseek-chat',
      'imbridge trtc start --room support-42 --session support-42 --target-user alice --json',
      "imbridge trtc start --room 1234 --target-user alice --welcome 'Hello! How can I help?'",
    ],
  );
}

/** Registers the `trtc` group. */
export function registerTrtcCommands(program: Command, act: ActionFactory): void {
  const group = program
    .command('trtc')
    .description(
      'TRTC voice agents: start, stop and describe AI conversations (TENCENTCLOUD_*, TRTC_* settings)',
    )
    .option('--sdk-app-id <id>', 'TRTC SDKAppID (default: TRTC_SDK_APP_ID)')
    .option(
      '--region <region>',
      'region of the calls (default: TENCENTCLOUD_REGION or ap-guangzhou)',
    )
    .option('--endpoint <site>', 'china or international (default: TRTC_ENDPOINT or china)')
    .option('--base-url <url>', 'base URL instead of the site (default: TRTC_BASE_URL)');
  withExamples(group, [
    'imbridge trtc start --room 1234 --target-user alice --session call-1',
    'imbridge trtc describe --session call-1',
    'imbridge trtc stop "$TASK_ID"',
  ]);
  registerStart(group, act);
  withExamples(
    group
      .command('stop')
      .description('stop an AI conversation')
      .argument('<taskId>', 'the task, as start printed it')
      .action(
        act(async (context, command) => {
          const taskId = argumentAt(command, 0);
          const client = clientFor(context, command);
          const result = await context.spin('Stopping…', () =>
            client.stopAIConversation({ taskId, signal: context.signal }),
          );
          return {
            data: { taskId, requestId: result.requestId },
            lines: [`stopped task ${taskId}`],
          };
        }),
      ),
    ['imbridge trtc stop "$TASK_ID"'],
  );
  withExamples(
    group
      .command('describe')
      .description('show the state of an AI conversation, by task or by --session')
      .argument('[taskId]', 'the task')
      .option('--session <id>', 'find the task by its session id (with TRTC_SDK_APP_ID)')
      .action(
        act(async (context, command) => {
          const taskId: unknown = command.processedArgs[0];
          const { session } = command.opts<{ session?: string }>();
          if ((typeof taskId === 'string') === (session !== undefined)) {
            throw new UsageError('pass a task id or --session <id>, not both');
          }
          const lookup =
            typeof taskId === 'string'
              ? { taskId }
              : {
                  sdkAppId: trtcSdkAppId(context, command.optsWithGlobals<TrtcFlags>()),
                  sessionId: session ?? '',
                };
          const client = clientFor(context, command);
          const result = await context.spin('Reading the task…', () =>
            client.describeAIConversation({ ...lookup, signal: context.signal }),
          );
          return {
            data: { ...result },
            lines: [
              `task ${result.taskId}: ${result.status}${result.status === 'unknown' ? ` (${result.vendorStatus})` : ''}`,
              ...(result.sessionId === undefined ? [] : [`  session ${result.sessionId}`]),
              ...(result.startTime === undefined ? [] : [`  started ${result.startTime}`]),
            ],
          };
        }),
      ),
    ['imbridge trtc describe "$TASK_ID"', 'imbridge trtc describe --session support-42 --json'],
  );
}
