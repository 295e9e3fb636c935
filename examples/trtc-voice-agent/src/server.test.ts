import type { LanguageModel } from '@imbridge/core';
import { memoryLogger } from '@imbridge/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEMO_API_SECRET_KEY,
  DEMO_APP_SECRET_KEY,
  type LocalServices,
  startLocalServices,
} from './local-services.ts';
import { createOfflineModel } from './offline-model.ts';
import { type AgentServer, startAgentServer } from './server.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Running {
  local: LocalServices;
  server: AgentServer;
  logger: ReturnType<typeof memoryLogger>;
  /** How many times the model was called. */
  modelCalls: () => number;
  /** Calls the admin API (with the admin token unless `token` says otherwise). */
  admin: (
    method: string,
    path: string,
    options?: { body?: string | object; token?: string | null },
  ) => Promise<{ status: number; text: string; json: Record<string, unknown> }>;
}

async function start(): Promise<Running> {
  const local = await startLocalServices();
  cleanups.push(() => local.close());
  let calls = 0;
  const offline = createOfflineModel({ chunkDelayMs: 0 });
  const model: LanguageModel = {
    ...offline,
    stream: (request) => {
      calls += 1;
      return offline.stream(request);
    },
  };
  const logger = memoryLogger();
  const server = await startAgentServer({ config: local.config, model, logger });
  cleanups.push(() => server.close());
  return {
    local,
    server,
    logger,
    modelCalls: () => calls,
    async admin(method, path, options = {}) {
      const token = options.token === undefined ? local.config.adminToken : options.token;
      const { body } = options;
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        ...(body === undefined
          ? {}
          : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // Not JSON: the test reads `text`.
      }
      return { status: response.status, text, json };
    },
  };
}

const alice = { roomId: 8001, targetUserId: 'alice', sessionId: 'call-1' };

