import type { KyInstance, KyRequest, NormalizedOptions } from 'ky';
import { readBodyText } from '../body/read-body.ts';
import { type ResolvedRetryOptions, resolveRetryOptions } from '../retry/backoff.ts';
import { translateFailure } from './failures.ts';
import {
  type CallState,
  classifyHook,
  type HookContext,
  prepareHook,
  retryDecision,
  streamFailure,
} from './hooks.ts';
import type { VendorCall, VendorHttp, VendorHttpOptions, VendorResponse } from './types.ts';

const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 64 * 1024;
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

interface KyPair {
  /** Reads and classifies the body in `afterResponse`, retries with `ky.retry()`. */
  json: KyInstance;
  /** Leaves the body alone (no `afterResponse` hook: no clone, no tee of a long stream). */
  stream: KyInstance;
}

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
 *   on network errors, timeouts and 5xx;
 * - rebuilds every failure as one typed error without `cause` (ky's errors hold the signed URL),
 *   with vendor text redacted.
 *
 * ky is loaded on the first call, so importing a client costs nothing until it is used.
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
  let loading: Promise<KyPair> | undefined;

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
  };

  const load = (): Promise<KyPair> => {
    loading ??= import('ky').then(({ default: ky }) => {
      const beforeRequest = [
        (request: KyRequest, kyOptions: NormalizedOptions) =>
          prepareHook(shared, request, kyOptions),
      ];
      const json = ky.create({
        fetch: fetchImplementation,
        throwHttpErrors: false,
        hooks: {
          beforeRequest,
          afterResponse: [
            (_request, kyOptions, response) => classifyHook(shared, kyOptions, response, ky.retry),
          ],
        },
      });
      const stream = ky.create({
        fetch: fetchImplementation,
        throwHttpErrors: false,
        hooks: { beforeRequest },
      });
      return { json, stream };
    });
    return loading;
  };

  async function send(
    call: VendorCall,
    mode: 'json' | 'stream',
  ): Promise<{ response: Response; state: CallState }> {
    const operation = call.operation ?? call.path;
    const timeoutMs = call.timeoutMs ?? options.timeoutMs;
    const retry: ResolvedRetryOptions =
      call.retry === undefined
        ? options.retry
        : resolveRetryOptions(call.retry, options.retry, `${label} ${operation}`);
    const { text, contentType } = serialise(call);
    const state: CallState = {
      call,
      operation,
      mode,
      bodyText: text,
      timeoutMs,
      retry: mode === 'stream' ? { ...retry, maxRetries: 0 } : retry,
      retriesUsed: 0,
      renewed: false,
      renewNext: false,
      attempt: 0,
      attemptStartedAtMs: 0,
      host: activeHost,
      nextDelayMs: 0,
      result: undefined,
    };
    const failure = { provider: options.provider, label, operation, secrets };
    const pair = await load();
    const instance = mode === 'json' ? pair.json : pair.stream;
    try {
      // The first attempt's request is built by ky from these; `prepareHook` rebuilds it only
      // when it must (a signer, another host), which keeps a plain streaming call cheap.
      const response = await instance(shared.urlFor(activeHost, call), {
        method: call.method ?? 'POST',
        headers: requestHeaders(call, contentType, mode),
        body: text ?? null,
        timeout: timeoutMs,
        context: { state },
        ...(call.signal !== undefined ? { signal: call.signal } : {}),
        retry: {
          // Our own counters decide; ky's limit only has to leave room for them (and one renewal).
          limit: state.retry.maxRetries + 1,
          methods: ALL_METHODS,
          shouldRetry: ({ error }) => retryDecision(shared, state, error),
          delay: () => state.nextDelayMs,
        },
      });
      return { response, state };
    } catch (error) {
      throw translateFailure(failure, error, call.signal, timeoutMs);
    }
  }

  return {
    get baseUrl() {
      return baseUrls[activeHost] as string;
    },

    async request(call: VendorCall): Promise<VendorResponse> {
      const { response, state } = await send(call, 'json');
      // The body was read from ky's clone in afterResponse; this branch is not needed.
      void response.body?.cancel().catch(() => undefined);
      if (state.result === undefined) {
        throw new Error(`${label} ${state.operation}: no checked answer was recorded`);
      }
      return state.result;
    },

    async stream(call: VendorCall): Promise<Response> {
      const { response, state } = await send(call, 'stream');
      if (response.ok) return response;
      const read = await readBodyText(response.body, {
        maxBytes: MAX_ERROR_BODY_BYTES,
        timeoutMs: state.timeoutMs,
        signal: call.signal,
      });
      throw streamFailure(shared, state, response, read.ok ? read.text : '');
    },
  };
}
