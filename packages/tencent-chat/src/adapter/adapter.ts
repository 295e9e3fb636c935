import {
  type AdapterLimits,
  type ChatAdapter,
  createLogEmitter,
  describeError,
  type IMBridgeError,
  type JsonValue,
  type OpenReplyOptions,
  type PostOptions,
  type PostResult,
  type ReceiveResult,
  type ReplySink,
  type ReplyTarget,
  SignatureVerificationError,
  ValidationError,
} from '@imbridge/core';
import { createEnvironmentReader } from '@imbridge/provider-utils';
import { createTencentChatClient } from '../client/client.ts';
import { connectionFromEnvironment } from '../client/environment.ts';
import { newMessageKeys } from '../client/message-keys.ts';
import type { TencentChatClient } from '../client/types.ts';
import { parseTencentWebhook } from '../webhooks/parse.ts';
import { webhookAcknowledgement, webhookRejection } from '../webhooks/responses.ts';
import type { TencentChatMessagePayload } from '../webhooks/types.ts';
import { isRobot, toInboundEvents } from './inbound.ts';
import {
  resolveAdapterSettings,
  type TencentChatAdapterOptions,
  type TencentStreamMode,
} from './options.ts';
import { createOutbound } from './outbound.ts';
import { chatbotErrorElements, customMessageSink, finalCall, textModifySink } from './sinks.ts';
import { streamElemSink } from './stream-elem-sink.ts';

/** The Tencent Cloud Chat {@link ChatAdapter}, with its REST client exposed. */
export interface TencentChatAdapter extends ChatAdapter<TencentChatMessagePayload> {
  /** The REST client the adapter uses. */
  readonly client: TencentChatClient;
  /** The stream mode in use. */
  readonly streamMode: TencentStreamMode;
}

const PLATFORM = 'tencent-chat';
const OWNER = 'createTencentChatAdapter';

/** Why a webhook was refused, for the log: the signature reason or the validation code. */
function rejectionReason(error: unknown): string {
  if (SignatureVerificationError.isInstance(error)) return `signature-${error.reason}`;
  if (ValidationError.isInstance(error)) return error.code;
  return 'unexpected-error';
}

/** Share of a per-API limit the replies of one adapter use (decision 0014). */
const REPLY_RATE_SHARE = 0.98;

/** The reply pacing rate for a per-API limit: {@link REPLY_RATE_SHARE} of it, at least 1/s. */
function replyRate(callsPerSecondPerApi: number): number {
  return Math.max(1, Math.floor(callsPerSecondPerApi * REPLY_RATE_SHARE));
}

/**
 * The reply buckets' burst: half a second of calls (decision 0014). A whole second's burst
 * spends Tencent's own bucket down to a few calls when many conversations start at once, and
 * the calls a stall bunches then meet 60007.
 */
function replyBurst(callsPerSecond: number): number {
  return Math.max(1, Math.floor(callsPerSecond / 2));
}

/**
 * Creates the Tencent Cloud Chat adapter: verifies and parses webhooks (`Bot.OnC2CMessage`,
 * `Bot.OnGroupMessage`, and the `AfterSendMsg` callbacks), turns a user's `src: 22` message into
 * an interrupt of the reply it names, and streams replies from the robot in the chosen mode.
 * Errors become `src: 23` messages in `custom-message` mode, text messages otherwise.
 *
 * Every option left out is read from its environment variable (`TENCENT_IM_SDK_APP_ID`,
 * `TENCENT_IM_SECRET_KEY`, `TENCENT_IM_CALLBACK_TOKEN`, `TENCENT_IM_ROBOT_ID`…; see
 * `TENCENT_CHAT_ENV_VARIABLES`), from `process.env` or from the `env` option (a Worker's `env`);
 * an option given in code always wins.
 *
 * Safe and visible by default: `callbackToken` is required (or `verifySignatures: false`, which
 * logs a warning once), options are checked here, and every rejected webhook is logged with its
 * reason. A group stop request only arrives when the console enables
 * `Group.CallbackAfterSendMsg` (see the guide: it sends every group message to your server).
 *
 * @throws {ValidationError} when an option or a variable is invalid, or a required setting
 *   (`sdkAppId`, `secretKey`, `callbackToken`) is in neither the options nor the environment: the
 *   message names the option and the variable, never a secret's value.
 * @example
 * ```ts
 * // TENCENT_IM_SDK_APP_ID, TENCENT_IM_SECRET_KEY, TENCENT_IM_CALLBACK_TOKEN, TENCENT_IM_ROBOT_ID
 * const adapter = createTencentChatAdapter();
 * createServer(toNodeListener(createBot({ model }).webhook(adapter))).listen(3000);
 *
 * // Cloudflare Workers (no process.env): pass the env the fetch handler receives
 * const workerAdapter = createTencentChatAdapter({ env });
 * ```
 */
