/**
 * Server API dispatch of the local RongCloud: routes a path to its handler after the vendor's
 * checks, answers the `{ code, ... }` envelope with the HTTP status RongCloud pairs with the
 * code, and records every call.
 *
 * Order of the checks (RongCloud documents the checks, not their order; this is the emulator's):
 * 1. the path (unknown: HTTP 404, code 404) and the method (not POST: 1003);
 * 2. the signature headers (HTTP 401, code 1004);
 * 3. the content type the endpoint takes — a form for `/user/*` and `/message/*`, JSON for
 *    `/v3/*` (otherwise 1002);
 * 4. an injected fault (`failNext`) that strikes before the call is processed;
 * 5. the body (empty: 1003; not a JSON object for a JSON endpoint: 1002) and the parameters (1002);
 * 6. the API's rate limit (HTTP 429, code 1008) — a call with bad parameters takes no token;
 * 7. the call itself, which may still answer 1002 on the state (an unknown bot, the 11th bot…);
 * 8. a fault injected `after: 'store'`, which spoils the answer of a call that was processed.
 *
 * @module
 */
import type { ApiHandler } from './api-common.ts';
import { isLocalRongCloudAPI, type LocalRongCloudAPI } from './apis.ts';
import {
  LOCAL_RONGCLOUD_ERROR_CODES as CODES,
  fail,
  failParameter,
  httpStatusOf,
  RestFailure,
} from './error-codes.ts';
import type { Fault, FaultQueue } from './faults.ts';
import type { RateLimiter } from './rate-limit.ts';
import { checkRequestSignature, readSignatureHeaders } from './request-signature.ts';
import type { LocalRongCloudState } from './store.ts';
import type { LocalHost, LocalRequestRecord } from './types.ts';
import { type JsonObject, requireObject } from './wire.ts';

const MEDIA_TYPES = {
  form: 'application/x-www-form-urlencoded',
  json: 'application/json',
} as const;

/** What {@link dispatchRest} works with. */
export interface RestContext {
  readonly state: LocalRongCloudState;
  readonly handlers: ReadonlyMap<LocalRongCloudAPI, ApiHandler>;
  readonly faults: FaultQueue;
  readonly rateLimiter: RateLimiter;
}

/** One HTTP request, as read by a host. */
export interface RestRequest {
  host: LocalHost;
  method: string;
  /** The URL path, without the query. */
  path: string;
  headers: Headers;
  bodyText: string;
  /** The body was over the host's size limit (and `bodyText` is cut short). */
  tooLarge: boolean;
}

/** The HTTP answer to send. */
export interface RestAnswer {
  status: number;
  contentType: string;
  text: string;
  /** Hold the answer this long before sending it (or before the reset), in milliseconds. */
  delayMs?: number | undefined;
  /** Close the connection without sending the answer (a connection reset). */
  reset?: boolean | undefined;
}

function envelopeAnswer(code: number, errorMessage: string, extras: JsonObject = {}): RestAnswer {
  const body = code === CODES.ok ? { code, ...extras } : { code, errorMessage };
  return {
    status: httpStatusOf(code),
    contentType: 'application/json; charset=utf-8',
    text: JSON.stringify(body),
  };
}

/**
 * What a fault makes of a call's answer: an HTTP status with a text body, the injected `code`,
 * or — for `code` 200 — the call's own answer; each after `delayMs`, or a reset.
 */
function faultAnswer(fault: Fault, own: RestAnswer | undefined): RestAnswer {
  let answer: RestAnswer;
  if (fault.httpStatus !== undefined) {
    answer = {
      status: fault.httpStatus,
      contentType: 'text/plain; charset=utf-8',
      text: `injected HTTP ${fault.httpStatus}`,
    };
  } else if (fault.code !== CODES.ok || own === undefined) {
    answer = envelopeAnswer(fault.code, `injected fault ${fault.code}`);
  } else answer = own;
  return { ...answer, delayMs: fault.delayMs, reset: fault.reset };
}

