/**
 * The endpoint fails closed: authentication is required at creation, only an explicit allow
 * passes, the key is compared in constant time, the body is not read before the request is
 * authenticated, and bodies nested too deeply are refused. Over loopback HTTP, as a client sees it.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LanguageModel, toNodeListener, ValidationError } from '@imbridge/core';
import {
  createScriptedModel,
  type LoggedEntry,
  memoryLogger,
  type ScriptedModel,
  textSteps,
} from '@imbridge/core/testing';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { serveWeb, type WebServer } from '../__fixtures__/web-server.ts';
import { keysMatch } from './handler-auth.ts';
import {
  createOpenAICompatibleHandler,
  type OpenAICompatibleHandlerOptions,
} from './openai-compatible-handler.ts';

const KEY = 'endpoint-key-0123456789abcdef';
const PATH = '/v1/chat/completions';
const QUESTION = JSON.stringify({ model: 'any', messages: [{ role: 'user', content: 'Hi' }] });

const servers: Server[] = [];
const webServers: WebServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  for (const server of webServers.splice(0)) await server.close();
});

function scripted(): ScriptedModel {
  return createScriptedModel({
    modelId: 'backend',
    scripts: [{ steps: textSteps('Hello!', { chunkSize: 3 }) }],
  });
}

interface Served {
  url: string;
  model: ScriptedModel;
  logs: LoggedEntry[];
}

/** The handler behind core's `toNodeListener` on 127.0.0.1. */
async function serve(options: Partial<OpenAICompatibleHandlerOptions>): Promise<Served> {
  const model = scripted();
  const logger = memoryLogger();
  const handler = createOpenAICompatibleHandler({ model, logger, ...options });
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}${PATH}`, model, logs: logger.entries };
}

function post(url: string, headers: Record<string, string> = {}, body = QUESTION) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function expectRefused(response: Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toContain('application/json');
  expect(await response.json()).toEqual({
    error: {
      message: 'Invalid API key',
      type: 'invalid_request_error',
      code: 'invalid_api_key',
      param: null,
    },
  });
}

function rejections(logs: LoggedEntry[]) {
  return logs.filter((entry) => entry.event === 'webhook-rejected');
}

describe('createOpenAICompatibleHandler: authentication is required at creation', () => {
  const model = scripted() as LanguageModel;
  const create = (options: Partial<OpenAICompatibleHandlerOptions>) => () =>
    createOpenAICompatibleHandler({ model, logger: false, ...options });

  it('refuses to start without apiKey or authenticate, naming apiKey, its variable and the way out', () => {
    expect(create({})).toThrow(ValidationError);
    expect(create({})).toThrow(
      /createOpenAICompatibleHandler: apiKey must be the key clients send as Authorization: Bearer … \(or pass authenticate, or allowUnauthenticated: true .*\), received nothing \(undefined\) \(examples read it from LLM_ENDPOINT_KEY\)/,
    );
  });

  it('refuses apiKey: process.env.X when the variable is unset — also beside authenticate', () => {
    const unset = process.env.IMBRIDGE_TEST_SURELY_UNSET_VARIABLE;
    expect(create({ apiKey: unset })).toThrow(/apiKey must be .*received nothing \(undefined\)/);
    expect(create({ apiKey: unset, authenticate: () => true })).toThrow(/apiKey must be/);
  });

  it('refuses an empty or blank apiKey without showing it', () => {
    expect(create({ apiKey: '' })).toThrow(/apiKey must be .*received an empty string/);
    expect(create({ apiKey: '   ' })).toThrow(/apiKey must be .*received a blank string/);
    try {
      create({ apiKey: 7 as unknown as string })();
    } catch (error) {
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
    }
  });

  it('checks authenticate and allowUnauthenticated, and refuses to combine the opt-out with a check', () => {
    expect(create({ authenticate: 'yes' as unknown as () => boolean })).toThrow(
      /authenticate must be a function/,
    );
    expect(create({ allowUnauthenticated: 'yes' as unknown as boolean })).toThrow(
      /allowUnauthenticated must be true or false/,
    );
    expect(create({ allowUnauthenticated: true, apiKey: KEY })).toThrow(
      /allowUnauthenticated must be left out when apiKey or authenticate is given/,
    );
    expect(create({ allowUnauthenticated: false })).toThrow(/apiKey must be/);
  });

  it('serves anyone only with allowUnauthenticated: true, and warns once at creation', async () => {
    const { url, logs } = await serve({ allowUnauthenticated: true });
    const warnings = logs.filter((entry) => entry.event === 'auth-disabled');
    expect(warnings).toEqual([
      expect.objectContaining({ level: 'warn', platform: 'openai-compatible-endpoint' }),
    ]);
    expect((await post(url)).status).toBe(200);
    expect(logs.filter((entry) => entry.event === 'auth-disabled')).toHaveLength(1);
  });
});

describe('createOpenAICompatibleHandler: apiKey', () => {
  it('accepts the right bearer token and refuses a missing, wrong, longer, shorter or non-bearer one', async () => {
    const { url, model, logs } = await serve({ apiKey: KEY });
    expect((await post(url, bearer(KEY))).status).toBe(200);
    await expectRefused(await post(url));
    await expectRefused(await post(url, bearer('endpoint-key-0123456789abcdeX')));
    await expectRefused(await post(url, bearer(`${KEY}0`)));
    await expectRefused(await post(url, bearer(KEY.slice(0, -1))));
    await expectRefused(await post(url, bearer('')));
    await expectRefused(await post(url, { authorization: `Basic ${KEY}` }));
    expect(model.calls).toHaveLength(1);
    expect(
      rejections(logs).map((entry) => [entry.level, 'reason' in entry && entry.reason]),
    ).toEqual([
      ['warn', 'missing-api-key'],
      ['warn', 'invalid-api-key'],
      ['warn', 'invalid-api-key'],
      ['warn', 'invalid-api-key'],
      ['warn', 'missing-api-key'],
      ['warn', 'missing-api-key'],
    ]);
    expect(JSON.stringify(logs)).not.toContain(KEY.slice(0, -1));
  });

  it('calls a key resolver per request (rotation), and fails closed with 401 when it throws', async () => {
    let current = 'first-key-000';
    let broken = false;
    const { url, logs } = await serve({
      apiKey: () => {
        if (broken) throw new Error(`vault down, last key ${current}`);
        return current;
      },
    });
    expect((await post(url, bearer('first-key-000'))).status).toBe(200);
    current = 'second-key-111';
    await expectRefused(await post(url, bearer('first-key-000')));
    expect((await post(url, bearer('second-key-111'))).status).toBe(200);
    broken = true;
    await expectRefused(await post(url, bearer('second-key-111')));
    const failed = rejections(logs).at(-1);
    expect(failed).toMatchObject({
      level: 'error',
      reason: 'api-key-unavailable',
      statusCode: 401,
    });
    expect(JSON.stringify(logs)).not.toContain('second-key-111');
  });

  it('requires both apiKey and authenticate when both are given', async () => {
    const { url } = await serve({
      apiKey: KEY,
      authenticate: ({ metadata }) => metadata.roomId === 'allowed-room',
    });
    await expectRefused(await post(url, { ...bearer(KEY), 'x-room-id': 'other-room' }));
    await expectRefused(await post(url, { 'x-room-id': 'allowed-room' }));
    expect((await post(url, { ...bearer(KEY), 'x-room-id': 'allowed-room' })).status).toBe(200);
  });
});

describe('createOpenAICompatibleHandler: authenticate allows only explicitly', () => {
  it.each([
    ['false', false],
    ['undefined', undefined],
    ['null', null],
    ['0', 0],
    ["''", ''],
    ['a string', 'yes'],
    ['a number', 1],
    ['an array', [true]],
    ['a Error', new Error('denied')],
    ['a Response', new Response('ok')],
  ])('answers 401 with an OpenAI error body when authenticate returns %s', async (shape, value) => {
    const { url, model, logs } = await serve({
      authenticate: () => value as unknown as boolean,
    });
    await expectRefused(await post(url, bearer(KEY)));
    expect(model.calls).toHaveLength(0);
    const [entry] = rejections(logs);
    expect(entry).toMatchObject({
      level: 'warn',
      reason: 'authenticate-refused',
      platform: 'openai-compatible-endpoint',
    });
    expect(entry && 'error' in entry && entry.error.message).toContain(`returned ${shape}`);
  });

  it('answers 401 when authenticate throws, and logs the error without the presented key', async () => {
    const { url, model, logs } = await serve({
      authenticate: async ({ apiKey }) => {
        throw new TypeError(`jwt malformed: ${apiKey}`);
      },
    });
    await expectRefused(await post(url, bearer(KEY)));
    expect(model.calls).toHaveLength(0);
    const [entry] = rejections(logs);
    expect(entry).toMatchObject({
      level: 'error',
      reason: 'authenticate-failed',
      statusCode: 401,
      error: { name: 'TypeError', message: 'jwt malformed: [redacted]' },
    });
    expect(JSON.stringify(logs)).not.toContain(KEY);
  });

  it('refuses { refused: reason } with the reason in the log (the presented key redacted)', async () => {
    const { url, model, logs } = await serve({
      authenticate: ({ apiKey }) => ({ refused: `token expired (${apiKey})` }),
    });
    await expectRefused(await post(url, bearer(KEY)));
    expect(model.calls).toHaveLength(0);
    const [entry] = rejections(logs);
    expect(entry).toMatchObject({
      level: 'warn',
      reason: 'authenticate-refused',
      error: { message: 'authenticate refused the request: token expired ([redacted])' },
    });
    expect(JSON.stringify(logs)).not.toContain(KEY);
  });

  it.each([
    ['{ allowed: false }', { allowed: false }, '`allowed`'],
    ['a grant with a typo', { metadata: {}, usr: 'x' }, '`usr`'],
    ['{ refused: 1 }', { refused: 1 }, '`refused`'],
  ])('refuses %s: an object with keys a grant lacks is not an allow', async (_name, value, key) => {
    const { url, model, logs } = await serve({
      authenticate: () => value as unknown as boolean,
    });
    await expectRefused(await post(url, bearer(KEY)));
    expect(model.calls).toHaveLength(0);
    const [entry] = rejections(logs);
    expect(entry).toMatchObject({ level: 'warn', reason: 'authenticate-refused' });
    expect(entry && 'error' in entry && entry.error.message).toContain(key);
  });

  it('allows true, and a grant object whose string metadata and user reach the model', async () => {
    const allowed = await serve({ authenticate: () => true });
    expect((await post(allowed.url)).status).toBe(200);
    const granted = await serve({
      authenticate: async () => ({
        metadata: { tenant: 'acme', count: 3 as unknown as string },
        user: 'caller-7',
      }),
    });
    expect((await post(granted.url)).status).toBe(200);
    const request = granted.model.calls[0]?.request;
    expect(request?.metadata).toEqual({ tenant: 'acme' });
    expect(request?.user).toBe('caller-7');
  });
});

/** POSTs headers, then body chunks every few milliseconds until `stop()`; resolves on the answer. */
function postEndlessly(url: string, headers: Record<string, string>) {
  const target = new URL(url);
  const outgoing = httpRequest({
    host: target.hostname,
    port: target.port,
    path: target.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
  });
  const piece = Buffer.alloc(64 * 1024, 0x20);
  outgoing.write('{"messages":[');
  const timer = setInterval(() => {
    if (!outgoing.destroyed) outgoing.write(piece);
  }, 2);
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    outgoing.on('response', (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
      );
    });
    outgoing.on('error', reject);
  });
  return {
    answer,
    stop() {
      clearInterval(timer);
      outgoing.destroy();
    },
  };
}

describe('createOpenAICompatibleHandler: authentication before the body', () => {
  async function webEndpoint(options: Partial<OpenAICompatibleHandlerOptions>) {
    const model = scripted();
    const server = await serveWeb(
      createOpenAICompatibleHandler({ model, logger: false, ...options }),
    );
    webServers.push(server);
    return { server, model, url: `${server.origin}${PATH}` };
  }

  it('answers 401 to a never-ending body without reading a byte of it', async () => {
    const { server, model, url } = await webEndpoint({ apiKey: KEY });
    const client = postEndlessly(url, bearer('wrong-key'));
    try {
      const answer = await Promise.race([
        client.answer,
        new Promise<undefined>((resolve) => setTimeout(resolve, 3000)),
      ]);
      expect(answer?.status).toBe(401);
      expect(JSON.parse(answer?.body ?? '{}')).toMatchObject({
        error: { code: 'invalid_api_key' },
      });
    } finally {
      client.stop();
    }
    expect(server.bodyBytesRead()).toBe(0);
    expect(server.requests[0]?.bodyUsed).toBe(false);
    expect(model.calls).toHaveLength(0);
  });

  it('answers 401, not 413, to an unauthenticated body far over maxBodyBytes, unread', async () => {
    const { server, url } = await webEndpoint({
      authenticate: () => undefined as unknown as boolean,
      maxBodyBytes: 1024,
    });
    const response = await post(url, {}, `{"messages":[],"pad":"${'x'.repeat(4 * 1024 * 1024)}"}`);
    await expectRefused(response);
    expect(server.bodyBytesRead()).toBe(0);
  });

  it('reads the body of an authenticated request', async () => {
    const { server, url } = await webEndpoint({ apiKey: KEY });
    const response = await post(url, bearer(KEY));
    expect(response.status).toBe(200);
    expect(server.bodyBytesRead()).toBe(Buffer.byteLength(QUESTION));
  });
});

describe('createOpenAICompatibleHandler: nesting depth of the body', () => {
  it('answers a body nested 50,000 levels deep with 400, logs it, and keeps serving', async () => {
    const { url, model, logs } = await serve({ apiKey: KEY });
    const deep = `${'['.repeat(50_000)}0${']'.repeat(50_000)}`;
    const response = await post(
      url,
      bearer(KEY),
      `{"messages":[{"role":"user","content":"Hi"}],"metadata":${deep}}`,
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'json_too_deep' },
    });
    expect(rejections(logs)).toEqual([
      expect.objectContaining({ level: 'warn', reason: 'json-too-deep', statusCode: 400 }),
    ]);
    expect(model.calls).toHaveLength(0);
    // The server is still up, and a normal body still passes.
    expect((await post(url, bearer(KEY))).status).toBe(200);
    expect(model.calls).toHaveLength(1);
  });
});

describe('keysMatch', () => {
  it('property: true exactly when the keys are equal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (left, right) => {
        expect(await keysMatch(left, right)).toBe(left === right);
        expect(await keysMatch(left, left)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
