/**
 * REST dispatch of the local Tencent Cloud Chat: routes `/v4/{service}/{command}` to its
 * handler after the vendor's checks in the vendor's order — POST, URL parameters, UserSig,
 * administrator, injected faults, rate limit, JSON body — answers every call with the
 * `ActionStatus`/`ErrorCode`/`ErrorInfo` envelope, and records it. A fault injected "after the
 * store" lets the call be processed first and then spoils its answer (a reset, a late answer, a
 * gateway error), as when the vendor stored a message whose answer never reached the client.
 *
 * @module
 */
import { verifyUserSig } from '../user-sig/user-sig.ts';
import type { RestHandler } from './api-common.ts';
import { LOCAL_TENCENT_CHAT_ERROR_CODES as CODES, fail, RestFailure } from './error-codes.ts';
import type { Fault, FaultQueue } from './faults.ts';
import type { RateLimiter } from './rate-limit.ts';
import { type LocalChatState, nowSeconds } from './store.ts';
import { type JsonObject, jsonObjectSchema, UINT32_MAX } from './wire.ts';

const API_PATH_PATTERN = /^\/v4\/([^/]+)\/([^/]+)\/?$/;

const USER_SIG_FAILURES = {
  malformed: [CODES.userSigMalformed, 'usersig is malformed'],
  'sdk-app-id-mismatch': [CODES.userSigSdkAppIdMismatch, 'sdkappid in usersig does not match'],
  'user-id-mismatch': [CODES.userSigUserIdMismatch, 'identifier in usersig does not match'],
  expired: [CODES.userSigExpired, 'usersig is expired'],
  'signature-mismatch': [CODES.userSigMismatch, 'usersig signature verification failed'],
} as const;

/** What {@link dispatchRest} works with. */
export interface RestContext {
  readonly state: LocalChatState;
  /** Handlers by API (`{service}/{command}`). */
  readonly handlers: ReadonlyMap<string, RestHandler>;
  readonly faults: FaultQueue;
  readonly rateLimiter: RateLimiter;
}

