/**
 * Passing one HTTP exchange on, as the relay (stand-in → bot) and the proxy (bot → stand-in) do:
 * the same method, query, headers (hop-by-hop ones dropped) and body bytes, to a URL or to an
 * in-process handler, with a time limit; and the answer read whole, for the log.
 *
 * @module
 */

/** Sends a request somewhere: `fetch`, or a bot's webhook handler in this process. */
export type Send = (request: Request) => Promise<Response>;

/** What came back. */
export type ForwardResult =
  | {
      ok: true;
      status: number;
      contentType: string;
      text: string;
      durationMs: number;
    }
  | { ok: false; error: string; durationMs: number };

const HOP_BY_HOP_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'accept-encoding',
]);

/** How long a forwarded exchange may take, in milliseconds. */
export const FORWARD_TIMEOUT_MS = 15_000;

/** `target` with the query parameters of `source` appended. */
export function withQueryOf(target: string, source: URL): URL {
  const url = new URL(target);
  for (const [name, value] of source.searchParams) url.searchParams.append(name, value);
  return url;
}

/** The headers of `request` worth passing on. */
function forwardedHeaders(request: Request): Headers {
  const headers = new Headers();
  request.headers.forEach((value, name) => {
    if (!HOP_BY_HOP_HEADERS.has(name.toLowerCase())) headers.set(name, value);
  });
  return headers;
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return `no answer within ${FORWARD_TIMEOUT_MS} ms`;
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${code} (${error.message})` : error.message;
  }
  return String(error);
}

/**
 * Sends `request`'s method, headers and `body` to `url` through `send`, and reads the answer.
 * Never throws: a failure (refused, timed out) is a result.
 */
export async function forward(
  send: Send,
  url: URL,
  request: Request,
  body: string,
): Promise<ForwardResult> {
  const startedAt = performance.now();
  const elapsed = (): number => Math.round(performance.now() - startedAt);
  try {
    const outgoing = new Request(url, {
      method: request.method,
      headers: forwardedHeaders(request),
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }),
    });
    const response = await send(outgoing);
    const text = await response.text();
    return {
      ok: true,
      status: response.status,
      contentType: response.headers.get('content-type') ?? 'text/plain; charset=utf-8',
      text,
      durationMs: elapsed(),
    };
  } catch (error) {
    return { ok: false, error: describeFailure(error), durationMs: elapsed() };
  }
}
