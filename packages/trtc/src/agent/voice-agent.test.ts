import { request as httpRequest } from 'node:http';
import { verifyUserSig } from '@imbridge/tencent-chat/user-sig';
import { decodeJwt, SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AgentHarness,
  APP_SECRET_KEY,
  llmConfigOf,
  postUtterance,
  SDK_APP_ID,
  startAgentHarness,
  streamedText,
  trtcHeaders,
} from './__fixtures__/agent-harness.ts';
import { deriveSessionKey, SESSION_TOKEN_ISSUER } from './session-token.ts';

const opened: AgentHarness[] = [];
async function harness(...args: Parameters<typeof startAgentHarness>): Promise<AgentHarness> {
  const started = await startAgentHarness(...args);
  opened.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((started) => started.close()));
});

function rejections(h: AgentHarness) {
  return h.logger.entries.filter((entry) => entry.event === 'webhook-rejected');
}

async function startAlice(h: AgentHarness, sessionId = 'session-alice') {
  const session = await h.agent.start({ roomId: 1234, targetUserId: 'alice', sessionId });
  if (session.taskId === undefined) throw new Error('no task');
  const key = llmConfigOf(h.local, session.taskId).APIKey as string;
  return { session, key, taskId: session.taskId };
}

describe('createVoiceAgent: start', () => {
  it('starts a task whose LLMConfig points at the endpoint with a session key, and whose agent has a valid UserSig', async () => {
    const h = await harness({ llm: { systemPrompt: 'Be brief.', timeoutSeconds: 5 } });
    const before = Date.now();
    const { session, key, taskId } = await startAlice(h);
    expect(session).toMatchObject({
      status: 'started',
      taskId,
      sessionId: 'session-alice',
      agentUserId: 'imbridge-voice-agent',
    });
    expect(session.expiresAtMs).toBeGreaterThanOrEqual(before + 7_200_000);
    expect(session.expiresAtMs).toBeLessThanOrEqual(Date.now() + 7_200_000);

    const config = llmConfigOf(h.local, taskId);
    expect(config).toMatchObject({
      LLMType: 'openai',
      Model: 'recording-1',
      APIUrl: h.endpointUrl,
      Streaming: true,
      History: 0,
      SystemPrompt: 'Be brief.',
      Timeout: 5,
    });
    expect(decodeJwt(key)).toMatchObject({
      iss: SESSION_TOKEN_ISSUER,
      aud: h.endpointUrl,
      sub: 'alice',
      sid: 'session-alice',
      room: '1234',
      rt: 0,
      app: SDK_APP_ID,
      bot: 'imbridge-voice-agent',
      exp: Math.floor(session.expiresAtMs / 1000),
    });
    const task = h.local.tasks[0];
    expect(task).toMatchObject({ roomId: '1234', roomIdType: 0, targetUserId: 'alice' });
    const started = JSON.parse(h.local.requests[0]?.bodyText ?? '{}') as {
      AgentConfig: { UserSig: string; UserId: string };
    };
    const sig = await verifyUserSig({
      userSig: started.AgentConfig.UserSig,
      sdkAppId: SDK_APP_ID,
      secretKey: APP_SECRET_KEY,
      userId: 'imbridge-voice-agent',
    });
    expect(sig.valid).toBe(true);
  });

  it('starts a string room as type 1, and a repeated session as already-running with its task', async () => {
    const h = await harness();
    const first = await h.agent.start({
      roomId: 'room-a',
      targetUserId: 'bob',
      sessionId: 's-1',
      agentUserId: 'agent_7',
      welcomeMessage: 'Hello Bob',
    });
    expect(first.status).toBe('started');
    expect(h.local.tasks[0]).toMatchObject({
      roomId: 'room-a',
      roomIdType: 1,
      botUserId: 'agent_7',
    });
    const startBody = JSON.parse(h.local.requests[0]?.bodyText ?? '{}') as {
      AgentConfig: { WelcomeMessage?: string };
    };
    expect(startBody.AgentConfig.WelcomeMessage).toBe('Hello Bob');
    const again = await h.agent.start({ roomId: 'room-a', targetUserId: 'bob', sessionId: 's-1' });
    expect(again).toMatchObject({
      status: 'already-running',
      taskId: first.taskId,
      sessionId: 's-1',
    });
    expect(h.local.tasks).toHaveLength(1);
  });
});

