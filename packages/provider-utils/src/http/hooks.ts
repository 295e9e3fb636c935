import { APICallError, IMBridgeError } from '@imbridge/core';
import type { KyRequest, NormalizedOptions } from 'ky';
import { parseJsonText, type ReadTextResult, readBodyText } from '../body/read-body.ts';
import {
  classifyStatus,
  type ErrorClassification,
  type ResponseClassifier,
} from '../errors/classification.ts';
import { backoffDelayMs, type ResolvedRetryOptions } from '../retry/backoff.ts';
import {
  abortedError,
  type FailureContext,
  networkError,
  responseError,
  timeoutError,
  unusableAnswerError,
} from './failures.ts';
import type {
  OutgoingRequest,
  PrepareContext,
  RetryEvent,
  VendorCall,
  VendorResponse,
} from './types.ts';

/** What one call keeps across its attempts (held in ky's per-request `context`). */
export interface CallState {
  readonly call: VendorCall;
  readonly operation: string;
  readonly mode: 'json' | 'stream';
  readonly bodyText: string | undefined;
  readonly timeoutMs: number;
  readonly retry: ResolvedRetryOptions;
  /** When the call started (`Date.now()`): the deadline `retry.maxElapsedMs` counts from it. */
  readonly startedAtMs: number;
  /** Retries spent from `retry.maxRetries` (a credential renewal is not counted). */
  retriesUsed: number;
  renewed: boolean;
  renewNext: boolean;
  /**
   * True while an attempt's answer is being read (its headers arrived). The caller's abort then
   * stops the read, not the fetch: see `request()` in vendor-http.ts.
   */
  answered: boolean;
  attempt: number;
  /** 1 while the first attempt was prepared before ky built its request (not yet sent). */
  preparedAttempt: number;
  attemptStartedAtMs: number;
  /** The base URL index of the current attempt. */
  host: number;
  /** The wait ky applies before the next retry. */
  nextDelayMs: number;
  /** The checked answer, once an attempt succeeded. */
  result: VendorResponse | undefined;
  /**
   * The current attempt's answer as received (status, headers) and its body as read, when the
   * attempt went through `createAttemptFetch`; `classifyHook` takes it (and clears it).
   */
  answer: { response: Response; read: ReadTextResult } | undefined;
}

/** What the hooks share with the client that made them. */
export interface HookContext {
  readonly label: string;
  readonly provider: string;
  readonly secrets: () => Iterable<string | undefined>;
  readonly maxResponseBytes: number;
  readonly classify: ResponseClassifier | undefined;
  readonly prepare:
    | ((request: OutgoingRequest, context: PrepareContext) => void | Promise<void>)
    | undefined;
  readonly onRetry: ((event: RetryEvent) => void) | undefined;
  /** Moves to the next base URL if the state's host is still the active one. */
  failover(state: CallState): void;
  currentHost(): number;
  urlFor(host: number, call: VendorCall): URL;
  /**
   * The request of each attempt about to be sent, with its call (set by `prepareHook`, taken by
   * `createAttemptFetch`).
   */
  readonly attempts: WeakMap<Request, CallState>;
}

function stateOf(options: NormalizedOptions): CallState {
  return (options.context as { state: CallState }).state;
}

/** What error builders need to know about a call. */
export function failureContext(hooks: HookContext, state: CallState): FailureContext {
  return {
    provider: hooks.provider,
    label: hooks.label,
    operation: state.operation,
    secrets: hooks.secrets,
  };
}

/**
 * Runs the caller's `prepare` (signing, rate-limit tokens) on an attempt's request. A failure
 * that is not an imbridge error is not a transport failure: it is never retried, and its text
 * (which may hold a secret) is dropped.
 */
