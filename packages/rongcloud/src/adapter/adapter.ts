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
  ValidationError,
} from '@imbridge/core';
import { createEnvironmentReader } from '@imbridge/provider-utils';
import { createRongCloudClient } from '../client/client.ts';
import { connectionFromEnvironment } from '../client/environment.ts';
import type { RongCloudClient } from '../client/types.ts';
import { parseRongCloudWebhook } from '../webhooks/parse.ts';
import {
  rejectionReason,
  webhookAcknowledgement,
  webhookRejection,
} from '../webhooks/responses.ts';
import type { RongCloudMessagePayload } from '../webhooks/types.ts';
import { toInboundEvents } from './inbound.ts';
import { type RongCloudAdapterOptions, resolveAdapterSettings } from './options.ts';
import { finalCalls, publishText, type StreamSinkSnapshot, streamSink, textSink } from './sinks.ts';

const PLATFORM = 'rongcloud';
const OWNER = 'createRongCloudAdapter';

/** The RongCloud {@link ChatAdapter}, with its server API client exposed. */
export interface RongCloudAdapter extends ChatAdapter<RongCloudMessagePayload> {
  /** The server API client the adapter uses. */
  readonly client: RongCloudClient;
  /** True when replies stream as `RC:StreamMsg`. */
  readonly streaming: boolean;
}

function parseSnapshot(value: JsonValue): StreamSinkSnapshot {
  const snapshot = value as Partial<StreamSinkSnapshot> | null;
  if (
    typeof snapshot !== 'object' ||
    snapshot === null ||
    snapshot.v !== 1 ||
    snapshot.mode !== 'stream' ||
    typeof snapshot.seq !== 'number' ||
    typeof snapshot.delivered !== 'string'
  ) {
    throw new ValidationError({
      message: 'Not a RongCloud reply snapshot',
      code: 'invalid-snapshot',
    });
  }
  return snapshot as StreamSinkSnapshot;
}

/**
 * Plugs RongCloud into `@imbridge/core`'s bot runtime: a bot user's webhook integration
 * (`type: 'webhook'`) posts each message to your URL; the adapter verifies the URL's signature,
 * parses the event, and replies as the bot — streamed as one `RC:StreamMsg` that grows chunk by
 * chunk (paced by the runtime) and ends `complete`, or as one `RC:TxtMsg` with `streaming:
 * false`. A failure becomes a short text message. One adapter can serve several bot users.
 *
 * RongCloud offers no stop signal a user can send to a streaming reply, so RongCloud bots are
 * never interrupted by users (a newer message can still supersede a reply under
 * `concurrency: 'interrupt'`).
 *
 * Every option left out is read from its environment variable (`RONGCLOUD_APP_KEY`,
 * `RONGCLOUD_APP_SECRET`, `RONGCLOUD_REGION` or `RONGCLOUD_BASE_URL`, `RONGCLOUD_BOT_USER_ID`; see
 * `RONGCLOUD_ENV_VARIABLES`), from `process.env` or from the `env` option (a Worker's `env`); an
 * option given in code always wins.
 *
 * @throws {ValidationError} when an option or a variable is invalid, or a required setting
 *   (`appKey`, `appSecret`) is in neither the options nor the environment: the message names the
 *   option and the variable, never a secret's value.
 * @example
 * ```ts
 * // RONGCLOUD_APP_KEY, RONGCLOUD_APP_SECRET, RONGCLOUD_BOT_USER_ID=bot-assistant
 * const adapter = createRongCloudAdapter();
 * createServer(toNodeListener(createBot({ model }).webhook(adapter))).listen(3000);
 *
 * // Cloudflare Workers: pass the variables the fetch handler receives
 * const workerAdapter = createRongCloudAdapter({ env });
 * ```
 */
export function createRongCloudAdapter(options: RongCloudAdapterOptions = {}): RongCloudAdapter {
  const environment = createEnvironmentReader(OWNER, options.env);
  const client =
    options.client ?? createRongCloudClient(connectionFromEnvironment(options, OWNER, environment));
  const settings = resolveAdapterSettings(options, environment);
  const log = createLogEmitter(options.logger);
  const botSet = settings.botUserIds === undefined ? undefined : new Set(settings.botUserIds);
  const answers = (botUserId: string): boolean => botSet === undefined || botSet.has(botUserId);
  const isBot = (userId: string): boolean => botSet?.has(userId) === true;
  const limits: AdapterLimits = {
    maxMessageBytes: settings.maxTextBytes,
    minUpdateIntervalMs: settings.minUpdateIntervalMs,
    // The stream message APIs allow 100 calls/s per app. Replies pace a little under it, with
    // half a second of burst, as Tencent's (decision 0014): at the limit, jitter meets 1008.
    callsPerSecond: 98,
    burst: 49,
  };
  const sinks = { client, finalUpdateRetry: settings.finalUpdateRetry };
  if (!settings.verifySignatures) {
    log('warn', { event: 'signature-check-disabled', platform: PLATFORM });
  }
  const parseOptions = {
    appSecret: settings.appSecret,
    verifySignatures: settings.verifySignatures,
    maxAgeMs: settings.webhookMaxAgeMs,
  };

  return {
    platform: PLATFORM,
    limits,
    client,
    streaming: settings.streaming,

    async receive(request: Request): Promise<ReceiveResult<RongCloudMessagePayload>> {
      try {
        const webhook = await parseRongCloudWebhook(request, parseOptions);
        return {
          response: webhookAcknowledgement(),
          events: toInboundEvents(webhook, answers, isBot),
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

    async post(target: ReplyTarget, text: string, postOptions?: PostOptions): Promise<PostResult> {
      const id = await publishText(client, target, text, { signal: postOptions?.signal });
      return { id: id ?? '' };
    },

    async openReply(target: ReplyTarget, openOptions?: OpenReplyOptions): Promise<ReplySink> {
      if (!settings.streaming) return textSink(sinks, target);
      return streamSink(sinks, target, openOptions?.signal);
    },

    async resumeReply(
      target: ReplyTarget,
      snapshot: JsonValue,
      resumeOptions?: PostOptions,
    ): Promise<ReplySink> {
      return streamSink(sinks, target, resumeOptions?.signal, parseSnapshot(snapshot));
    },

    async postError(
      target: ReplyTarget,
      message: string,
      postOptions?: PostOptions,
    ): Promise<void> {
      // The user is waiting on this one: it gets the final update's retries and deadline.
      await publishText(client, target, message, finalCalls(sinks, postOptions?.signal)());
    },
  };
}
