/**
 * The request pipeline of the local TRTC. Each request goes through, in order: the body size, the
 * `X-TC-Action` and `X-TC-Version` headers, the TC3 signature (`tc3-verify.ts`), the action
 * (`InvalidAction`), the `X-TC-Region` header, an injected fault, the JSON body, and the action's
 * handler. Every request is recorded with what it was answered.
 *
 * @module
 */
import type { ActionHandler } from './conversation-context.ts';
import type { FaultQueue } from './faults.ts';
import type { RawAnswer, RawRequest } from './http-server.ts';
import { parseAuthorization, type TC3Credentials, verifyTc3Request } from './tc3-verify.ts';
import type { LocalTRTCAction, LocalTRTCRequestRecord } from './types.ts';
import { errorBody, LocalAPIError, successBody, TRTC_API_VERSION } from './wire.ts';

/** What the dispatcher needs. */
export interface DispatchContext {
  readonly credentials: TC3Credentials;
  readonly now: () => number;
  readonly handlers: ReadonlyMap<LocalTRTCAction, ActionHandler>;
  readonly faults: FaultQueue;
  readonly requests: LocalTRTCRequestRecord[];
}

const JSON_TYPE = 'application/json';

function missing(name: string): LocalAPIError {
  return new LocalAPIError('MissingParameter', `The parameter \`${name}\` is missing.`);
}

/** The checks and the handler; returns an answer or throws a {@link LocalAPIError}. */
function checkAndHandle(
  context: DispatchContext,
  request: RawRequest,
): { fields: Record<string, unknown> } | { fault: { httpStatus: number } | { reset: true } } {
  if (request.tooLarge) {
    throw new LocalAPIError('RequestSizeLimitExceeded', 'The request body exceeds 10 MB.');
  }
  const action = request.headers.get('x-tc-action');
  if (action === undefined || action === '') throw missing('Action');
  const version = request.headers.get('x-tc-version');
  if (version === undefined || version === '') throw missing('Version');
  if (version !== TRTC_API_VERSION) {
    throw new LocalAPIError('NoSuchVersion', `The API version \`${version}\` does not exist.`);
  }
  verifyTc3Request(request, context.credentials, context.now());
  const handler = context.handlers.get(action as LocalTRTCAction);
  if (handler === undefined) {
    throw new LocalAPIError('InvalidAction', `The action \`${action}\` does not exist.`);
  }
  const region = request.headers.get('x-tc-region');
  if (region === undefined || region === '') throw missing('Region');
  const fault = context.faults.take(action as LocalTRTCAction);
  if (fault !== undefined) {
    if ('code' in fault) throw new LocalAPIError(fault.code, fault.message);
    return { fault };
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(request.body));
  } catch {
    throw new LocalAPIError('InvalidParameter', 'The request body is not JSON.');
  }
  return { fields: handler(body) };
}

/** Answers one request and records it. */
export function dispatch(context: DispatchContext, request: RawRequest): RawAnswer {
  const requestId = crypto.randomUUID();
  const record = {
    action: request.headers.get('x-tc-action') ?? '',
    region: request.headers.get('x-tc-region'),
    secretId: parseAuthorization(request.headers.get('authorization'))?.secretId,
    bodyText: new TextDecoder().decode(request.body),
  };
  let answer: RawAnswer;
  let errorCode: string | undefined;
  try {
    const result = checkAndHandle(context, request);
    if ('fields' in result) {
      answer = {
        status: 200,
        contentType: JSON_TYPE,
        text: successBody(result.fields, requestId),
      };
    } else if ('reset' in result.fault) {
      answer = { reset: true };
    } else {
      const status = result.fault.httpStatus;
      answer = { status, contentType: 'text/plain', text: `local-trtc: HTTP ${status}` };
    }
  } catch (error) {
    if (!(error instanceof LocalAPIError)) throw error;
    errorCode = error.code;
    answer = {
      status: 200,
      contentType: JSON_TYPE,
      text: errorBody(error.code, error.message, requestId),
    };
  }
  const enveloped = answer.reset !== true && answer.contentType === JSON_TYPE;
  context.requests.push({
    ...record,
    errorCode,
    httpStatus: answer.reset === true ? 0 : answer.status,
    requestId: enveloped ? requestId : '',
  });
  return answer;
}
