import {
  createLogEmitter,
  describeError,
  type LoggerOption,
  type RequestHandler,
} from '@imbridge/core';
import type { VoiceAgent } from '@imbridge/trtc';
import {
  BadRequestError,
  createTokenCheck,
  failureResponse,
  json,
  readSayRequest,
  readStartRequest,
  redact,
} from './admin-request.ts';

/** The path of the admin API: `/agents` and `/agents/:taskId[/say]`. */
export const ADMIN_PATH = '/agents';

/** Options of {@link createAdminAPI}. */
export interface AdminAPIOptions {
  /** The voice agent the API starts, drives and stops. */
  agent: VoiceAgent;
  /** The bearer token every call must carry (`ADMIN_TOKEN`). */
  adminToken: string;
  /** Values that must never appear in an answer: the secrets of the configuration. */
  secrets?: readonly string[] | undefined;
  /** Where refused and failed calls go. @default warnings and errors to the console */
  logger?: LoggerOption;
}

/** A session as `POST /agents` answers it. */
export interface StartedAgentBody {
  status: 'started' | 'already-running';
  taskId: string | undefined;
  sessionId: string;
  agentUserId: string;
  /** When the session's key stops being accepted (ISO 8601). */
  expiresAt: string;
  requestId: string | undefined;
}

const PLATFORM = 'admin-api';

/** The task id and action of `/agents/:taskId[/say]`, or `undefined` for another path. */
function routeOf(path: string): { taskId: string | undefined; say: boolean } | undefined {
  if (path === ADMIN_PATH || path === `${ADMIN_PATH}/`) return { taskId: undefined, say: false };
  const match = /^\/agents\/([^/]+)(\/say)?\/?$/.exec(path);
  if (match?.[1] === undefined) return undefined;
  let taskId: string;
  try {
    taskId = decodeURIComponent(match[1]);
  } catch {
    throw new BadRequestError('the task id in the path is not valid percent-encoding');
  }
  return { taskId, say: match[2] !== undefined };
}

function methodNotAllowed(allow: string): Response {
  return json(405, { error: `use ${allow}` }, { allow });
}

/**
 * The admin API of the example, a Web-standard handler for the paths under `/agents`:
 *
 * - `POST /agents` `{ roomId, targetUserId, sessionId? }` puts an agent into the room: 201 with
 *   the session (200 when that `sessionId` already had one);
 * - `GET /agents/:taskId` reads the task's state at TRTC;
 * - `POST /agents/:taskId/say` `{ text, interrupt? }` makes the agent say `text` now;
 * - `DELETE /agents/:taskId` refuses the session's key from now on and stops the task.
 *
 * Every call needs `Authorization: Bearer <adminToken>` (compared in constant time; 401
 * otherwise, before the body is read). A body that is not the JSON object described answers
 * 400 with what to fix; TRTC's refusals answer 502 with Tencent's code and a hint (404 when the
 * task has ended), never a secret.
 *
 * @example
 * ```ts
 * const admin = createAdminAPI({ agent, adminToken: process.env.ADMIN_TOKEN ?? '' });
 * const response = await admin(new Request('http://localhost/agents/abc', { method: 'DELETE' }));
 * ```
 */
export function createAdminAPI(options: AdminAPIOptions): RequestHandler {
  const { agent } = options;
  const secrets = [options.adminToken, ...(options.secrets ?? [])];
  const authorized = createTokenCheck(options.adminToken);
  const log = createLogEmitter(options.logger);

  const handle = async (request: Request): Promise<Response> => {
    const route = routeOf(new URL(request.url).pathname);
    if (route === undefined) return json(404, { error: 'not found' });
    const { taskId } = route;
    if (taskId === undefined) {
      if (request.method !== 'POST') return methodNotAllowed('POST');
      const start = await readStartRequest(request);
      const session = await agent.start(start);
      const body: StartedAgentBody = {
        status: session.status,
        taskId: session.taskId,
        sessionId: session.sessionId,
        agentUserId: session.agentUserId,
        expiresAt: new Date(session.expiresAtMs).toISOString(),
        requestId: session.requestId,
      };
      return json(session.status === 'started' ? 201 : 200, body);
    }
    if (route.say) {
      if (request.method !== 'POST') return methodNotAllowed('POST');
      const say = await readSayRequest(request);
      const { requestId } = await agent.say({ taskId, ...say });
      return json(200, { taskId, requestId });
    }
    if (request.method === 'GET') {
      return json(200, await agent.describe({ taskId }));
    }
    if (request.method === 'DELETE') {
      const stopped = await agent.stop({ taskId });
      return json(200, {
        taskId,
        status: stopped.status,
        sessionId: stopped.sessionId,
        requestId: stopped.requestId,
      });
    }
    return methodNotAllowed('GET, DELETE');
  };

  return async (request) => {
    if (!authorized(request.headers.get('authorization'))) {
      log('warn', {
        event: 'webhook-rejected',
        platform: PLATFORM,
        statusCode: 401,
        reason: 'missing or wrong admin token',
        error: { name: 'Unauthorized', message: 'Authorization: Bearer <ADMIN_TOKEN> required' },
      });
      return json(
        401,
        { error: 'unauthorized: send Authorization: Bearer <ADMIN_TOKEN>' },
        { 'www-authenticate': 'Bearer' },
      );
    }
    try {
      return await handle(request);
    } catch (error) {
      const response = failureResponse(error, secrets);
      if (response.status >= 500) {
        const description = describeError(error);
        if (description.message !== undefined) {
          description.message = redact(description.message, secrets);
        }
        log('error', { event: 'webhook-failed', platform: PLATFORM, error: description });
      }
      return response;
    }
  };
}
