/**
 * `imbridge webhook replay <vendor> <url>`: POSTs a signed sample webhook of Tencent Chat,
 * RongCloud or TRTC to your endpoint and prints its answer — to check that a bot server
 * verifies and accepts what the vendor will send, before wiring the console.
 *
 * @module
 */
import { APICallError } from '@imbridge/core';
import type { Command } from 'commander';
import { type ActionFactory, argumentAt, elapsedMs, withExamples } from '../cli/command-kit.ts';
import type { CommandContext } from '../cli/context.ts';
import { EXIT_CODES, UsageError } from '../cli/exit-codes.ts';
import type { CommandResult } from '../cli/output.ts';
import type { VariableName } from '../cli/variables.ts';
import { MAX_SDK_APP_ID } from '../vendors/tencent.ts';
import {
  rongCloudSample,
  type SampleWebhook,
  TRTC_SAMPLE_EVENTS,
  type TrtcSampleEvent,
  tencentSample,
  trtcSample,
} from './webhook-samples.ts';

const VENDORS = ['tencent', 'rongcloud', 'trtc'] as const;
type Vendor = (typeof VENDORS)[number];

/** The variable that signs each vendor's webhooks. */
const SIGNING_VARIABLES: Record<Vendor, VariableName> = {
  tencent: 'TENCENT_IM_CALLBACK_TOKEN',
  rongcloud: 'RONGCLOUD_APP_SECRET',
  trtc: 'TRTC_CALLBACK_KEY',
};

/** Most characters of the endpoint's answer printed. */
const MAX_ANSWER_CHARACTERS = 1_000;

interface ReplayOptions {
  text: string;
  from: string;
  to?: string;
  group?: string;
  interrupt?: string;
  event: string;
  taskId: string;
  room: string;
  sdkAppId?: string;
  unsigned?: boolean;
}

function vendorOf(text: string): Vendor {
  const vendor = VENDORS.find((candidate) => candidate === text);
  if (vendor === undefined) {
    throw new UsageError(`the vendor must be one of ${VENDORS.join(', ')}, received "${text}"`);
  }
  return vendor;
}

function endpointOf(text: string): URL {
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
    throw new UsageError(`the endpoint must be an http(s) URL, received "${text}"`);
  }
  return new URL(text);
}

async function sampleFor(
  context: CommandContext,
  vendor: Vendor,
  url: string,
  options: ReplayOptions,
): Promise<SampleWebhook> {
  const { settings } = context;
  const secret =
    options.unsigned === true ? undefined : settings.required(SIGNING_VARIABLES[vendor]);
  const nowMs = Date.now();
  const appIdRange = { min: 1, max: MAX_SDK_APP_ID };
  switch (vendor) {
    case 'tencent':
      return tencentSample({
        url,
        sdkAppId: settings.requiredInteger('TENCENT_IM_SDK_APP_ID', options.sdkAppId, appIdRange),
        callbackToken: secret,
        from: options.from,
        robotId: settings.optional('TENCENT_IM_ROBOT_ID', options.to) ?? '@RBT#assistant',
        text: options.text,
        groupId: options.group,
        interruptMsgKey: options.interrupt,
        nowMs,
      });
    case 'rongcloud':
      return rongCloudSample({
        url,
        appSecret: secret,
        botUserId: settings.optional('RONGCLOUD_BOT_USER_ID', options.to) ?? 'bot-assistant',
        from: options.from,
        text: options.text,
        groupId: options.group,
        nowMs,
      });
    case 'trtc': {
      const event = Object.keys(TRTC_SAMPLE_EVENTS).find((name) => name === options.event);
      if (event === undefined) {
        throw new UsageError(
          `--event must be one of ${Object.keys(TRTC_SAMPLE_EVENTS).join(', ')}, received "${options.event}"`,
        );
      }
      return trtcSample({
        url,
        callbackKey: secret,
        sdkAppId: settings.integer('TRTC_SDK_APP_ID', options.sdkAppId, appIdRange),
        event: event as TrtcSampleEvent,
        taskId: options.taskId,
        roomId: options.room,
        from: options.from,
        botUserId: options.to ?? 'imbridge-agent',
        text: options.text,
        nowMs,
      });
    }
  }
}

