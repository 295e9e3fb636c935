/**
 * The request dispatcher of the local Dify: records every request, then applies the checks
 * Dify makes before a handler runs — route, method, API key (`Authorization: Bearer`), queued
 * faults, JSON body, `user` — and hands the request to the run or stop handler.
 *
 * @module
 */
import { isRecord } from '@imbridge/provider-utils';
import type { LoopbackReply, LoopbackRequest } from './http-server.ts';
import { answerError, type CheckedRequest, handleRun } from './run.ts';
import { handleStop } from './stop.ts';
import { type LocalDifyState, recordRequest } from './store.ts';
import type { LocalDifyRoute } from './types.ts';
import { DIFY_ERRORS, type RunKind } from './wire.ts';

/** A path matched to a route. */
interface RouteMatch {
  route: LocalDifyRoute;
  kind: RunKind;
  /** The task id of a stop route. */
  taskId: string | undefined;
}

const RUN_ROUTES: Readonly<Record<string, { route: LocalDifyRoute; kind: RunKind }>> = {
  '/chat-messages': { route: '/chat-messages', kind: 'chat' },
  '/completion-messages': { route: '/completion-messages', kind: 'completion' },
  '/workflows/run': { route: '/workflows/run', kind: 'workflow' },
};

const STOP_ROUTES: ReadonlyArray<{ pattern: RegExp; route: LocalDifyRoute; kind: RunKind }> = [
  {
    pattern: /^\/chat-messages\/([^/]+)\/stop$/,
    route: '/chat-messages/:task_id/stop',
    kind: 'chat',
  },
  {
    pattern: /^\/completion-messages\/([^/]+)\/stop$/,
    route: '/completion-messages/:task_id/stop',
    kind: 'completion',
  },
  {
    pattern: /^\/workflows\/tasks\/([^/]+)\/stop$/,
    route: '/workflows/tasks/:task_id/stop',
    kind: 'workflow',
  },
];

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function matchRoute(path: string): RouteMatch | undefined {
  if (!path.startsWith('/v1/')) return undefined;
  const relative = path.slice('/v1'.length);
  const run = RUN_ROUTES[relative];
  if (run !== undefined) return { ...run, taskId: undefined };
  for (const stop of STOP_ROUTES) {
    const segment = stop.pattern.exec(relative)?.[1];
    if (segment !== undefined) {
      return { route: stop.route, kind: stop.kind, taskId: decodeSegment(segment) };
    }
  }
  return undefined;
}

/** The body as recorded: JSON when it parses, else its text; `undefined` when empty. */
function recordedBody(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `str(user)` as Dify computes it from the JSON value. */
function userOf(value: unknown): string | undefined {
  // Dify rejects a falsy user ("", 0, false, null, [], {}) and stringifies the rest.
  if (value === undefined || value === null || value === '' || value === 0 || value === false) {
    return undefined;
  }
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (value === true) return 'True';
  if (Array.isArray(value)) return value.length === 0 ? undefined : JSON.stringify(value);
  return isRecord(value) && Object.keys(value).length > 0 ? JSON.stringify(value) : undefined;
}

/** Records and answers one request. */
export async function dispatch(
  state: LocalDifyState,
  request: LoopbackRequest,
  reply: LoopbackReply,
): Promise<void> {
  const match = matchRoute(request.path);
  const body = recordedBody(request.bodyText);
  const sentUser = isRecord(body) && typeof body.user === 'string' ? body.user : undefined;
  const record = recordRequest(state, {
    method: request.method,
    path: request.path,
    route: match?.route,
    body,
    user: sentUser,
  });
  if (match === undefined) return answerError(record, reply, DIFY_ERRORS.routeNotFound);
  if (request.method !== 'POST') return answerError(record, reply, DIFY_ERRORS.methodNotAllowed);

  // The API key comes first: nothing else is looked at without a valid one.
  const authorization = request.headers.authorization;
  if (authorization === undefined || !authorization.includes(' ')) {
    return answerError(record, reply, DIFY_ERRORS.missingAuthorization);
  }
  const [scheme = '', ...rest] = authorization.trim().split(/\s+/);
  if (scheme.toLowerCase() !== 'bearer') {
    return answerError(record, reply, DIFY_ERRORS.wrongScheme);
  }
  if (!state.config.apiKeys.has(rest.join(' '))) {
    return answerError(record, reply, DIFY_ERRORS.invalidKey);
  }

  const fault = state.faults.take(match.route, (item) => item.type !== 'mid-stream');
  if (fault?.type === 'reset') return reply.reset();
  if (fault?.type === 'http') return answerError(record, reply, fault);

  if (request.tooLarge) return answerError(record, reply, DIFY_ERRORS.tooLarge);
  const contentType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (contentType !== 'application/json' && !contentType.endsWith('+json')) {
    return answerError(record, reply, DIFY_ERRORS.notJson);
  }
  if (!isRecord(body)) return answerError(record, reply, DIFY_ERRORS.badJson);
  const user = userOf(body.user);
  if (user === undefined) return answerError(record, reply, DIFY_ERRORS.noUser);
  record.user = user;

  const checked: CheckedRequest = { state, record, reply, route: match.route, body, user };
  if (match.taskId !== undefined) return handleStop(checked, match.kind, match.taskId);
  return handleRun(checked, match.kind);
}
