/**
 * The webhook relay: each stand-in posts its signed webhooks here, and the relay passes them,
 * untouched (query, headers, body bytes), to the bot — your bot's URL or the example bot in
 * this process — logs the exchange for the wire panel and hands the bot's answer back to the
 * stand-in. The vendors' signatures cover the token, nonce, timestamp or body, never the URL,
 * so they stay valid on the way.
 *
 * @module
 */
import type { ActivityLog } from './activity-log.ts';
import { forward, type Send, withQueryOf } from './forward.ts';
import { field } from './json-field.ts';
import type { PlaygroundVendor } from './local-setup.ts';
import { redactBody, redactPathAndQuery } from './redact.ts';

/** Where a vendor's webhooks go. */
export interface WebhookTarget {
  /** The URL the bot is reached at (for an in-process bot, a name-only URL for the log). */
  readonly url: string;
  /** Who answers, for the panel: `example bot`, or the bot's URL. */
  readonly label: string;
  /** Sends the request: `fetch`, or the bot's handler. */
  readonly send: Send;
}

/** The names of TRTC's AI service events (event group 9). */
const TRTC_EVENTS: Readonly<Record<number, string>> = {
  901: 'task started',
  902: 'task stopped',
  903: 'sentence',
  904: 'user speaking',
  905: 'bot finished speaking',
  906: 'metrics',
  907: 'session ready',
  908: 'LLM error',
};

/** True when a Tencent webhook carries a chatbot stop request (`src: 22`). */
function isStopRequest(body: unknown): boolean {
  const elements = field(body, 'MsgBody');
  return (
    Array.isArray(elements) &&
    elements.some((element) => field(field(field(element, 'MsgContent'), 'Data'), 'src') === 22)
  );
}

/** A short name of a webhook: the callback command, the event type. */
function webhookLabel(vendor: PlaygroundVendor, url: URL, body: unknown): string {
  if (vendor === 'tencent-chat') {
    const command = url.searchParams.get('CallbackCommand') ?? 'webhook';
    return isStopRequest(body) ? 'stop request (src 22)' : command;
  }
  if (vendor === 'rongcloud') {
    const type = field(body, 'type');
    return typeof type === 'string' ? type : 'webhook';
  }
  const eventType = field(body, 'EventType');
  return typeof eventType === 'number'
    ? `${eventType} ${TRTC_EVENTS[eventType] ?? 'event'}`
    : 'webhook';
}

/**
 * A handler for the webhooks of `vendor`, posting them on to `targetOf(vendor)` and logging
 * each exchange.
 */
export function createWebhookRelay(options: {
  log: ActivityLog;
  targetOf: (vendor: PlaygroundVendor) => WebhookTarget;
}): (vendor: PlaygroundVendor, request: Request) => Promise<Response> {
  return async (vendor, request) => {
    const atMs = Date.now();
    const incoming = new URL(request.url);
    const body = await request.text();
    const target = options.targetOf(vendor);
    const url = withQueryOf(target.url, incoming);
    const requestBody = redactBody(body);
    const result = await forward(target.send, url, request, body);
    options.log.add({
      atMs,
      kind: 'webhook',
      vendor,
      label: webhookLabel(vendor, incoming, requestBody),
      method: request.method,
      path: redactPathAndQuery(url),
      target: target.label,
      status: result.ok ? result.status : 0,
      durationMs: result.durationMs,
      error: result.ok ? undefined : result.error,
      requestBody,
      responseBody: result.ok ? redactBody(result.text) : undefined,
    });
    if (!result.ok) {
      return Response.json({ error: `the bot did not answer: ${result.error}` }, { status: 502 });
    }
    return new Response(result.text, {
      status: result.status,
      headers: { 'content-type': result.contentType },
    });
  };
}