export async function runPrepare(
  hooks: HookContext,
  state: CallState,
  outgoing: OutgoingRequest,
): Promise<void> {
  if (hooks.prepare === undefined) return;
  try {
    await hooks.prepare(outgoing, {
      attempt: state.attempt,
      renewCredentials: state.renewNext,
      signal: state.call.signal,
    });
  } catch (error) {
    if (IMBridgeError.isInstance(error)) throw error;
    throw new IMBridgeError({
      message: `${hooks.label} ${state.operation}: preparing the request failed (${error instanceof Error ? error.name : typeof error})`,
      code: 'prepare-failed',
    });
  }
  state.renewNext = false;
}

/** ky `beforeRequest`: the URL on the active host, the body, then the caller's signing. */
export async function prepareHook(
  hooks: HookContext,
  request: KyRequest,
  options: NormalizedOptions,
): Promise<Request | undefined> {
  const state = stateOf(options);
  if (state.preparedAttempt === 1 && state.attempt === 1) {
    // The first attempt was prepared before ky built its request.
    state.preparedAttempt = 0;
    state.attemptStartedAtMs = Date.now();
    hooks.attempts.set(request, state);
    return undefined;
  }
  state.attempt += 1;
  const host = hooks.currentHost();
  const moved = host !== state.host;
  state.host = host;
  if (hooks.prepare === undefined && !moved) {
    // ky's request already is the call as built (no signer, same host): nothing to rebuild.
    state.attemptStartedAtMs = Date.now();
    hooks.attempts.set(request, state);
    return undefined;
  }
  const outgoing: OutgoingRequest = {
    method: request.method,
    url: moved ? hooks.urlFor(host, state.call) : new URL(request.url),
    headers: new Headers(request.headers),
    body: state.bodyText,
  };
  await runPrepare(hooks, state, outgoing);
  // The limit of this attempt starts now: waiting for a rate-limit token in `prepare` is not the
  // vendor being slow.
  state.attemptStartedAtMs = Date.now();
  const prepared = new Request(outgoing.url, {
    method: outgoing.method,
    headers: outgoing.headers,
    // The body text is sent by `createAttemptFetch` (`state.bodyText`, what `prepare` saw).
    body: null,
    // ky's signal: the caller's signal and the per-attempt timeout.
    signal: request.signal,
  });
  hooks.attempts.set(prepared, state);
  return prepared;
}

/**
 * Decides whether a failed attempt is retried: aborts never; decided errors (thrown by the
 * hooks) never; retryable failures while the budget lasts — `maxRetries`, and the deadline
 * `maxElapsedMs` when set (no retry starts after it). Sets the delay and moves to the next host
 * on network errors, timeouts and 5xx.
 */
function planRetry(hooks: HookContext, state: CallState, error: IMBridgeError): boolean {
  if (state.call.signal?.aborted) return false;
  if (!APICallError.isInstance(error) || !error.retryable) return false;
  if (state.retriesUsed >= state.retry.maxRetries) return false;
  const delayMs = backoffDelayMs(
    state.retriesUsed,
    state.retry,
    error.retryAfterMs,
    Date.now() - state.startedAtMs,
  );
  if (delayMs === undefined) return false;
  state.retriesUsed += 1;
  state.nextDelayMs = delayMs;
  const failover =
    error.kind === 'network' ||
    error.kind === 'timeout' ||
    (error.statusCode !== undefined && error.statusCode >= 500);
  if (failover) hooks.failover(state);
  hooks.onRetry?.({
    operation: state.operation,
    retry: state.retriesUsed,
    delayMs,
    error,
    failover: failover && hooks.currentHost() !== state.host,
  });
  return true;
}

/**
 * ky `retry.shouldRetry`: only failures with no answer reach it (the hooks decide everything
 * that had an answer, and throw only what is final).
 */
export function retryDecision(hooks: HookContext, state: CallState, error: Error): boolean {
  if (state.call.signal?.aborted || IMBridgeError.isInstance(error)) return false;
  const context = failureContext(hooks, state);
  const typed =
    error.name === 'TimeoutError'
      ? timeoutError(context, state.timeoutMs)
      : networkError(context, error);
  return planRetry(hooks, state, typed);
}