export function createTencentChatAdapter(
  options: TencentChatAdapterOptions = {},
): TencentChatAdapter {
  const environment = createEnvironmentReader(OWNER, options.env);
  const client =
    options.client ??
    createTencentChatClient(connectionFromEnvironment(options, OWNER, environment));
  const settings = resolveAdapterSettings(options, environment);
  const log = createLogEmitter(options.logger);
  const { streamMode, robotIds } = settings;
  const robotSet = robotIds !== undefined ? new Set(robotIds) : undefined;
  // Replies are paced a little under the vendor's limit, with half a second of burst (decision
  // 0014): at the limit itself, jitter bunches calls and Tencent rejects some (60007). The
  // opening send and the modifications count under different APIs (sendmsg, modify_*_msg),
  // each with its own budget.
  const replyCallsPerSecond = replyRate(options.callsPerSecondPerApi ?? 200);
  const limits: AdapterLimits = {
    maxMessageBytes: settings.maxTextBytes,
    minUpdateIntervalMs: settings.minUpdateIntervalMs,
    callsPerSecond: replyCallsPerSecond,
    burst: replyBurst(replyCallsPerSecond),
    openCallsPerSecond: replyCallsPerSecond,
    openBurst: replyBurst(replyCallsPerSecond),
  };
  const answers = (robotId: string): boolean =>
    isRobot(robotId) && (robotSet === undefined || robotSet.has(robotId));
  const outbound = createOutbound(client, robotIds, settings.messageSizeCapBytes);
  const sinks = { outbound, finalUpdateRetry: settings.finalUpdateRetry };
  if (!settings.verifySignatures) {
    log('warn', { event: 'signature-check-disabled', platform: PLATFORM });
  }
  const parseOptions = {
    sdkAppId: client.sdkAppId,
    callbackToken: settings.callbackToken,
    verifySignatures: settings.verifySignatures,
  };

  return {
    platform: PLATFORM,
    limits,
    client,
    streamMode,

    async receive(request: Request): Promise<ReceiveResult<TencentChatMessagePayload>> {
      try {
        const webhook = await parseTencentWebhook(request, parseOptions);
        return {
          response: webhookAcknowledgement(),
          events: toInboundEvents(webhook, answers, robotIds),
        };
      } catch (error) {
        const response = webhookRejection(error);
        log(response.status >= 500 ? 'error' : 'warn', {
          event: 'webhook-rejected',
          platform: PLATFORM,
          statusCode: response.status,
          reason: rejectionReason(error),
          error: describeError(error as IMBridgeError),
        });
        return { response, events: [] };
      }
    },

    post(target: ReplyTarget, text: string, postOptions?: PostOptions): Promise<PostResult> {
      return outbound.postText(target, text, { signal: postOptions?.signal });
    },

    async openReply(target: ReplyTarget, openOptions?: OpenReplyOptions): Promise<ReplySink> {
      outbound.robotOf(target);
      const signal = openOptions?.signal;
      if (streamMode === 'stream-elem') {
        return streamElemSink(sinks, client, target, signal, settings.streamIdleLimitMs);
      }
      if (streamMode === 'text-modify') return textModifySink(sinks, target, signal);
      return customMessageSink(sinks, target, signal);
    },

    async resumeReply(
      target: ReplyTarget,
      snapshot: JsonValue,
      resumeOptions?: PostOptions,
    ): Promise<ReplySink> {
      outbound.robotOf(target);
      // The snapshot schema (zod) loads with the first resumed reply, not at import.
      const { parseSinkSnapshot } = await import('./reply-snapshot-schema.ts');
      const restored = parseSinkSnapshot(snapshot);
      const signal = resumeOptions?.signal;
      if (restored.mode === 'stream-elem') {
        return streamElemSink(sinks, client, target, signal, settings.streamIdleLimitMs, restored);
      }
      if (restored.mode === 'text-modify') return textModifySink(sinks, target, signal, restored);
      return customMessageSink(sinks, target, signal, restored);
    },

    async postError(
      target: ReplyTarget,
      message: string,
      postOptions?: PostOptions,
    ): Promise<void> {
      // The user is waiting on this one: it gets the final update's budget and deadline.
      const call = finalCall(sinks, postOptions?.signal);
      if (streamMode === 'custom-message') {
        const error = { elements: chatbotErrorElements(message), keys: newMessageKeys() };
        await outbound.send(target, error, call);
        return;
      }
      await outbound.postText(target, message, call);
    },
  };
}
