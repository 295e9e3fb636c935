/**
 * The playground's HTTP surface, one Web-standard handler: the page, its JSON API and event
 * stream, the webhook relay the stand-ins post to, the recording proxy a bot calls the vendors
 * through, and the example voice agent's LLM endpoint. Only requests addressed to the loopback
 * host are served, and the page's API takes JSON only, so another site open in the browser can
 * neither read nor drive it.
 *
 * @module
 */
import type { ActivityLog } from './activity-log.ts';
import type { ProxiedVendor } from './api-proxy.ts';
import type { ConversationMode, ConversationRef, Conversations } from './conversations.ts';
import { conversationKey } from './conversations.ts';
import type { DevRequestHandler } from './host.ts';
import { field } from './json-field.ts';
import type { LiveHub } from './live-hub.ts';
import { isPlaygroundUser, isPlaygroundVendor, type PlaygroundVendor } from './local-setup.ts';
import { PlaygroundRequestError } from './request-error.ts';

/** What the routes serve. */
export interface RoutesOptions {
  /** The page's HTML. */
  page: string;
  /** What `GET /api/info` answers. */
  info: () => unknown;
  /** The conversations. */
  conversations: Conversations;
  /** The wire log. */
  log: ActivityLog;
  /** Brings the wire log up to date (the local TRTC's records are copied in). */
  refreshLog: () => void;
  /** The live updates. */
  hub: LiveHub;
  /** The webhook relay. */
  relay: (vendor: PlaygroundVendor, request: Request) => Promise<Response>;
  /** The recording proxy. */
  proxy: (vendor: ProxiedVendor, path: string, request: Request) => Promise<Response>;
  /** The example voice agent's LLM endpoint, when the example bot runs. */
  llmEndpoint: DevRequestHandler | undefined;
}

/** The path of the example voice agent's LLM endpoint (TRTC appends `/chat/completions`). */
export const LLM_ENDPOINT_BASE_PATH = '/bot/trtc/v1';

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MAX_TEXT_LENGTH = 2_000;

function json(value: unknown, status = 200): Response {
  return Response.json(value, { status, headers: { 'cache-control': 'no-store' } });
}

function isLoopback(request: Request): boolean {
  const host = request.headers.get('host');
  if (host === null) return false;
  return LOOPBACK_HOSTNAMES.has(host.replace(/:\d+$/, '').toLowerCase());
}

/** The conversation named by `vendor`, `mode` and `userId` fields of `source`. */
function refOf(source: (name: string) => unknown): ConversationRef {
  const vendor = source('vendor');
  const mode = source('mode');
  const userId = source('userId');
  if (!isPlaygroundVendor(vendor)) throw new PlaygroundRequestError(400, 'unknown vendor');
  if (!isPlaygroundUser(userId)) throw new PlaygroundRequestError(400, 'unknown user');
  if (mode !== 'direct' && !(mode === 'group' && vendor !== 'trtc')) {
    throw new PlaygroundRequestError(400, 'mode must be "direct" or, for chat, "group"');
  }
  return { vendor, mode: mode satisfies ConversationMode, userId };
}

async function jsonBody(request: Request): Promise<(name: string) => unknown> {
  if (!(request.headers.get('content-type') ?? '').startsWith('application/json')) {
    throw new PlaygroundRequestError(415, 'send JSON (content-type: application/json)');
  }
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new PlaygroundRequestError(400, 'the body is not JSON');
  }
  return (name) => field(body, name);
}

function textField(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_TEXT_LENGTH) {
    throw new PlaygroundRequestError(400, `${name} must be 1 to ${MAX_TEXT_LENGTH} characters`);
  }
  return value;
}

async function api(options: RoutesOptions, request: Request, path: string): Promise<Response> {
  const url = new URL(request.url);
  const route = `${request.method} ${path}`;
  switch (route) {
    case 'GET /api/info':
      return json(options.info());
    case 'GET /api/events':
      return options.hub.connect(request.signal);
    case 'GET /api/conversation': {
      const ref = refOf((name) => url.searchParams.get(name) ?? undefined);
      return json({ key: conversationKey(ref), items: options.conversations.items(ref) });
    }
    case 'GET /api/activity':
      options.refreshLog();
      return json(options.log.since(Number(url.searchParams.get('since') ?? '0') || 0));
    case 'POST /api/messages': {
      const body = await jsonBody(request);
      const ref = refOf(body);
      const result = await options.conversations.send(ref, textField(body('text'), 'text'));
      return json({ key: conversationKey(ref), ...result }, 202);
    }
    case 'POST /api/stop': {
      const body = await jsonBody(request);
      const ref = refOf(body);
      const result = await options.conversations.stop(ref, textField(body('msgKey'), 'msgKey'));
      return json({ key: conversationKey(ref), ...result }, 202);
    }
    default:
      return json({ error: `no route ${route}` }, 404);
  }
}

async function serve(options: RoutesOptions, request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === '/' && request.method === 'GET') {
    return new Response(options.page, {
      headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    });
  }
  if (pathname.startsWith('/api/')) return api(options, request, pathname);
  const relay = /^\/relay\/([a-z-]+)$/.exec(pathname);
  if (relay !== null && request.method === 'POST' && isPlaygroundVendor(relay[1])) {
    return options.relay(relay[1], request);
  }
  const proxy = /^\/vendor\/(tencent-chat|rongcloud)(\/.*)?$/.exec(pathname);
  if (proxy !== null) {
    const vendor = proxy[1] === 'tencent-chat' ? 'tencent-chat' : 'rongcloud';
    return options.proxy(vendor, proxy[2] ?? '/', request);
  }
  if (pathname.startsWith(`${LLM_ENDPOINT_BASE_PATH}/`) && options.llmEndpoint !== undefined) {
    return options.llmEndpoint(request);
  }
  if (pathname === '/favicon.ico') return new Response(null, { status: 204 });
  return json({ error: `not found: ${pathname}` }, 404);
}

/** Creates the handler of the playground. */
export function createRoutes(options: RoutesOptions): DevRequestHandler {
  return async (request) => {
    if (!isLoopback(request)) {
      return json({ error: 'the playground answers requests to 127.0.0.1 only' }, 403);
    }
    try {
      return await serve(options, request);
    } catch (error) {
      if (error instanceof PlaygroundRequestError)
        return json({ error: error.message }, error.status);
      const message = error instanceof Error ? error.message : String(error);
      return json({ error: `imbridge dev failed: ${message}` }, 500);
    }
  };
}
