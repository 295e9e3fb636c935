import type { KyInstance, KyRequest, NormalizedOptions } from 'ky';
import { type ResolvedRetryOptions, resolveRetryOptions } from '../retry/backoff.ts';
import { createAttemptFetch } from './attempt-fetch.ts';
import { translateFailure } from './failures.ts';
import {
  type CallState,
  classifyHook,
  type HookContext,
  prepareHook,
  retryDecision,
  runPrepare,
} from './hooks.ts';
import { sendStreamCall } from './stream-call.ts';
import type {
  OutgoingRequest,
  VendorCall,
  VendorHttp,
  VendorHttpOptions,
  VendorResponse,
} from './types.ts';

const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
// Every method may be retried: whether a call is safe to repeat is the client's decision (it
// passes `retry: false`, or makes the call idempotent with vendor dedupe keys).
const ALL_METHODS: Array<'get' | 'post' | 'put' | 'patch' | 'delete' | 'head'> = [
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'head',
];

function serialise(call: VendorCall): {
  text: string | undefined;
  contentType: string | undefined;
} {
  if (call.body !== undefined) return { text: call.body, contentType: call.contentType };
  if (call.form !== undefined) {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(call.form)) {
      if (Array.isArray(value)) for (const item of value) form.append(name, String(item));
      else form.append(name, String(value));
    }
    return {
      text: form.toString(),
      contentType: 'application/x-www-form-urlencoded;charset=utf-8',
    };
  }
  if (call.json !== undefined) {
    return { text: JSON.stringify(call.json), contentType: 'application/json' };
  }
  return { text: undefined, contentType: undefined };
}

/** The headers of a call: the caller's, the body's content type, and what the answer should be. */
function requestHeaders(
  call: VendorCall,
  contentType: string | undefined,
  mode: 'json' | 'stream',
): Headers {
  const headers = new Headers(call.headers);
  if (contentType !== undefined) headers.set('content-type', contentType);
  if (!headers.has('accept')) {
    headers.set('accept', mode === 'stream' ? 'text/event-stream' : 'application/json');
  }
  return headers;
}

/**
 * Creates the vendor HTTP layer every imbridge client is built on (ky underneath, never in a
 * public type). For each call it:
 * - builds the URL on the active base URL and serialises the body once (JSON, form or exact text);
 * - runs `prepare` before every attempt (signing: a fresh UserSig query, RongCloud headers, TC3
 *   headers over the exact body bytes; waiting for a rate-limit token);
 * - applies a per-attempt timeout that covers the answer's headers and its body;
 * - reads the body with a size cap and classifies it (`classify`, else the HTTP status) in ky's
 *   `afterResponse`, retrying body-level failures with `ky.retry()`;
 * - is the only retry loop of the call: transient failures are retried with exponential back-off
 *   and jitter, honouring `Retry-After` up to `maxDelayMs`, and moving to the next base URL (sticky)
 *   on network errors, timeouts and 5xx — at most `maxRetries` times, and, with a deadline
 *   (`retry.maxElapsedMs`), only while it has not passed (the last retry is made at it);
 * - rebuilds every failure as one typed error without `cause` (ky's errors hold the signed URL),
 *   with vendor text redacted.
 *
 * ky is loaded on the first `request()`, so importing a client costs nothing until it is used.
 * `stream()` makes one attempt with `fetch` itself: it has no retries and no `afterResponse`
 * work, and ky's per-request cost was measurable on long streams (decision 0010).
 *
 * @example
 * ```ts
 * const http = createVendorHttp({
 *   provider: 'rongcloud', label: 'RongCloud',
 *   baseUrls: ['https://api.rong-api.com', 'https://api-b.rong-api.com'],
 *   timeoutMs: 10_000, retry: { maxRetries: 2, initialDelayMs: 200, maxDelayMs: 5_000 },
 *   prepare: (request) => { for (const [name, value] of Object.entries(sign())) request.headers.set(name, value); },
 *   classify: (_response, body) => (isRecord(body) && body.code !== 200 ? classifyRongCloud(body) : undefined),
 * });
 * const { body } = await http.request({ path: 'user/getToken.json', form: { userId: 'alice' } });
 * ```
 */
