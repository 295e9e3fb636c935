/**
 * Webhook delivery of the local RongCloud: POSTs a JSON body to a bot's webhook URL with the
 * signature in the query — `nonce`, `signTimestamp` (milliseconds) and
 * `signature = hex(sha1(appSecret + nonce + signTimestamp))`, or the old spelling `rc-nonce`,
 * `rc-timestamp` (seconds), `rc-signature` — and reads the bot's answer.
 *
 * Emulator assumptions: the bot webhook is signed like RongCloud's other callbacks (the bot
 * webhook page points to "服务端回调签名"); it is POSTed once, never retried, with a
 * `webhookTimeoutMs` timeout, and whatever the bot answers is only reported.
 *
 * @module
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/callback-channels/bot-callback-webhook
 */
import { rongCloudSignature } from '../signing/signature.ts';
import type { LocalRongCloudState, StoredBot } from './store.ts';
import type { LocalWebhookDelivery, LocalWebhookOptions } from './types.ts';
import { type JsonObject, jsonObjectSchema } from './wire.ts';

/** The `bot` object of a webhook body. */
export function webhookBot(bot: StoredBot): JsonObject {
  return {
    userId: bot.userId,
    name: bot.name,
    profileUrl: bot.profileUrl,
    type: bot.type,
    metadata: structuredClone(bot.metadata),
  };
}

/**
 * True when an integration's `events` or `objectNames` list lets `value` through: a list that is
 * absent or empty listens to everything.
 */
export function listens(list: unknown, value: string): boolean {
  return !Array.isArray(list) || list.length === 0 || list.includes(value);
}

/**
 * Where the webhook of `eventType` for an `objectName` message goes: the `callbackUrl` option
 * when set, else the `callbackUrl` of the bot's enabled `webhook` integration whose `events` and
 * `objectNames` (when given and not empty) include them; `undefined` when the bot has none.
 */
export function webhookUrlOf(
  state: LocalRongCloudState,
  bot: StoredBot,
  eventType: string,
  objectName: string,
): string | undefined {
  const integration = bot.integrations.find(
    (candidate) =>
      candidate.type === 'webhook' &&
      candidate.enabled !== false &&
      listens(candidate.events, eventType) &&
      listens(candidate.objectNames, objectName),
  );
  if (integration === undefined) return undefined;
  return state.callbackUrl ?? String(integration.callbackUrl);
}

/** A random decimal nonce of 10 digits. */
function randomNonce(): string {
  const [word = 0] = crypto.getRandomValues(new Uint32Array(1));
  return String(word).padStart(10, '0');
}

/** Appends the signature query parameters to `url`, as `options` say. */
export function signWebhookUrl(
  state: LocalRongCloudState,
  url: string,
  options: LocalWebhookOptions = {},
): URL {
  const signed = new URL(url);
  if (options.omitSignature === true) return signed;
  const legacy = options.legacySpelling === true;
  const nowMs = state.config.now();
  const nonce = options.nonceOverride ?? randomNonce();
  const timestamp = String(
    options.timestampOverride ?? (legacy ? Math.floor(nowMs / 1000) : nowMs),
  );
  const signature =
    options.signOverride ?? rongCloudSignature(state.config.appSecret, nonce, timestamp);
  signed.searchParams.set(legacy ? 'rc-nonce' : 'nonce', nonce);
  signed.searchParams.set(legacy ? 'rc-timestamp' : 'signTimestamp', timestamp);
  signed.searchParams.set(legacy ? 'rc-signature' : 'signature', signature);
  return signed;
}

/**
 * POSTs `body` (a string as is, anything else as JSON) to `url`, signed as `options` say.
 * @throws {Error} when the bot does not answer within `webhookTimeoutMs`, or the POST fails.
 */
export async function postWebhook(
  state: LocalRongCloudState,
  target: { botUserId: string; url: string },
  body: unknown,
  options: LocalWebhookOptions = {},
): Promise<LocalWebhookDelivery> {
  const url = signWebhookUrl(state, target.url, options);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(state.config.webhookTimeoutMs),
  });
  return {
    botUserId: target.botUserId,
    url: url.href,
    requestBody: structuredClone(body),
    status: response.status,
    body: parseAnswer(await response.text()),
  };
}

/**
 * `LocalRongCloud.deliverWebhook`: `type` is written into an object body that has no
 * `type`; the URL is `options.callbackUrl`, else the `callbackUrl` option, else the webhook
 * integration of the bot named by `body.bot.userId`.
 * @throws {Error} when there is no URL to POST to.
 */
export async function deliverWebhook(
  state: LocalRongCloudState,
  type: string,
  body: unknown,
  options: LocalWebhookOptions = {},
): Promise<LocalWebhookDelivery> {
  const object = jsonObjectSchema.safeParse(body);
  const fields = object.success && !Array.isArray(body) ? object.data : undefined;
  const sent = fields !== undefined && fields.type === undefined ? { type, ...fields } : body;
  const botField = jsonObjectSchema.safeParse(fields?.bot);
  const botUserId =
    botField.success && typeof botField.data.userId === 'string' ? botField.data.userId : '';
  const bot = state.bots.get(botUserId);
  const url =
    options.callbackUrl ??
    state.callbackUrl ??
    (bot !== undefined ? webhookUrlOf(state, bot, type, 'RC:TxtMsg') : undefined);
  if (url === undefined) {
    throw new Error('local-rongcloud: no callbackUrl to deliver the webhook to');
  }
  return postWebhook(state, { botUserId, url }, sent, options);
}

function parseAnswer(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
