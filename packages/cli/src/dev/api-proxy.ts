/**
 * The recording proxy in front of the local Tencent Cloud Chat and RongCloud: a bot pointed at
 * `<playground>/vendor/<vendor>` instead of the stand-in reaches the stand-in all the same, and
 * every call lands in the wire panel — method, path with the UserSig redacted, status, the
 * vendor's result code and the time it took. (TRTC's calls are read from the local TRTC's own
 * records instead: its TC3 signature covers the `Host` header, which a proxy would change.)
 *
 * @module
 */
import type { ActivityLog } from './activity-log.ts';
import { forward, type Send, withQueryOf } from './forward.ts';
import { field } from './json-field.ts';
import type { PlaygroundVendor } from './local-setup.ts';
import { redactBody, redactPathAndQuery } from './redact.ts';

/** The vendors behind the proxy. */
export type ProxiedVendor = Extract<PlaygroundVendor, 'tencent-chat' | 'rongcloud'>;

/** The vendor's result code in an answer: Tencent's `ErrorCode`, RongCloud's `code`. */
function resultCode(vendor: ProxiedVendor, answer: unknown): string | undefined {
  const value = field(answer, vendor === 'tencent-chat' ? 'ErrorCode' : 'code');
  if (typeof value !== 'number') return undefined;
  return vendor === 'tencent-chat' ? `ErrorCode ${value}` : `code ${value}`;
}

/** A short name of a call: `openim/sendmsg`, `v3/message/private/publish_stream.json`. */
function apiLabel(vendor: ProxiedVendor, path: string): string {
  const trimmed = path.replace(/^\/+/, '');
  return vendor === 'tencent-chat' ? trimmed.replace(/^v4\//, '') : trimmed;
}

/**
 * A handler of the calls to `<prefix>/<vendor>/…`: forwards `path` (what follows the prefix)
 * to the stand-in at `upstreamOf(vendor)` and logs the exchange.
 */
export function createApiProxy(options: {
  log: ActivityLog;
  upstreamOf: (vendor: ProxiedVendor) => string;
  send: Send;
}): (vendor: ProxiedVendor, path: string, request: Request) => Promise<Response> {
  return async (vendor, path, request) => {
    const atMs = Date.now();
    const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    const url = withQueryOf(`${options.upstreamOf(vendor)}${path}`, new URL(request.url));
    const result = await forward(options.send, url, request, body);
    const responseBody = result.ok ? redactBody(result.text) : undefined;
    options.log.add({
      atMs,
      kind: 'api',
      vendor,
      label: apiLabel(vendor, path),
      method: request.method,
      path: redactPathAndQuery(url),
      target: 'local vendor',
      status: result.ok ? result.status : 0,
      code: resultCode(vendor, responseBody),
      durationMs: result.durationMs,
      error: result.ok ? undefined : result.error,
      requestBody: redactBody(body),
      responseBody,
    });
    if (!result.ok) {
      return new Response(`imbridge dev: the local vendor did not answer: ${result.error}`, {
        status: 502,
      });
    }
    return new Response(result.text, {
      status: result.status,
      headers: { 'content-type': result.contentType },
    });
  };
}
