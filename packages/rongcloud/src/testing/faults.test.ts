import { describe, expect, it } from 'vitest';
import { call, signedHeaders, startLocal } from './__fixtures__/server-api.ts';

const PRIVATE = '/message/private/publish.json';
const QUERY = '/v3/bot/query.json';
const hello = {
  fromUserId: 'bot',
  toUserId: 'alice',
  objectName: 'RC:TxtMsg',
  content: JSON.stringify({ content: 'hello' }),
};

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('local RongCloud faults and failover', () => {
  it('hostDown resets every connection to the primary while the backup serves the same store', async () => {
    const local = await startLocal();
    expect((await call(local, PRIVATE, hello)).body.code).toBe(200);
    local.hostDown('primary', true);
    const error = await failure(call(local, PRIVATE, hello));
    expect(error).toBeInstanceOf(TypeError);
    const backup = await call(local, PRIVATE, hello, { host: 'backup' });
    expect(backup.body.code).toBe(200);
    expect(local.conversation({ userId: 'alice', botUserId: 'bot' })).toHaveLength(2);
    expect(local.requests.map((request) => [request.host, request.reset, request.code])).toEqual([
      ['primary', false, 200],
      ['primary', true, 0],
      ['backup', false, 200],
    ]);
    local.hostDown('primary', false);
    expect((await call(local, PRIVATE, hello)).body.code).toBe(200);
  });

  it('hostDown also resets requests on a keep-alive connection opened before, and records them', async () => {
    const local = await startLocal();
    const request = () =>
      fetch(`${local.primaryUrl}${QUERY}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          connection: 'keep-alive',
          ...signedHeaders(),
        },
        body: '{}',
      });
    expect((await request()).status).toBe(200);
    local.hostDown('primary', true);
    await expect(request()).rejects.toThrow();
    local.hostDown('backup', true);
    await expect(call(local, QUERY, {}, { host: 'backup' })).rejects.toThrow();
    expect(local.requests.map((record) => [record.host, record.reset])).toEqual([
      ['primary', false],
      ['primary', true],
      ['backup', true],
    ]);
  });

  it('does not send an answer held by delayMs once the host is down', async () => {
    const local = await startLocal();
    local.failNext(PRIVATE, 200, 1, { after: 'store', delayMs: 500 });
    const held = call(local, PRIVATE, hello);
    // Wait until the call is stored and its answer held, then take the host down.
    while (local.messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    local.hostDown('primary', true);
    await expect(held).rejects.toThrow();
    expect(local.messages).toHaveLength(1);
  });

  it('fails one host only, with a gateway status or the code envelope, after the signature check', async () => {
    const local = await startLocal();
    local.failNext(PRIVATE, 1000, 1, { host: 'primary', httpStatus: 502 });
    local.failNext(PRIVATE, 1000, 1, { host: 'primary' });
    expect((await call(local, PRIVATE, hello, { secret: 'wrong' })).body.code).toBe(1004);
    expect((await call(local, PRIVATE, hello, { host: 'backup' })).body.code).toBe(200);
    const gateway = await fetch(`${local.primaryUrl}${PRIVATE}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...signedHeaders() },
      body: new URLSearchParams(hello),
    });
    expect(gateway.status).toBe(502);
    expect(await gateway.text()).toBe('injected HTTP 502');
    expect(await call(local, PRIVATE, hello)).toEqual({
      status: 500,
      body: { code: 1000, errorMessage: 'injected fault 1000' },
    });
    expect((await call(local, PRIVATE, hello)).body.code).toBe(200);
    expect(local.messages).toHaveLength(2);
    expect(
      local.requests.map((request) => [request.host, request.httpStatus, request.code]),
    ).toEqual([
      ['primary', 401, 1004],
      ['backup', 200, 200],
      ['primary', 502, 1000],
      ['primary', 500, 1000],
      ['primary', 200, 200],
    ]);
  });

  it('resets the connection before the store: nothing is stored', async () => {
    const local = await startLocal();
    local.failNext(PRIVATE, 200, 1, { reset: true });
    await expect(call(local, PRIVATE, hello)).rejects.toThrow();
    expect(local.messages).toEqual([]);
    expect(local.requests[0]).toMatchObject({ reset: true, httpStatus: 0, code: 200 });
  });

  it("after: 'store' with reset stores the message, then closes the connection without an answer", async () => {
    const local = await startLocal();
    local.failNext(PRIVATE, 200, 1, { after: 'store', reset: true });
    await expect(call(local, PRIVATE, hello)).rejects.toThrow();
    expect(local.messages).toHaveLength(1);
    expect(local.requests[0]).toMatchObject({ reset: true, code: 200 });
    // A retry that cannot tell the message exists stores it again: RongCloud has no dedupe key.
    expect((await call(local, PRIVATE, hello, { host: 'backup' })).body.code).toBe(200);
    expect(local.messages).toHaveLength(2);
  });

  it("after: 'store' with delayMs stores the chunk and answers too late for the caller's timeout", async () => {
    const local = await startLocal();
    local.failNext('/v3/message/private/publish_stream.json', 200, 1, {
      after: 'store',
      delayMs: 1_000,
    });
    const late = fetch(`${local.primaryUrl}/v3/message/private/publish_stream.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders() },
      body: JSON.stringify({
        fromUserId: 'bot',
        toUserId: 'alice',
        objectName: 'RC:StreamMsg',
        content: { content: 'Hi', seq: 1, complete: false },
      }),
      signal: AbortSignal.timeout(300),
    });
    const error = await failure(late);
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(local.messages[0]?.stream).toMatchObject({ text: 'Hi', chunkCount: 1 });
  });

  it("after: 'store' with an HTTP status stores the call and answers the gateway's error", async () => {
    const local = await startLocal();
    local.failNext('/v3/bot/create.json', 1000, 1, { after: 'store', httpStatus: 504 });
    const answer = await fetch(`${local.primaryUrl}/v3/bot/create.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders() },
      body: JSON.stringify({
        userId: 'bot',
        name: 'Bot',
        type: 'AI',
        profileUrl: 'https://example.com/a.png',
        integrations: [],
      }),
    });
    expect(answer.status).toBe(504);
    expect(local.bots.map((bot) => bot.userId)).toEqual(['bot']);
    expect(local.requests[0]).toMatchObject({ httpStatus: 504, code: 1000 });
    const retry = await call(
      local,
      '/v3/bot/create.json',
      JSON.parse(local.requests[0]?.body ?? '{}'),
    );
    expect(retry.body.errorMessage).toBe('bot bot already exists');
  });

  it('keeps an outage going for forMs, on every call within it', async () => {
    let clock = Date.now();
    const local = await startLocal({ now: () => clock });
    local.failNext(QUERY, 1000, undefined, { host: 'primary', httpStatus: 503, forMs: 3_000 });
    const statuses: number[] = [];
    for (let index = 0; index < 3; index += 1) statuses.push(await fetchStatus(local.primaryUrl));
    clock += 3_000;
    statuses.push(await fetchStatus(local.primaryUrl));
    expect(statuses).toEqual([503, 503, 503, 200]);
  });
});

async function fetchStatus(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}${QUERY}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders() },
    body: '{}',
  });
  await response.arrayBuffer();
  return response.status;
}
