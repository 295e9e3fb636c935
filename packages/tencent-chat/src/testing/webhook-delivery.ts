/**
 * Webhook delivery of the local Tencent Cloud Chat: POSTs a callback body to `callbackUrl` with
 * the vendor's query parameters and, with a callback token, `Sign` and `RequestTime`.
 *
 * @module
 */
import { computeCallbackSign } from '../webhooks/sign.ts';
import { type LocalChatState, nowSeconds } from './store.ts';
import type { LocalWebhookOptions } from './types.ts';

/** The bot's answer to a webhook. */
export interface WebhookAnswer {
  /** HTTP status. */
  status: number;
  /** The body, parsed JSON when it is JSON, else text. */
  body: unknown;
}

/**
 * POSTs `body` (a string as-is, anything else as JSON) to `callbackUrl` as webhook `command`.
 * @throws {Error} without `callbackUrl`, or when the bot does not answer in `webhookTimeoutMs`.
 */
export async function postWebhook(
  state: LocalChatState,
  command: string,
  body: unknown,
  options: LocalWebhookOptions = {},
): Promise<WebhookAnswer> {
  if (state.callbackUrl === undefined) {
    throw new Error('local-tencent-chat: no callbackUrl configured');
  }
  const { sdkAppId, callbackToken, webhookTimeoutMs } = state.config;
  const url = new URL(state.callbackUrl);
  url.searchParams.set('SdkAppid', String(options.sdkAppIdOverride ?? sdkAppId));
  url.searchParams.set('CallbackCommand', command);
  url.searchParams.set('contenttype', 'json');
  url.searchParams.set('ClientIP', '127.0.0.1');
  url.searchParams.set('OptPlatform', options.optPlatform ?? 'Web');
  const signs =
    options.omitSign !== true &&
    (callbackToken !== undefined ||
      options.signOverride !== undefined ||
      options.requestTimeOverride !== undefined);
  if (signs) {
    const requestTime = String(options.requestTimeOverride ?? nowSeconds(state));
    const sign =
      options.signOverride ?? (await computeCallbackSign(callbackToken ?? '', requestTime));
    url.searchParams.set('Sign', sign);
    url.searchParams.set('RequestTime', requestTime);
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(webhookTimeoutMs),
  });
  return { status: response.status, body: parseAnswer(await response.text()) };
}

function parseAnswer(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
