/**
 * zod (most of the package's import time) loads only with the first call that validates: a
 * webhook body, or a client method's input. These tests load each module afresh and count the
 * times zod is loaded, so any static path to it from the entry, signing or request building
 * breaks them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  FIXTURE_APP_SECRET,
  FIXTURE_NOW_MS,
  privateTextMessage,
  signedQuery,
  webhookRequest,
} from './webhooks/__fixtures__/webhooks.ts';

const APP_KEY = 'c9kqb3rdkbb8j';

let zodLoads = 0;

beforeEach(() => {
  vi.resetModules();
  zodLoads = 0;
  vi.doMock('zod', async (importOriginal) => {
    zodLoads += 1;
    return importOriginal();
  });
});

afterEach(() => {
  vi.doUnmock('zod');
  vi.resetModules();
});

/** A `fetch` that answers every call with RongCloud's success envelope plus `answer`. */
function answering(answer: Record<string, unknown>) {
  const requests: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    requests.push(new Request(input, init));
    return Response.json({ code: 200, ...answer });
  };
  return { fetch, requests };
}

const parseOptions = { appSecret: FIXTURE_APP_SECRET, nowMs: FIXTURE_NOW_MS };

describe('modules off the validating paths', () => {
  it('counts the load of a module that holds schemas (the check works)', async () => {
    await import('./client/message-schemas.ts');
    await import('./client/bot-schemas.ts');
    await import('./webhooks/wire-schemas.ts');
    expect(zodLoads).toBe(1);
  });

  it('imports the package entry without zod', async () => {
    const entry = await import('./index.ts');
    expect(typeof entry.createRongCloudAdapter).toBe('function');
    expect(entry.RONGCLOUD_MAX_STREAM_BODY_BYTES).toBe(128 * 1024);
    expect(zodLoads).toBe(0);
  });

  it('signs requests without zod', async () => {
    const { rongCloudSignature, signRongCloudRequest } = await import('./index.ts');
    const signed = signRongCloudRequest({ appKey: APP_KEY, appSecret: FIXTURE_APP_SECRET });
    expect(signed.headers.Signature).toBe(
      rongCloudSignature(FIXTURE_APP_SECRET, signed.nonce, signed.timestamp),
    );
    expect(zodLoads).toBe(0);
  });

  it('builds, signs and sends a raw call without zod', async () => {
    const { createRongCloudClient } = await import('./index.ts');
    const { fetch, requests } = answering({ token: 't' });
    const client = createRongCloudClient({
      appKey: APP_KEY,
      appSecret: FIXTURE_APP_SECRET,
      baseUrl: 'https://rongcloud.example',
      fetch,
    });
    const body = await client.call('user/getToken.json', { userId: 'alice', name: 'Alice' });
    expect(body).toMatchObject({ token: 't' });
    expect(requests[0]?.headers.get('App-Key')).toBe(APP_KEY);
    expect(await requests[0]?.text()).toBe('userId=alice&name=Alice');
    expect(zodLoads).toBe(0);
  });

  it('rejects a forged webhook, and answers it, without zod', async () => {
    const { parseRongCloudWebhook, webhookRejection, verifyRongCloudWebhookSignature } =
      await import('./index.ts');
    const forged = webhookRequest({
      body: privateTextMessage,
      query: signedQuery({ appSecret: 'another secret' }),
    });
    const error = await parseRongCloudWebhook(forged, parseOptions).catch((caught) => caught);
    expect(error).toMatchObject({ name: 'SignatureVerificationError', reason: 'mismatch' });
    expect(webhookRejection(error).status).toBe(401);
    await expect(
      verifyRongCloudWebhookSignature(new URLSearchParams(signedQuery()), parseOptions),
    ).resolves.toBeUndefined();
    expect(zodLoads).toBe(0);
  });

  it('creates an adapter, refuses a forged webhook and reads a reply snapshot without zod', async () => {
    const { createRongCloudAdapter } = await import('./index.ts');
    const { fetch } = answering({});
    const adapter = createRongCloudAdapter({
      appKey: APP_KEY,
      appSecret: FIXTURE_APP_SECRET,
      baseUrl: 'https://rongcloud.example',
      fetch,
      logger: false,
    });
    const forged = webhookRequest({
      body: privateTextMessage,
      query: signedQuery({ appSecret: 'another secret' }),
    });
    const received = await adapter.receive(forged);
    expect(received.response.status).toBe(401);
    expect(received.events).toEqual([]);
    const target = {
      conversationId: 'private:user_alice',
      type: 'direct' as const,
      userId: 'user_alice',
      botId: 'bot-test004',
    };
    await expect(adapter.resumeReply?.(target, { v: 2 })).rejects.toMatchObject({
      code: 'invalid-snapshot',
    });
    expect(zodLoads).toBe(0);
  });
});

describe('the first validating call', () => {
  it('loads the webhook schemas with the first webhook, once', async () => {
    const { parseRongCloudWebhook } = await import('./index.ts');
    expect(zodLoads).toBe(0);
    const request = () => webhookRequest({ body: privateTextMessage, query: signedQuery() });
    const webhook = await parseRongCloudWebhook(request(), parseOptions);
    expect(webhook).toMatchObject({ kind: 'private-message', text: '明天深圳天气怎么样？' });
    expect(zodLoads).toBe(1);
    await parseRongCloudWebhook(request(), parseOptions);
    expect(zodLoads).toBe(1);
  });

  it('loads the client schemas with the first call that checks its input, once', async () => {
    const { createRongCloudClient } = await import('./index.ts');
    const { fetch, requests } = answering({ userId: 'alice', token: 't', messageUID: 'uid' });
    const client = createRongCloudClient({
      appKey: APP_KEY,
      appSecret: FIXTURE_APP_SECRET,
      baseUrl: 'https://rongcloud.example',
      fetch,
    });
    expect(zodLoads).toBe(0);
    await expect(client.registerUser({ userId: 'alice', name: 'Alice' })).resolves.toEqual({
      userId: 'alice',
      token: 't',
    });
    expect(zodLoads).toBe(1);
    await expect(
      client.publishPrivateStreamMessage({
        fromUserId: 'bot',
        toUserId: 'alice',
        content: 'hi',
        seq: 1,
        complete: true,
      }),
    ).resolves.toEqual({ messageUid: 'uid' });
    await expect(client.deleteBot({ userId: 'bot' })).resolves.toBeUndefined();
    expect(requests).toHaveLength(3);
    expect(zodLoads).toBe(1);
  });

  it('rejects bad input after loading the schemas, before sending anything', async () => {
    const { createRongCloudClient } = await import('./index.ts');
    const { fetch, requests } = answering({});
    const client = createRongCloudClient({
      appKey: APP_KEY,
      appSecret: FIXTURE_APP_SECRET,
      baseUrl: 'https://rongcloud.example',
      fetch,
    });
    await expect(client.registerUser({ userId: '', name: 'Alice' })).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(requests).toHaveLength(0);
    expect(zodLoads).toBe(1);
  });
});