/** One HTTP request, as read by the server. */
export interface RestRequest {
  method: string;
  url: URL;
  bodyText: string;
  /** The body was over the server's size limit (and `bodyText` is cut short). */
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

function envelopeAnswer(errorCode: number, errorInfo: string, extras?: JsonObject): RestAnswer {
  return {
    status: 200,
    contentType: 'application/json; charset=utf-8',
    text: envelope(errorCode, errorInfo, extras),
  };
}

/**
 * What a fault makes of a call's answer: a reset, an HTTP status with a text body, the
 * injected `ErrorCode`, or — for `errorCode` 0 — the call's own answer; each after `delayMs`.
 */
function faultAnswer(fault: Fault, own: RestAnswer | undefined): RestAnswer {
  let answer: RestAnswer;
  if (fault.httpStatus !== undefined) {
    answer = {
      status: fault.httpStatus,
      contentType: 'text/plain; charset=utf-8',
      text: `injected HTTP ${fault.httpStatus}`,
    };
  } else if (fault.errorCode !== 0 || own === undefined) {
    answer = envelopeAnswer(fault.errorCode, `injected fault ${fault.errorCode}`);
  } else answer = own;
  return { ...answer, delayMs: fault.delayMs, reset: fault.reset };
}

/** True when a fault answers the call without processing it (nothing is stored). */
function refusesCall(fault: Fault): boolean {
  return (
    fault.after === undefined &&
    (fault.reset || fault.httpStatus !== undefined || fault.errorCode !== 0)
  );
}

/**
 * Answers one REST call and records it in `state.requests`. Never throws. A fault queued for
 * the API answers in place of the call (nothing processed), or — `after: 'store'` — replaces
 * the answer of a call that was processed and stored as usual.
 */
export async function dispatchRest(
  context: RestContext,
  request: RestRequest,
): Promise<RestAnswer> {
  const { state } = context;
  const atMs = state.config.now();
  const match = API_PATH_PATTERN.exec(request.url.pathname);
  const api = match !== null ? `${match[1]}/${match[2]}` : request.url.pathname;
  let fault: Fault | undefined;
  let errorCode = 0;
  let answer: RestAnswer;
  try {
    if (request.method !== 'POST') fail(CODES.badRequestUrl, 'only POST is supported');
    await checkUrl(state, request.url.searchParams);
    // A path that does not match the pattern is never a key of `handlers`.
    const handler = context.handlers.get(api);
    if (handler === undefined) fail(CODES.badResource, `bad resource: ${request.url.pathname}`);
    fault = context.faults.take(api, atMs);
    if (fault !== undefined && refusesCall(fault)) {
      state.requests.push({ api, atMs, errorCode: fault.errorCode });
      return faultAnswer(fault, undefined);
    }
    if (!context.rateLimiter(api, state.config.now())) {
      fail(CODES.rateLimited, 'REST API call frequency over limit');
    }
    if (request.tooLarge) fail(CODES.invalidJson, 'request body too large');
    answer = envelopeAnswer(0, '', handler(parseBody(request.bodyText)));
  } catch (error) {
    if (error instanceof RestFailure) {
      errorCode = error.errorCode;
      answer = envelopeAnswer(error.errorCode, error.message);
    } else {
      errorCode = -1;
      answer = {
        status: 500,
        contentType: 'text/plain; charset=utf-8',
        text: `local-tencent-chat bug: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
  if (fault !== undefined) {
    // Processed (and stored) as usual; the fault decides what the client gets.
    if (fault.errorCode !== 0) errorCode = fault.errorCode;
    answer = faultAnswer(fault, answer);
  }
  state.requests.push({ api, atMs, errorCode });
  return answer;
}

/** Checks `sdkappid`, `identifier`, `usersig`, `random` and `contenttype`, then the UserSig. */
async function checkUrl(state: LocalChatState, params: URLSearchParams): Promise<void> {
  const { sdkAppId, secretKey, adminUserId } = state.config;
  const sdkAppIdText = params.get('sdkappid');
  if (sdkAppIdText === null || sdkAppIdText === '') {
    fail(CODES.missingSdkAppId, 'sdkappid is missing in the url');
  }
  if (!/^\d{1,12}$/.test(sdkAppIdText) || Number(sdkAppIdText) !== sdkAppId) {
    fail(CODES.invalidSdkAppId, `sdkappid ${sdkAppIdText} is invalid`);
  }
  const identifier = params.get('identifier');
  const userSig = params.get('usersig');
  if (identifier === null || identifier === '' || userSig === null || userSig === '') {
    fail(CODES.missingIdentifierOrUserSig, 'identifier or usersig is missing in the url');
  }
  const random = params.get('random');
  if (random === null || !/^\d{1,10}$/.test(random) || Number(random) > UINT32_MAX) {
    fail(CODES.badRequestUrl, 'random must be an unsigned 32-bit integer');
  }
  if (params.get('contenttype') !== 'json') {
    fail(CODES.badRequestUrl, 'contenttype must be json');
  }
  const check = await verifyUserSig({
    userSig,
    sdkAppId,
    secretKey,
    userId: identifier,
    nowSeconds: nowSeconds(state),
  });
  if (!check.valid) {
    const [errorCode, errorInfo] = USER_SIG_FAILURES[check.reason];
    fail(errorCode, errorInfo);
  }
  if (identifier !== adminUserId) {
    fail(CODES.adminRequired, 'identifier must be the app administrator');
  }
}

/** The body as a JSON object; answers 90001 otherwise. */
function parseBody(text: string): JsonObject {
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(text);
  } catch {
    fail(CODES.invalidJson, 'Fail to Parse json data of body, Please check it');
  }
  const body = jsonObjectSchema.safeParse(parsedJson);
  if (!body.success) fail(CODES.invalidJson, 'Fail to Parse json data of body, Please check it');
  return body.data;
}

function envelope(errorCode: number, errorInfo: string, extras: JsonObject = {}): string {
  return JSON.stringify({
    ActionStatus: errorCode === 0 ? 'OK' : 'FAIL',
    ErrorCode: errorCode,
    ErrorInfo: errorInfo,
    ...extras,
  });
}