function readFailure(
  context: FailureContext,
  state: CallState,
  status: number,
  reason: string,
  maxBytes: number,
): IMBridgeError {
  switch (reason) {
    case 'aborted':
      return abortedError(context, state.call.signal);
    case 'timeout':
      return timeoutError(context, state.timeoutMs);
    case 'too-large':
      return unusableAnswerError(context, status, `a body over ${maxBytes} bytes`, false);
    default:
      return unusableAnswerError(context, status, 'a body that broke off', true);
  }
}

/**
 * ky `afterResponse` (JSON calls): takes the answer `createAttemptFetch` received and read (or
 * reads ky's answer within what is left of the attempt's limit), classifies it, records a
 * success, and otherwise retries with `ky.retry()` or throws the final typed error.
 */
export async function classifyHook<Marker>(
  hooks: HookContext,
  options: NormalizedOptions,
  kyResponse: Response,
  retry: (options: { delay: number; cause: Error }) => Marker,
): Promise<Marker | undefined> {
  const state = stateOf(options);
  state.answered = true;
  const context = failureContext(hooks, state);
  const answer = state.answer;
  state.answer = undefined;
  const response = answer?.response ?? kyResponse;
  const read =
    answer?.read ??
    (await readBodyText(kyResponse.body, {
      maxBytes: hooks.maxResponseBytes,
      timeoutMs: state.timeoutMs - (Date.now() - state.attemptStartedAtMs),
      signal: state.call.signal,
    }));
  let error: IMBridgeError;
  let classification: ErrorClassification | undefined;
  if (read.ok) {
    const parsed = parseJsonText(read.text);
    const body = parsed.ok ? parsed.value : read.text.length > 0 ? read.text : undefined;
    classification = classifyAnswer(hooks, response, body);
    if (classification === undefined) {
      state.result = { status: response.status, headers: response.headers, body };
      return undefined;
    }
    error = responseError(context, classification, response);
  } else {
    error = readFailure(context, state, response.status, read.reason, hooks.maxResponseBytes);
  }
  if (classification?.renewCredentials === true && !state.renewed) {
    state.renewed = true;
    state.renewNext = true;
    state.answered = false;
    return retry({ delay: 0, cause: error });
  }
  if (planRetry(hooks, state, error)) {
    // The wait and the next attempt are the fetch's again: the caller's abort stops them.
    state.answered = false;
    return retry({ delay: state.nextDelayMs, cause: error });
  }
  throw error;
}

/** A non-2xx answer of a streaming call, read (capped) and classified. */
export function streamFailure(
  hooks: HookContext,
  state: CallState,
  response: Response,
  text: string,
): IMBridgeError {
  const parsed = parseJsonText(text);
  const body = parsed.ok ? parsed.value : text.length > 0 ? text : undefined;
  const classification = classifyAnswer(hooks, response, body) ?? {
    ...classifyStatus(response),
    message: errorText(body),
  };
  return responseError(failureContext(hooks, state), classification, response);
}

/**
 * The vendor classifier's verdict; for a non-2xx answer the HTTP status fills in what it leaves
 * out (the kind when it says nothing, `Retry-After` unless it read its own).
 */
function classifyAnswer(
  hooks: HookContext,
  response: Response,
  body: unknown,
): ErrorClassification | undefined {
  const vendor = hooks.classify?.(response, body);
  if (response.ok) return vendor;
  const status = classifyStatus(response);
  if (vendor === undefined) return { ...status, message: errorText(body) };
  return vendor.retryAfterMs === undefined && status.retryAfterMs !== undefined
    ? { ...vendor, retryAfterMs: status.retryAfterMs }
    : vendor;
}

/** A short error text out of a generic error body (`{error: {message}}`, `{message}`, text). */
export function errorText(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().length > 0 ? body.trim() : undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const nested =
    typeof record.error === 'object' && record.error !== null
      ? (record.error as Record<string, unknown>)
      : record;
  if (typeof nested.message === 'string') return nested.message;
  if (typeof record.error === 'string') return record.error;
  if (typeof record.msg === 'string') return record.msg;
  return undefined;
}
