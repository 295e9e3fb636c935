/**
 * Watches the local Tencent Chat from the outside, in its own process: every REST call it
 * receives (through Node's `http.server.request.start` diagnostics channel: arrival time, body,
 * and the answer it sends) and every webhook it posts (through the global `fetch` it uses).
 * Times are `performance.now()` milliseconds of this process, so webhook → first REST call is
 * measured on one clock. The emulator itself is not changed.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';

/** One REST call as the emulator saw it. */
export interface ObservedCall {
  /** `{service}/{command}`. */
  api: string;
  /** When its headers arrived. */
  atMs: number;
  /** When its answer was written. */
  answeredAtMs: number;
  bodyText: string;
  /** `ErrorCode` of the answer (-1 when the answer is not an envelope). */
  errorCode: number;
}

const REQUEST_START = 'http.server.request.start';

/**
 * Calls `onCall` for each REST call that reaches 127.0.0.1:`port`, once it is answered.
 * Returns a function that stops watching.
 */
export function observeRestCalls(port: number, onCall: (call: ObservedCall) => void): () => void {
  const listener = (message: unknown): void => {
    const { request, response } = message as { request: IncomingMessage; response: ServerResponse };
    if (request.socket.localPort !== port) return;
    const atMs = performance.now();
    const url = request.url ?? '';
    const queryAt = url.indexOf('?');
    const api = url.slice('/v4/'.length, queryAt < 0 ? undefined : queryAt);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    const end = response.end.bind(response) as (chunk?: unknown) => ServerResponse;
    (response as { end: unknown }).end = (chunk?: unknown): ServerResponse => {
      const code = /"ErrorCode":(-?\d+)/.exec(typeof chunk === 'string' ? chunk : '');
      onCall({
        api,
        atMs,
        answeredAtMs: performance.now(),
        bodyText: Buffer.concat(chunks).toString('utf8'),
        errorCode: code === null ? -1 : Number(code[1]),
      });
      return end(chunk);
    };
  };
  subscribe(REQUEST_START, listener);
  return () => unsubscribe(REQUEST_START, listener);
}

/**
 * Calls `onPost(body, atMs)` whenever this process `fetch`es a URL starting with `urlPrefix`
 * (the emulator posting a webhook), just before the request starts. Returns a function that
 * puts the original `fetch` back.
 */
export function observeWebhookPosts(
  urlPrefix: string,
  onPost: (bodyText: string, atMs: number) => void,
): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(urlPrefix) && typeof init?.body === 'string') {
      onPost(init.body, performance.now());
    }
    return original(input, init);
  };
  return () => {
    globalThis.fetch = original;
  };
}