describe('createVoiceAgent: the endpoint', () => {
  it('answers a request with the session key and matching headers, and keeps the conversation per session', async () => {
    const h = await harness();
    const { key, taskId } = await startAlice(h);
    // A new X-Request-Id per turn, as TRTC sends.
    const headers = () => trtcHeaders(key, { roomId: '1234', userId: 'alice', taskId });
    const first = await postUtterance(h.endpointUrl, headers(), 'hello');
    expect(first.status).toBe(200);
    expect(streamedText(first.body)).toBe('You said: hello');
    const second = await postUtterance(h.endpointUrl, headers(), 'and again');
    expect(streamedText(second.body)).toBe('You said: and again');

    expect(h.model.calls).toHaveLength(2);
    expect(h.model.calls[0]?.request.metadata).toMatchObject({
      sessionId: 'session-alice',
      roomId: '1234',
      taskId,
    });
    expect(h.model.calls[0]?.request.user).toBe('alice');
    expect(h.model.calls[1]?.request.messages).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'You said: hello' },
      { role: 'user', content: 'and again' },
    ]);

    // Another session in another room starts with an empty conversation.
    const other = await h.agent.start({ roomId: 99, targetUserId: 'carol', sessionId: 'other' });
    const otherKey = llmConfigOf(h.local, other.taskId ?? '').APIKey as string;
    await postUtterance(
      h.endpointUrl,
      trtcHeaders(otherKey, { roomId: '99', userId: 'carol' }),
      'hi',
    );
    expect(h.model.calls[2]?.request.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('refuses forged, foreign-endpoint, algorithm-none and expired keys with 401 and a logged reason, never calling the model', async () => {
    const h = await harness();
    const { key } = await startAlice(h);
    const claims = decodeJwt(key);
    const fields = { roomId: '1234', userId: 'alice' };
    const sign = async (secret: string, changes: Record<string, unknown> = {}) =>
      new SignJWT({ ...claims, ...changes })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(await deriveSessionKey(secret));

    const forged = await sign('someone-else-secret');
    const foreign = await sign(APP_SECRET_KEY, {
      aud: 'https://elsewhere.example/chat/completions',
    });
    const expired = await sign(APP_SECRET_KEY, { exp: Math.floor(Date.now() / 1000) - 60 });
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${key.split('.')[1]}.`;
    const cases: [string, string][] = [
      [forged, 'not signed by this agent'],
      [foreign, 'minted for another endpoint'],
      [expired, 'has expired'],
      [none, 'not a session key'],
      ['sk-not-a-jwt', 'not a session key'],
    ];
    for (const [token, reason] of cases) {
      const answer = await postUtterance(h.endpointUrl, trtcHeaders(token, fields), 'hi');
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'invalid_api_key' } });
      expect(rejections(h).at(-1)?.error?.message).toContain(reason);
    }
    const bare = await postUtterance(h.endpointUrl, { 'content-type': 'application/json' }, 'hi');
    expect(bare.status).toBe(401);
    expect(h.model.calls).toHaveLength(0);
    expect(JSON.stringify(h.logger.entries)).not.toContain(key.split('.')[2]);
  });

  it('refuses a valid key presented for another room, room type, app or user', async () => {
    const h = await harness();
    const { key } = await startAlice(h);
    const cases: [Record<string, string>, string][] = [
      [trtcHeaders(key, { roomId: '1235', userId: 'alice' }), 'X-Room-Id'],
      [trtcHeaders(key, { roomId: '1234', roomIdType: '1', userId: 'alice' }), 'X-Room-Id-Type'],
      [
        { ...trtcHeaders(key, { roomId: '1234', userId: 'alice' }), 'x-sdk-app-id': '1' },
        'X-Sdk-App-Id',
      ],
      [trtcHeaders(key, { roomId: '1234', userId: 'mallory' }), 'X-User-Id'],
    ];
    for (const [headers, reason] of cases) {
      expect((await postUtterance(h.endpointUrl, headers, 'hi')).status).toBe(401);
      expect(rejections(h).at(-1)?.error?.message).toContain(reason);
    }
    const { 'x-room-id': _dropped, ...withoutRoom } = trtcHeaders(key, {
      roomId: '1234',
      userId: 'alice',
    });
    expect((await postUtterance(h.endpointUrl, withoutRoom, 'hi')).status).toBe(401);
    // The agent's own id is accepted too: TRTC's docs do not say which user it names.
    const asAgent = trtcHeaders(key, { roomId: '1234', userId: 'imbridge-voice-agent' });
    expect((await postUtterance(h.endpointUrl, asAgent, 'hi')).status).toBe(200);
    expect(h.model.calls).toHaveLength(1);
  });

  it('aborts the model when TRTC drops the connection, and keeps the cut-off turn in the conversation', async () => {
    const h = await harness({}, { hang: (text) => text.startsWith('long') });
    const { key } = await startAlice(h);
    const url = new URL(h.endpointUrl);
    const outgoing = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: trtcHeaders(key, { roomId: '1234', userId: 'alice' }),
    });
    outgoing.on('error', () => {});
    outgoing.end(
      JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'long one' }] }),
    );
    const firstText = await new Promise<string>((resolve) => {
      outgoing.on('response', (incoming) => {
        let received = '';
        incoming.on('data', (chunk: Buffer) => {
          received += String(chunk);
          if (received.includes('You said: ')) resolve(received);
        });
      });
    });
    expect(streamedText(firstText)).toBe('You said: ');
    outgoing.destroy();
    const call = h.model.calls[0];
    await call?.ended;
    expect(call?.aborted).toBe(true);
    // The next turn sees what was asked and the part that was said.
    const next = await postUtterance(
      h.endpointUrl,
      trtcHeaders(key, { roomId: '1234', userId: 'alice' }),
      'sorry',
    );
    expect(streamedText(next.body)).toBe('You said: sorry');
    expect(h.model.calls[1]?.request.messages).toEqual([
      { role: 'user', content: 'long one' },
      { role: 'assistant', content: 'You said: ' },
      { role: 'user', content: 'sorry' },
    ]);
  });
});

describe('createVoiceAgent: TRTC retrying a turn', () => {
  it('counts a turn retried with the same X-Request-Id once in the conversation', async () => {
    let hangs = 1;
    const h = await harness({}, { hang: () => hangs-- > 0 });
    const { key } = await startAlice(h);
    const headers = {
      ...trtcHeaders(key, { roomId: '1234', userId: 'alice' }),
      'x-request-id': 'r-1',
    };
    // The first attempt is cut off (TRTC timed out), the retry answers.
    const cut = new AbortController();
    const first = fetch(h.endpointUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      signal: cut.signal,
    }).then((response) => response.text());
    while (h.model.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    cut.abort();
    await first.catch(() => undefined);
    await h.model.calls[0]?.ended;
    expect(streamedText((await postUtterance(h.endpointUrl, headers, 'hi')).body)).toBe(
      'You said: hi',
    );
    // The retry does not see its own first attempt.
    expect(h.model.calls[1]?.request.messages).toEqual([{ role: 'user', content: 'hi' }]);
    await postUtterance(h.endpointUrl, { ...headers, 'x-request-id': 'r-2' }, 'next');
    expect(h.model.calls[2]?.request.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'You said: hi' },
      { role: 'user', content: 'next' },
    ]);
  });
});

describe('createVoiceAgent: stop, describe, say', () => {
  it('stops the task and from then on refuses the session key; a second stop is not-running', async () => {
    const h = await harness();
    const { key, taskId } = await startAlice(h);
    const headers = trtcHeaders(key, { roomId: '1234', userId: 'alice' });
    expect((await postUtterance(h.endpointUrl, headers, 'hi')).status).toBe(200);
    expect(await h.agent.describe({ taskId })).toMatchObject({
      taskId,
      status: 'in-progress',
      sessionId: 'session-alice',
    });
    expect(await h.agent.describe({ sessionId: 'session-alice' })).toMatchObject({ taskId });

    const stopped = await h.agent.stop({ taskId });
    expect(stopped).toMatchObject({ status: 'stopped', sessionId: 'session-alice' });
    expect(h.local.tasks[0]?.status).toBe('Stopped');
    const refused = await postUtterance(h.endpointUrl, headers, 'still there?');
    expect(refused.status).toBe(401);
    expect(rejections(h).at(-1)?.error?.message).toContain('the session was stopped');
    expect(h.model.calls).toHaveLength(1);

    expect(await h.agent.stop({ sessionId: 'session-alice' })).toMatchObject({
      status: 'not-running',
      sessionId: 'session-alice',
    });
  });

  it('refuses the key even when TRTC had already ended the task', async () => {
    const h = await harness();
    const { key, taskId } = await startAlice(h);
    await h.trtc.stopAIConversation({ taskId });
    expect(await h.agent.stop({ taskId })).toMatchObject({ status: 'not-running' });
    const headers = trtcHeaders(key, { roomId: '1234', userId: 'alice' });
    expect((await postUtterance(h.endpointUrl, headers, 'hi')).status).toBe(401);
  });

  it('says a text through ServerPushText and adds it to the conversation', async () => {
    const h = await harness();
    const { key, taskId } = await startAlice(h);
    await h.agent.say({ taskId, text: 'One moment please.', interrupt: true });
    const control = h.local.requests.find((request) => request.action === 'ControlAIConversation');
    expect(JSON.parse(control?.bodyText ?? '{}')).toEqual({
      TaskId: taskId,
      Command: 'ServerPushText',
      ServerPushText: { Text: 'One moment please.', Interrupt: true },
    });
    await postUtterance(h.endpointUrl, trtcHeaders(key, { roomId: '1234', userId: 'alice' }), 'ok');
    expect(h.model.calls[0]?.request.messages).toEqual([
      { role: 'assistant', content: 'One moment please.' },
      { role: 'user', content: 'ok' },
    ]);
    await h.agent.say({ taskId, text: 'Not kept.', addHistory: false });
    await postUtterance(h.endpointUrl, trtcHeaders(key, { roomId: '1234', userId: 'alice' }), 'k');
    expect(h.model.calls[1]?.request.messages.map((message) => message.content)).toEqual([
      'One moment please.',
      'ok',
      'You said: ok',
      'k',
    ]);
  });
});