/** POSTs the webhook; a failure to get an answer is an `APICallError` (network or timeout). */
async function post(context: CommandContext, webhook: SampleWebhook): Promise<Response> {
  const timeout = AbortSignal.timeout(context.timeoutMs);
  const signal =
    context.signal === undefined ? timeout : AbortSignal.any([context.signal, timeout]);
  const target = `${webhook.url.origin}${webhook.url.pathname}`;
  try {
    return await context.fetch(webhook.url, {
      method: 'POST',
      headers: webhook.headers,
      body: webhook.body,
      signal,
    });
  } catch (error) {
    if (context.signal?.aborted === true) throw error;
    if (timeout.aborted) {
      throw new APICallError({
        message: `${target} did not answer within ${context.timeoutMs} ms`,
        provider: 'webhook',
        kind: 'timeout',
        timeoutMs: context.timeoutMs,
        timeoutPhase: 'request',
      });
    }
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    throw new APICallError({
      message: `${target} could not be reached${code}`,
      provider: 'webhook',
      kind: 'network',
      hint: 'is the bot server running, and is the URL right?',
    });
  }
}

async function replay(context: CommandContext, command: Command): Promise<CommandResult> {
  const vendor = vendorOf(argumentAt(command, 0));
  const endpoint = endpointOf(argumentAt(command, 1));
  const options = command.opts<ReplayOptions>();
  if (options.unsigned === true) context.output.note('sending without a signature (--unsigned)');
  const webhook = await sampleFor(context, vendor, endpoint.href, options);
  const target = `${endpoint.origin}${endpoint.pathname}`;
  const startedAt = performance.now();
  const response = await context.spin(`POST ${webhook.event} to ${target}…`, () =>
    post(context, webhook),
  );
  const answer = (await response.text()).slice(0, MAX_ANSWER_CHARACTERS);
  const durationMs = elapsedMs(startedAt);
  const data = {
    vendor,
    event: webhook.event,
    url: target,
    signed: options.unsigned !== true,
    status: response.status,
    body: answer,
    durationMs,
  };
  const { colors } = context.output;
  const status = response.ok
    ? colors.green(String(response.status))
    : colors.red(String(response.status));
  const lines = [`${webhook.event} → ${target}: ${status} in ${durationMs} ms`];
  if (answer !== '') lines.push(`  ${answer}`);
  if (response.ok) return { data, lines };
  const refused = response.status === 401 || response.status === 403;
  const hint = refused
    ? `the endpoint refused the webhook: does it use the same ${SIGNING_VARIABLES[vendor]}${vendor === 'rongcloud' ? '' : ' and SDKAppID'}?`
    : 'the endpoint answered an error: see its logs';
  return {
    data: { ...data, hint },
    lines: [...lines, `  fix: ${hint}`],
    exitCode: EXIT_CODES.failed,
  };
}

/** Registers `webhook replay`. */
export function registerWebhookCommands(program: Command, act: ActionFactory): void {
  const group = program.command('webhook').description('try your webhook endpoint');
  withExamples(group, [
    'imbridge webhook replay tencent http://127.0.0.1:3000/tencent-chat/webhook',
  ]);
  withExamples(
    group
      .command('replay')
      .description('POST a signed sample webhook to a URL and print the answer; exits 1 unless 2xx')
      .argument('<vendor>', `one of ${VENDORS.join(', ')}`)
      .argument('<url>', "your bot's webhook URL")
      .option('--text <text>', 'the message text', 'Hello from imbridge')
      .option('--from <userId>', 'the user sending', 'imbridge-user')
      .option('--to <id>', 'the robot or bot (default: TENCENT_IM_ROBOT_ID, RONGCLOUD_BOT_USER_ID)')
      .option('--group <groupId>', 'a group message mentioning the bot (tencent, rongcloud)')
      .option('--interrupt <msgKey>', "tencent: a user's stop request (src 22) for that reply")
      .option('--event <event>', `trtc: ${Object.keys(TRTC_SAMPLE_EVENTS).join(', ')}`, 'message')
      .option('--task-id <id>', 'trtc: the task id', 'imbridge-replay-task')
      .option('--room <roomId>', 'trtc: the room id', '1234')
      .option('--sdk-app-id <id>', 'SDKAppID (default: TENCENT_IM_SDK_APP_ID, TRTC_SDK_APP_ID)')
      .option('--unsigned', 'send no signature (your endpoint should refuse it)')
      .action(act(replay)),
    [
      'imbridge webhook replay tencent http://127.0.0.1:3000/tencent-chat/webhook --text hello',
      'imbridge webhook replay tencent http://127.0.0.1:3000/tencent-chat/webhook --group team',
      'imbridge webhook replay rongcloud http://127.0.0.1:3000/rongcloud/webhook --to bot-assistant',
      'imbridge webhook replay trtc http://127.0.0.1:3000/trtc/webhook --event started --json',
      'imbridge webhook replay tencent http://127.0.0.1:3000/tencent-chat/webhook --unsigned',
    ],
  );
}