export function createVendorHttp(options: VendorHttpOptions): VendorHttp {
  const baseUrls = options.baseUrls.map((url) => url.replace(/\/+$/, ''));
  if (baseUrls.length === 0) throw new RangeError('createVendorHttp: baseUrls is empty');
  const label = options.label ?? options.provider;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const secrets = options.secrets ?? (() => []);
  const fetchImplementation: typeof fetch =
    options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let activeHost = 0;
  let loading: Promise<KyInstance> | undefined;
  /** The instance once loaded: later calls skip the `await` of a settled promise. */
  let loaded: KyInstance | undefined;

  const shared: HookContext = {
    label,
    provider: options.provider,
    secrets,
    maxResponseBytes,
    classify: options.classify,
    prepare: options.prepare,
    onRetry: options.onRetry,
    failover: (state: CallState): void => {
      if (baseUrls.length < 2) return;
      // Sticky: later calls stay on the host that answered (until it fails in turn).
      if (activeHost === state.host) activeHost = (activeHost + 1) % baseUrls.length;
    },
    currentHost: () => activeHost,
    urlFor: (host: number, call: VendorCall): URL => {
      const url = new URL(`${baseUrls[host]}/${call.path.replace(/^\/+/, '')}`);
      if (call.query !== undefined) {
        for (const [name, value] of Object.entries(call.query)) {
          url.searchParams.set(name, String(value));
        }
      }
      return url;
    },
    attempts: new WeakMap(),
  };

  const load = (): Promise<KyInstance> => {
    loading ??= import('ky').then(({ default: ky }) => {
      loaded = ky.create({
        fetch: createAttemptFetch(shared, fetchImplementation),
        throwHttpErrors: false,
        hooks: {
          beforeRequest: [
            (request: KyRequest, kyOptions: NormalizedOptions) =>
              prepareHook(shared, request, kyOptions),
          ],
          afterResponse: [
            (_request, kyOptions, response) => classifyHook(shared, kyOptions, response, ky.retry),
          ],
        },
      });
      return loaded;
    });
    return loading;
  };

  /** The state of one call across its attempts. */
  const newState = (
    call: VendorCall,
    mode: 'json' | 'stream',
    bodyText: string | undefined,
  ): CallState => {
    const operation = call.operation ?? call.path;
    const retry: ResolvedRetryOptions =
      mode === 'stream' || call.retry === undefined
        ? options.retry
        : resolveRetryOptions(call.retry, options.retry, `${label} ${operation}`);
    return {
      call,
      operation,
      mode,
      bodyText,
      timeoutMs: call.timeoutMs ?? options.timeoutMs,
      retry,
      startedAtMs: Date.now(),
      retriesUsed: 0,
      renewed: false,
      renewNext: false,
      answered: false,
      attempt: 0,
      preparedAttempt: 0,
      attemptStartedAtMs: 0,
      host: activeHost,
      nextDelayMs: 0,
      result: undefined,
      answer: undefined,
    };
  };

  return {
    get baseUrl() {
      return baseUrls[activeHost] as string;
    },

    async request(call: VendorCall): Promise<VendorResponse> {
      const { text, contentType } = serialise(call);
      const state = newState(call, 'json', text);
      const failure = { provider: options.provider, label, operation: state.operation, secrets };
      const ky = loaded ?? (await load());
      // ky gets a signal of its own that follows the caller's only until an attempt's headers
      // arrive. An abort after them stops the body read (read with the caller's signal, in
      // `createAttemptFetch` or `classifyHook`) and leaves ky's fetch alone: aborting a fetch
      // whose answer ky has cloned for `afterResponse` makes undici cancel the unread branch of
      // the tee, which rejects with the abort reason where nobody can catch it — an unhandled
      // rejection, fatal by default. (ky joins this signal with its own by `AbortSignal.any`; a
      // long-lived caller signal is never part of that join.)
      const fetchAbort = call.signal === undefined ? undefined : new AbortController();
      const onAbort = (): void => {
        if (!state.answered) fetchAbort?.abort(call.signal?.reason);
      };
      if (call.signal?.aborted) onAbort();
      else call.signal?.addEventListener('abort', onAbort, { once: true });
      let response: Response;
      try {
        // The first attempt is prepared (signed) here, so ky builds its request once from the
        // final URL and headers; `prepareHook` rebuilds a request only for later attempts (a
        // fresh signature, another host).
        const first: OutgoingRequest = {
          method: call.method ?? 'POST',
          url: shared.urlFor(state.host, call),
          headers: requestHeaders(call, contentType, 'json'),
          body: text,
        };
        if (options.prepare !== undefined) {
          state.attempt = 1;
          await runPrepare(shared, state, first);
          state.preparedAttempt = 1;
        }
        response = await ky(first.url, {
          method: first.method,
          headers: first.headers,
          // No body for ky's `Request`: `createAttemptFetch` sends the text itself, so ky neither
          // builds a body stream nor tees it for retries.
          body: null,
          timeout: state.timeoutMs,
          context: { state },
          ...(fetchAbort !== undefined ? { signal: fetchAbort.signal } : {}),
          retry: {
            // Our own counters decide; ky's limit only has to leave room for them (and a renewal).
            limit: state.retry.maxRetries + 1,
            methods: ALL_METHODS,
            shouldRetry: ({ error }) => retryDecision(shared, state, error),
            delay: () => state.nextDelayMs,
          },
        });
      } catch (error) {
        throw translateFailure(failure, error, call.signal, state.timeoutMs);
      } finally {
        call.signal?.removeEventListener('abort', onAbort);
      }
      // The body was read before ky saw the answer (`createAttemptFetch`), or from ky's clone in
      // afterResponse; this branch, if any, is not needed.
      void response.body?.cancel().catch(() => undefined);
      if (state.result === undefined) {
        throw new Error(`${label} ${state.operation}: no checked answer was recorded`);
      }
      return state.result;
    },

    stream(call: VendorCall): Promise<Response> {
      const { text, contentType } = serialise(call);
      const state = newState(call, 'stream', text);
      return sendStreamCall(shared, fetchImplementation, state, {
        method: call.method ?? 'POST',
        url: shared.urlFor(state.host, call),
        headers: requestHeaders(call, contentType, 'stream'),
        body: text,
      });
    },
  };
}