/** True when a fault answers the call without processing it (nothing is stored). */
function refusesCall(fault: Fault): boolean {
  return (
    fault.after === undefined &&
    (fault.reset || fault.httpStatus !== undefined || fault.code !== CODES.ok)
  );
}

/** The record of a call, before its outcome is known. */
function recordOf(state: LocalRongCloudState, request: RestRequest): LocalRequestRecord {
  const { nonce, timestamp } = readSignatureHeaders(request.headers);
  const record: LocalRequestRecord = {
    api: request.path,
    host: request.host,
    atMs: state.config.now(),
    httpStatus: 0,
    code: 0,
    body: request.bodyText,
    contentType: request.headers.get('content-type') ?? '',
    reset: false,
  };
  if (nonce !== undefined) record.nonce = nonce;
  if (timestamp !== undefined) record.timestamp = timestamp;
  return record;
}

function finish(
  state: LocalRongCloudState,
  record: LocalRequestRecord,
  code: number,
  answer: RestAnswer,
): RestAnswer {
  const reset = answer.reset === true;
  state.requests.push({ ...record, code, httpStatus: reset ? 0 : answer.status, reset });
  return answer;
}

/** Records a request whose connection was reset because its host is down. */
export function recordRefused(state: LocalRongCloudState, request: RestRequest): void {
  state.requests.push({ ...recordOf(state, request), reset: true });
}

/**
 * Answers one Server API call and records it in `state.requests`. Never throws. A fault queued
 * for the API and host answers in place of the call (nothing processed), or — `after: 'store'` —
 * replaces the answer of a call that was processed and stored as usual.
 */
export function dispatchRest(context: RestContext, request: RestRequest): RestAnswer {
  const { state } = context;
  const record = recordOf(state, request);
  let fault: Fault | undefined;
  let code: number = CODES.ok;
  let answer: RestAnswer;
  try {
    const api = request.path;
    const handler = isLocalRongCloudAPI(api) ? context.handlers.get(api) : undefined;
    if (!isLocalRongCloudAPI(api) || handler === undefined) {
      fail(CODES.notFound, `not found: ${request.path}`);
    }
    if (request.method !== 'POST') fail(CODES.noPostData, 'only POST is supported');
    checkRequestSignature(state.config, readSignatureHeaders(request.headers));
    checkContentType(handler.format, record.contentType);
    fault = context.faults.take(api, request.host, record.atMs);
    if (fault !== undefined && refusesCall(fault)) {
      return finish(state, record, fault.code, faultAnswer(fault, undefined));
    }
    if (request.tooLarge) failParameter('request body too large');
    if (request.bodyText.trim() === '') fail(CODES.noPostData, 'no POST data');
    const prepared =
      handler.format === 'form'
        ? handler.prepare(new URLSearchParams(request.bodyText))
        : handler.prepare(parseJsonBody(request.bodyText));
    if (!context.rateLimiter(api, state.config.now(), prepared.tokens)) {
      fail(CODES.rateLimited, `call rate of ${api} over its limit`);
    }
    answer = envelopeAnswer(CODES.ok, '', prepared.run());
  } catch (error) {
    if (error instanceof RestFailure) {
      code = error.code;
      answer = envelopeAnswer(error.code, error.message);
    } else {
      code = CODES.internalError;
      answer = {
        status: 500,
        contentType: 'text/plain; charset=utf-8',
        text: `local-rongcloud bug: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  if (fault !== undefined) {
    // Processed (and stored) as usual; the fault decides what the client gets.
    if (fault.code !== CODES.ok) code = fault.code;
    answer = faultAnswer(fault, answer);
  }
  return finish(state, record, code, answer);
}

/** Answers 1002 unless the media type is the one the endpoint takes (any charset). */
function checkContentType(format: 'form' | 'json', contentType: string): void {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const expected = MEDIA_TYPES[format];
  if (mediaType !== expected) {
    failParameter(
      `Content-Type must be ${expected} for this API, received ${mediaType === '' ? 'none' : mediaType}`,
    );
  }
}

/** The body as a JSON object; answers 1002 otherwise. */
function parseJsonBody(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    failParameter('the body is not valid JSON');
  }
  return requireObject(parsed, 'the body');
}
