import { APICallError, ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type LoopbackHandler,
  type LoopbackServer,
  ok,
  startLoopback,
} from './__fixtures__/loopback.ts';
import { createRongCloudClient } from './client.ts';
import { RONGCLOUD_MAX_STREAM_BODY_BYTES } from './streams.ts';

const APP_KEY = 'c9kqb3rdkbb8j';
const APP_SECRET = 'Y1W2MeFwwwRxa0';
const FORM = 'application/x-www-form-urlencoded;charset=utf-8';

const servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setup(handler: LoopbackHandler = (_request, response) => ok(response)) {
  const server = await startLoopback({ appKey: APP_KEY, appSecret: APP_SECRET }, handler);
  servers.push(server);
  const api = createRongCloudClient({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    baseUrl: server.url,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
  });
  return { server, api };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the call did not fail');
}

describe('users', () => {
  it('registers a user with a form body on /user/getToken.json', async () => {
    const { server, api } = await setup((_request, response) =>
      ok(response, { userId: 'jlk456j5', token: 'tok' }),
    );
    const result = await api.registerUser({
      userId: 'jlk456j5',
      name: 'Ironman',
      portraitUri: 'http://abc.com/myportrait.jpg',
    });
    expect(result).toEqual({ userId: 'jlk456j5', token: 'tok' });
    const [request] = server.requests;
    expect(request?.url).toBe('/user/getToken.json');
    expect(request?.headers['content-type']).toBe(FORM);
    // The body of RongCloud's "integrate the Server API" quick start.
    expect(request?.body).toBe(
      'userId=jlk456j5&name=Ironman&portraitUri=http%3A%2F%2Fabc.com%2Fmyportrait.jpg',
    );
  });

  it('counts userId and name limits in UTF-8 bytes', async () => {
    const { server, api } = await setup();
    // 22 three-byte characters = 66 bytes.
    await expect(api.registerUser({ userId: '用'.repeat(22), name: 'x' })).rejects.toThrow(
      'RongCloud registerUser: userId: must be at most 64 bytes of UTF-8',
    );
    await expect(api.registerUser({ userId: 'u', name: '名'.repeat(43) })).rejects.toThrow(
      'name: must be at most 128 bytes',
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('messages', () => {
  it('publishes a private text message: repeated toUserId and JSON-encoded content in a form', async () => {
    const { server, api } = await setup((_request, response) =>
      ok(response, {
        messageUIDs: [
          { userId: 'alice', messageUID: 'UID-A' },
          { userId: 'bob', messageUID: 'UID-B' },
        ],
      }),
    );
    const result = await api.publishPrivateMessage({
      fromUserId: 'assistant',
      toUserId: ['alice', 'bob'],
      objectName: 'RC:TxtMsg',
      content: { content: 'Hello & 你好', extra: '', user: { id: 'assistant', name: 'Bot' } },
      pushContent: 'New message',
      persisted: true,
      includeSender: false,
      disablePush: false,
    });
    expect(result).toEqual({
      messageUids: [
        { userId: 'alice', messageUid: 'UID-A' },
        { userId: 'bob', messageUid: 'UID-B' },
      ],
    });
    const [request] = server.requests;
    expect(request?.url).toBe('/message/private/publish.json');
    expect(request?.headers['content-type']).toBe(FORM);
    expect(request?.signatureValid).toBe(true);
    expect(request?.body).toBe(
      'fromUserId=assistant&toUserId=alice&toUserId=bob&objectName=RC%3ATxtMsg' +
        '&content=%7B%22content%22%3A%22Hello+%26+%E4%BD%A0%E5%A5%BD%22%2C%22extra%22%3A%22%22%2C%22user%22%3A%7B%22id%22%3A%22assistant%22%2C%22name%22%3A%22Bot%22%7D%7D' +
        '&pushContent=New+message&isPersisted=1&isIncludeSender=0&disablePush=false',
    );
    const form = new URLSearchParams(request?.body);
    expect(form.getAll('toUserId')).toEqual(['alice', 'bob']);
    expect(JSON.parse(form.get('content') ?? '')).toEqual({
      content: 'Hello & 你好',
      extra: '',
      user: { id: 'assistant', name: 'Bot' },
    });
  });

  it('publishes custom object names with their content as given', async () => {
    const { server, api } = await setup((_request, response) => ok(response, { messageUID: 'U1' }));
    const result = await api.publishPrivateMessage({
      fromUserId: 'assistant',
      toUserId: 'alice',
      objectName: 'App:Card',
      content: { title: 'Order', items: [1, 2], nested: { ok: true } },
      extraContent: { state: 'open' },
      expansion: true,
    });
    expect(result).toEqual({ messageUid: 'U1', messageUids: [] });
    const form = new URLSearchParams(server.requests[0]?.body);
    expect(form.get('objectName')).toBe('App:Card');
    expect(form.get('content')).toBe('{"title":"Order","items":[1,2],"nested":{"ok":true}}');
    expect(form.get('extraContent')).toBe('{"state":"open"}');
    expect(form.get('expansion')).toBe('true');
  });

  it('publishes a group message with mentions (isMentioned set, mentions in wire form)', async () => {
    const { server, api } = await setup();
    await api.publishGroupMessage({
      fromUserId: 'assistant',
      toGroupId: ['g1', 'g2'],
      objectName: 'RC:TxtMsg',
      content: {
        content: '@alice done',
        mentionedInfo: {
          type: 'users',
          userIds: ['alice'],
          mentionedContent: 'You were mentioned',
        },
      },
    });
    const [request] = server.requests;
    expect(request?.url).toBe('/message/group/publish.json');
    const form = new URLSearchParams(request?.body);
    expect(form.getAll('toGroupId')).toEqual(['g1', 'g2']);
    expect(form.get('isMentioned')).toBe('1');
    expect(JSON.parse(form.get('content') ?? '')).toEqual({
      content: '@alice done',
      mentionedInfo: { type: 2, userIdList: ['alice'], mentionedContent: 'You were mentioned' },
    });
  });

  it('recalls a message with a form body', async () => {
    const { server, api } = await setup();
    await api.recallMessage({
      fromUserId: 'assistant',
      targetId: 'g1',
      conversationType: 'group',
      messageUid: 'BUGK-8D7M-N2O4-4I5N',
      sentTimeMs: 1_700_000_000_123,
      asAdmin: true,
    });
    expect(server.requests[0]?.url).toBe('/message/recall.json');
    expect(server.requests[0]?.body).toBe(
      'fromUserId=assistant&targetId=g1&messageUID=BUGK-8D7M-N2O4-4I5N&sentTime=1700000000123&conversationType=3&isAdmin=1',
    );
  });

  it.each([
    ['no receiver', { toUserId: [] }, 'toUserId: Too small'],
    [
      '1001 receivers',
      { toUserId: Array.from({ length: 1001 }, (_, index) => `u${index}`) },
      'toUserId',
    ],
    ['text content without text', { content: { extra: 'x' } }, 'content.content'],
    [
      'users mentions without userIds',
      { content: { content: 'x', mentionedInfo: { type: 'users' } } },
      "content.mentionedInfo.userIds: must list userIds when type is 'users'",
    ],
  ])('rejects %s before sending', async (_label, change, message) => {
    const { server, api } = await setup();
    const error = await caught(
      api.publishPrivateMessage({
        fromUserId: 'assistant',
        toUserId: 'alice',
        objectName: 'RC:TxtMsg',
        content: { content: 'hi' },
        ...change,
      } as Parameters<typeof api.publishPrivateMessage>[0]),
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('RongCloud publishPrivateMessage: ');
    expect((error as Error).message).toContain(message);
    expect(server.requests).toHaveLength(0);
  });

  it('rejects more than 3 groups and content that is not a JSON object', async () => {
    const { server, api } = await setup();
    await expect(
      api.publishGroupMessage({
        fromUserId: 'a',
        toGroupId: ['g1', 'g2', 'g3', 'g4'],
        objectName: 'RC:TxtMsg',
        content: { content: 'x' },
      }),
    ).rejects.toThrow('toGroupId: must be an id or an array of 1 to 3 ids');
    await expect(
      api.publishGroupMessage({
        fromUserId: 'a',
        toGroupId: 'g1',
        objectName: 'App:Raw',
        content: 'text' as unknown as Record<string, unknown>,
      }),
    ).rejects.toThrow('content: must be a JSON object');
    expect(server.requests).toHaveLength(0);
  });
});

describe('stream messages', () => {
  it('sends RC:StreamMsg chunks as JSON, carrying the first answer’s messageUID on every later chunk', async () => {
    const { server, api } = await setup((request, response) => {
      const body = JSON.parse(request.body) as { content: { seq: number } };
      ok(response, body.content.seq === 1 ? { messageUID: 'STREAM-1' } : {});
    });
    const first = await api.publishPrivateStreamMessage({
      fromUserId: 'assistant',
      toUserId: 'alice',
      content: 'Hel',
      seq: 1,
      complete: false,
      type: 'markdown',
      counted: true,
      disableUpdateLastMessage: true,
    });
    expect(first).toEqual({ messageUid: 'STREAM-1' });
    const last = await api.publishPrivateStreamMessage({
      fromUserId: 'assistant',
      toUserId: 'alice',
      content: 'lo!',
      seq: 2,
      complete: true,
      messageUid: first.messageUid,
    });
    expect(last).toEqual({ messageUid: 'STREAM-1' });
    expect(
      server.requests.map((request) => [
        request.url,
        request.headers['content-type'],
        request.body,
      ]),
    ).toEqual([
      [
        '/v3/message/private/publish_stream.json',
        'application/json',
        '{"fromUserId":"assistant","toUserId":"alice","objectName":"RC:StreamMsg","content":{"content":"Hel","seq":1,"complete":false,"type":"markdown"},"isCounted":1,"disableUpdateLastMsg":true}',
      ],
      [
        '/v3/message/private/publish_stream.json',
        'application/json',
        '{"fromUserId":"assistant","toUserId":"alice","objectName":"RC:StreamMsg","content":{"content":"lo!","seq":2,"complete":true,"messageUID":"STREAM-1"}}',
      ],
    ]);
  });

  it('sends group chunks to the group path with toGroupId', async () => {
    const { server, api } = await setup((_request, response) =>
      ok(response, { messageUID: 'G-1' }),
    );
    await api.publishGroupStreamMessage({
      fromUserId: 'assistant',
      toGroupId: 'g1',
      content: 'x',
      seq: 1,
      complete: true,
    });
    expect(server.requests[0]?.url).toBe('/v3/message/group/publish_stream.json');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({ toGroupId: 'g1' });
  });

  it('rejects a later chunk without messageUid, and a body over 128 KB, before sending', async () => {
    const { server, api } = await setup();
    const base = { fromUserId: 'assistant', toUserId: 'alice', complete: false };
    await expect(
      api.publishPrivateStreamMessage({ ...base, content: 'x', seq: 2 }),
    ).rejects.toThrow('messageUid: must be the messageUid returned by the first chunk');
    await expect(
      api.publishPrivateStreamMessage({ ...base, content: 'x', seq: 0 }),
    ).rejects.toThrow(ValidationError);
    const error = await caught(
      api.publishPrivateStreamMessage({
        ...base,
        content: 'x'.repeat(RONGCLOUD_MAX_STREAM_BODY_BYTES),
        seq: 1,
      }),
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /the body is \d+ bytes, over RongCloud's 131072 bytes/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('accepts a body of exactly 128 KB', async () => {
    const { server, api } = await setup((_request, response) => ok(response, { messageUID: 'U' }));
    const base = { fromUserId: 'assistant', toUserId: 'alice', seq: 1, complete: true };
    const overhead = JSON.stringify({
      fromUserId: 'assistant',
      toUserId: 'alice',
      objectName: 'RC:StreamMsg',
      content: { content: '', seq: 1, complete: true },
    }).length;
    await api.publishPrivateStreamMessage({
      ...base,
      content: 'y'.repeat(RONGCLOUD_MAX_STREAM_BODY_BYTES - overhead),
    });
    expect(Buffer.byteLength(server.requests[0]?.body ?? '')).toBe(RONGCLOUD_MAX_STREAM_BODY_BYTES);
  });

  it('reports a first chunk answered without messageUID as a server error', async () => {
    const { api } = await setup();
    const error = await caught(
      api.publishPrivateStreamMessage({
        fromUserId: 'assistant',
        toUserId: 'alice',
        content: 'x',
        seq: 1,
        complete: false,
      }),
    );
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'server', retryable: false });
    expect((error as Error).message).toContain(
      'publishPrivateStreamMessage answered with an unexpected body',
    );
  });
});