describe('the admin API', () => {
  it('refuses calls without the admin token, with a wrong one or a prefix of it (401), before reaching TRTC', async () => {
    const { admin, local, logger } = await start();
    const token = local.config.adminToken;
    for (const attempt of [null, 'wrong-token-0123456789', token.slice(0, -1), `${token}x`, '']) {
      const started = await admin('POST', '/agents', { body: alice, token: attempt });
      expect(started.status).toBe(401);
      expect(started.json.error).toBe('unauthorized: send Authorization: Bearer <ADMIN_TOKEN>');
      expect(started.text).not.toContain(token);
    }
    expect((await admin('GET', '/agents/some-task', { token: null })).status).toBe(401);
    expect((await admin('DELETE', '/agents/some-task', { token: 'nope' })).status).toBe(401);
    expect(local.trtc.requests).toEqual([]);
    const rejected = logger.entries.filter((entry) => entry.event === 'webhook-rejected');
    expect(rejected.map((entry) => [entry.level, entry.platform])).toEqual(
      Array.from({ length: 7 }, () => ['warn', 'admin-api']),
    );

    const right = await admin('POST', '/agents', { body: alice });
    expect(right.status).toBe(201);
  });

  it('answers 400 with what to fix for a body that is not the expected JSON object', async () => {
    const { admin, local } = await start();
    const cases: Array<[string | object, string]> = [
      [
        '{"roomId": 8001,',
        'the body must be a JSON object with roomId, targetUserId, sessionId (it is not valid JSON)',
      ],
      ['[1, 2]', 'the body must be a JSON object with roomId, targetUserId, sessionId'],
      [
        { ...alice, userId: 'bob' },
        'unknown field "userId": the body takes roomId, targetUserId, sessionId',
      ],
      [
        { targetUserId: 'alice' },
        'roomId must be a number (a numeric TRTC room) or a non-empty string (a string room)',
      ],
      [{ roomId: 8001 }, 'targetUserId must be a non-empty string'],
      [{ ...alice, sessionId: 42 }, 'sessionId must be a non-empty string'],
    ];
    for (const [body, error] of cases) {
      const answer = await admin('POST', '/agents', { body });
      expect([answer.status, answer.json.error]).toEqual([400, error]);
    }
    // Refused by the TRTC client before anything is sent: a numeric room is 1 to 4294967295.
    const room = await admin('POST', '/agents', { body: { ...alice, roomId: 0 } });
    expect(room.status).toBe(400);
    expect(room.json.error).toMatch(/roomId/);
    const say = await admin('POST', '/agents/task-1/say', { body: { text: '' } });
    expect([say.status, say.json.error]).toEqual([400, 'text must be a non-empty string']);
    const interrupt = await admin('POST', '/agents/task-1/say', {
      body: { text: 'hi', interrupt: 'yes' },
    });
    expect([interrupt.status, interrupt.json.error]).toEqual([
      400,
      'interrupt must be true or false',
    ]);
    expect(local.trtc.requests).toEqual([]);
  });

  it('starts an agent, makes it say a text and stops it, against the local TRTC', async () => {
    const { admin, local, server } = await start();
    const started = await admin('POST', '/agents', { body: alice });
    expect(started.status).toBe(201);
    expect(started.json).toMatchObject({
      status: 'started',
      sessionId: 'call-1',
      agentUserId: 'imbridge-voice-agent',
    });
    const taskId = String(started.json.taskId);
    expect(Date.parse(String(started.json.expiresAt))).toBeGreaterThan(Date.now() + 7_000_000);
    expect(local.trtc.tasks).toMatchObject([{ taskId, roomId: '8001', targetUserId: 'alice' }]);
    const llmConfig = JSON.parse(local.trtc.tasks[0]?.llmConfig ?? '{}') as Record<string, unknown>;
    expect(llmConfig).toMatchObject({ APIUrl: server.apiUrl, Streaming: true, History: 0 });
    expect(server.apiUrl).toBe(`${server.url}/trtc/v1/chat/completions`);

    // The same session again: no second agent.
    const again = await admin('POST', '/agents', { body: alice });
    expect([again.status, again.json.status, again.json.taskId]).toEqual([
      200,
      'already-running',
      taskId,
    ]);

    const path = `/agents/${encodeURIComponent(taskId)}`;
    expect((await admin('GET', path)).json).toMatchObject({ taskId, status: 'in-progress' });
    const turn = await local.trtc.simulateUtterance(taskId, 'Hello there');
    expect(turn).toMatchObject({ status: 'completed' });
    expect(turn.replyText).toContain('Loud and clear!');

    const said = await admin('POST', `${path}/say`, {
      body: { text: 'One moment, please.', interrupt: true },
    });
    expect([said.status, said.json.taskId]).toEqual([200, taskId]);
    expect(local.trtc.pushedTexts).toMatchObject([
      { taskId, text: 'One moment, please.', interrupt: true },
    ]);

    const stopped = await admin('DELETE', path);
    expect([stopped.status, stopped.json]).toEqual([
      200,
      { taskId, status: 'stopped', sessionId: 'call-1', requestId: expect.any(String) },
    ]);
    expect(local.trtc.tasks[0]?.status).toBe('Stopped');
    // The task has ended at TRTC: describe says so with 404, and a second stop is harmless.
    const gone = await admin('GET', path);
    expect([gone.status, gone.json.code]).toEqual([404, 'FailedOperation.TaskNotExist']);
    expect((await admin('DELETE', path)).json.status).toBe('not-running');
  });

  it("answers 502 with Tencent's code and hint when TRTC refuses, without a secret", async () => {
    const { admin, local, logger } = await start();
    local.trtc.failNext('StartAIConversation', {
      code: 'FailedOperation.SdkAppIdNotUnderAppId',
      // A vendor message echoing a secret: the API redacts it all the same.
      message: `SdkAppId does not belong to this account (${DEMO_APP_SECRET_KEY})`,
    });
    const refused = await admin('POST', '/agents', { body: alice });
    expect(refused.status).toBe(502);
    expect(refused.json).toMatchObject({
      code: 'FailedOperation.SdkAppIdNotUnderAppId',
      kind: 'invalid-request',
      requestId: expect.any(String),
    });
    expect(refused.json.error).toContain('SdkAppId does not belong to this account ([redacted])');
    for (const secret of [DEMO_APP_SECRET_KEY, DEMO_API_SECRET_KEY, local.config.adminToken]) {
      expect(refused.text).not.toContain(secret);
      expect(JSON.stringify(logger.entries)).not.toContain(secret);
    }
    expect(refused.text).not.toMatch(/eyJ[\w-]+\./); // no session key (a JWT) either
    expect(logger.entries.filter((entry) => entry.event === 'webhook-failed')).toHaveLength(1);

    local.trtc.failNext('StartAIConversation', {
      code: 'FailedOperation.NotAbility',
      message: 'not enabled',
    });
    const quota = await admin('POST', '/agents', { body: alice });
    expect([quota.status, quota.json.hint]).toEqual([
      502,
      'the AI conversation capability is not enabled for this app: enable it in the TRTC console (or open a ticket)',
    ]);
    // The next start goes through.
    expect((await admin('POST', '/agents', { body: alice })).status).toBe(201);
  });
});

describe("the agent's LLM endpoint", () => {
  const utterance = JSON.stringify({
    model: 'offline-voice-demo',
    stream: true,
    messages: [{ role: 'user', content: 'Hello?' }],
  });

  it('refuses a request without the session key, with another key, or after the stop, without calling the model', async () => {
    const { admin, local, server, modelCalls } = await start();
    const post = (authorization?: string) =>
      fetch(server.apiUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-room-id': '8001',
          'x-user-id': 'alice',
          ...(authorization === undefined ? {} : { authorization }),
        },
        body: utterance,
      });
    expect((await post()).status).toBe(401);
    expect((await post(`Bearer ${local.config.adminToken}`)).status).toBe(401);
    expect((await post(`Bearer ${DEMO_APP_SECRET_KEY}`)).status).toBe(401);

    const started = await admin('POST', '/agents', { body: alice });
    const taskId = String(started.json.taskId);
    const key = (JSON.parse(local.trtc.tasks[0]?.llmConfig ?? '{}') as { APIKey: string }).APIKey;
    const answered = await post(`Bearer ${key}`);
    expect(answered.status).toBe(200);
    expect(answered.headers.get('content-type')).toContain('text/event-stream');
    await answered.text();
    expect(modelCalls()).toBe(1);

    await admin('DELETE', `/agents/${encodeURIComponent(taskId)}`);
    expect((await post(`Bearer ${key}`)).status).toBe(401);
    expect(modelCalls()).toBe(1);
  });

  it('serves only POST on its path, /healthz, and nothing else', async () => {
    const { server } = await start();
    expect((await fetch(server.apiUrl)).status).toBe(405);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/trtc/v1/models`)).status).toBe(404);
    expect((await fetch(`${server.url}/`, { method: 'POST' })).status).toBe(404);
  });
});
