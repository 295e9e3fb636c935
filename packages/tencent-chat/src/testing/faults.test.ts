import { APICallError } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createTencentChatClient } from '../client/client.ts';
import type { TencentChatClient } from '../client/types.ts';
import { createLocalTencentChat, type LocalTencentChat } from './local-tencent-chat.ts';

const SDK_APP_ID = 1400000000;
const SECRET_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const ROBOT = '@RBT#001';
const SEND = 'openim/sendmsg';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A local Tencent Chat with alice and a robot, and a client that makes one attempt per call. */
async function start(): Promise<{ local: LocalTencentChat; client: TencentChatClient }> {
  const local = await createLocalTencentChat({ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY });
  cleanups.push(() => local.close());
  const client = createTencentChatClient({
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET_KEY,
    adminUserId: local.adminUserId,
    baseUrl: local.baseUrl,
    timeoutMs: 300,
    retry: false,
  });
  local.importAccount('alice');
  await client.createRobot({ robotId: ROBOT });
  return { local, client };
}

const hello = {
  fromUserId: ROBOT,
  toUserId: 'alice',
  elements: [{ type: 'text' as const, text: 'hello' }],
  sequence: 4_294_966_500,
  random: 77,
};

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('local Tencent Chat faults (failNext options)', () => {
  it("after: 'store' with reset stores the call, then closes the connection without an answer", async () => {
    const { local, client } = await start();
    local.failNext(SEND, 0, 1, { after: 'store', reset: true });
    const error = await failure(client.sendC2CMessage(hello));
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(local.messages).toHaveLength(1);
    // The same keys and body again: Tencent's dedupe answers with the stored message.
    const repeated = await client.sendC2CMessage(hello);
    expect(repeated.msgKey).toBe(local.messages[0]?.msgKey);
    expect(local.messages).toHaveLength(1);
    expect(local.requests.filter((request) => request.api === SEND)).toHaveLength(2);
  });

  it("after: 'store' with delayMs stores the call and answers too late for the client's timeout", async () => {
    const { local, client } = await start();
    local.failNext(SEND, 0, 1, { after: 'store', delayMs: 600 });
    const error = await failure(client.sendC2CMessage(hello));
    expect(error).toMatchObject({ kind: 'timeout', timeoutMs: 300 });
    expect(local.messages).toHaveLength(1);
  });

  it("after: 'store' with an HTTP status stores the call and answers the gateway's error", async () => {
    const { local, client } = await start();
    local.failNext(SEND, 502, 1, { after: 'store', httpStatus: 502 });
    const error = await failure(client.sendC2CMessage(hello));
    expect(error).toMatchObject({ kind: 'server', statusCode: 502 });
    expect(local.messages).toHaveLength(1);
    expect(local.requests.at(-1)?.errorCode).toBe(502);
  });

  it('strikes before the call is processed by default: a reset or an error code stores nothing', async () => {
    const { local, client } = await start();
    local.failNext(SEND, 0, 1, { reset: true });
    local.failNext(SEND, 91000, 1);
    expect(await failure(client.sendC2CMessage(hello))).toMatchObject({ kind: 'network' });
    expect(await failure(client.sendC2CMessage(hello))).toMatchObject({ providerCode: 91000 });
    expect(local.messages).toHaveLength(0);
    await client.sendC2CMessage(hello);
    expect(local.messages).toHaveLength(1);
  });

  it('forMs makes every call fail for that long (an outage), then calls pass again', async () => {
    const { local, client } = await start();
    local.failNext(SEND, 502, undefined, { httpStatus: 502, forMs: 200 });
    const codes: string[] = [];
    const started = Date.now();
    while (Date.now() - started < 150) {
      const error = await failure(client.sendC2CMessage({ ...hello, random: codes.length }));
      codes.push(String((error as APICallError).statusCode));
    }
    expect(codes.length).toBeGreaterThan(1);
    expect(new Set(codes)).toEqual(new Set(['502']));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await client.sendC2CMessage(hello);
    expect(local.messages).toHaveLength(1);
  });
});

describe('local Tencent Chat: repeated native stream calls (emulator assumption)', () => {
  const streamStart = {
    fromUserId: ROBOT,
    toUserId: 'alice',
    compatibleText: 'Hel',
    chunks: [{ index: 1, markdown: 'Hel', isLast: false }],
    sequence: 4_294_966_600,
    random: 5,
  };

  it('answers a repeated first call with the stream it started, storing one message', async () => {
    const { local, client } = await start();
    local.failNext('stream_msg/send_c2c_stream_msg', 0, 1, { after: 'store', reset: true });
    await failure(client.sendC2CStreamMessage(streamStart));
    const repeated = await client.sendC2CStreamMessage(streamStart);
    expect(local.messages).toHaveLength(1);
    expect(repeated.streamMessageId).toBe(local.messages[0]?.stream?.streamMessageId);
    // Other keys are another message.
    await client.sendC2CStreamMessage({ ...streamStart, random: 6 });
    expect(local.messages).toHaveLength(2);
  });

  it('takes a repeated chunk as received, even the IsLast that ended the stream; other content under a used Index is 10004', async () => {
    const { local, client } = await start();
    const { streamMessageId } = await client.sendC2CStreamMessage(streamStart);
    const next = { ...streamStart, streamMessageId };
    const lo = { ...next, chunks: [{ index: 2, markdown: 'lo', isLast: false }] };
    await client.sendC2CStreamMessage(lo);
    await client.sendC2CStreamMessage(lo);
    expect(local.messages[0]?.versions).toHaveLength(2);
    const changed = await failure(
      client.sendC2CStreamMessage({
        ...next,
        chunks: [{ index: 2, markdown: 'p', isLast: false }],
      }),
    );
    expect(changed).toMatchObject({ providerCode: 10004 });
    // A repeat followed by a new chunk in one call: the new chunk is appended.
    await client.sendC2CStreamMessage({
      ...next,
      chunks: [
        { index: 2, markdown: 'lo', isLast: false },
        { index: 3, markdown: '!', isLast: true },
      ],
    });
    const last = { ...next, chunks: [{ index: 3, markdown: '!', isLast: true }] };
    await client.sendC2CStreamMessage(last);
    const [message] = local.messages;
    expect(message?.stream?.ended).toBe(true);
    expect(message?.versions).toHaveLength(3);
    const chunks = message?.elements[0]?.type === 'stream' ? message.elements[0].chunks : [];
    expect(chunks.map((chunk) => chunk.markdown).join('')).toBe('Hello!');
    // A new chunk after the end is still refused.
    const after = await failure(
      client.sendC2CStreamMessage({
        ...next,
        chunks: [{ index: 4, markdown: '?', isLast: false }],
      }),
    );
    expect(after).toMatchObject({ providerCode: 20023 });
  });
});
