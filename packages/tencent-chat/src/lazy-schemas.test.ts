/**
 * zod (about three quarters of the package's import time) loads only with the first call that
 * validates: a webhook body, or a REST answer other than the ones a reply reads. These tests
 * load each module afresh and count the times zod is loaded, so any static path to it breaks
 * them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatbotPayload } from './chatbot/payload.ts';

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

describe('modules off the validating paths', () => {
  it('counts the load of a module that holds schemas (the check works)', async () => {
    await import('./client/response-schemas.ts');
    expect(zodLoads).toBe(1);
  });

  it('imports the package entry without zod', async () => {
    const entry = await import('./index.ts');
    expect(typeof entry.createTencentChatAdapter).toBe('function');
    expect(zodLoads).toBe(0);
  });

  it('issue and verify a UserSig without zod', async () => {
    const { genUserSig, verifyUserSig } = await import('./user-sig/user-sig.ts');
    const options = { sdkAppId: 1400000000, secretKey: 'secret', userId: 'alice' };
    const userSig = await genUserSig({ ...options, nowSeconds: 1_700_000_000 });
    const result = await verifyUserSig({ ...options, userSig, nowSeconds: 1_700_000_100 });
    expect(result.valid).toBe(true);
    expect(zodLoads).toBe(0);
  });

  it('create a client and build message bodies without zod', async () => {
    const { createTencentChatClient } = await import('./client/client.ts');
    const { fromWireMessageBody, toWireMessageBody } = await import('./messages/elements.ts');
    const client = createTencentChatClient({
      sdkAppId: 1400000000,
      secretKey: 'secret',
      adminUserId: 'administrator',
    });
    expect(client.sdkAppId).toBe(1400000000);
    const wire = toWireMessageBody([{ type: 'text', text: 'hi' }]);
    expect(fromWireMessageBody(wire)).toEqual([{ type: 'text', text: 'hi' }]);
    expect(zodLoads).toBe(0);
  });

  it('encode and decode chatbot payloads without zod', async () => {
    const { decodeChatbotPayload, encodeChatbotPayload } = await import('./chatbot/payload.ts');
    const payload: ChatbotPayload = { kind: 'stream', chunks: ['a'], isFinished: true };
    expect(decodeChatbotPayload(encodeChatbotPayload(payload))).toEqual(payload);
    expect(zodLoads).toBe(0);
  });

  it('checks a webhook signature, and rejects a forged one, without zod', async () => {
    const { parseTencentWebhook } = await import('./webhooks/parse.ts');
    const { computeCallbackSign } = await import('./webhooks/sign.ts');
    const requestTime = 1_700_000_000;
    const sign = await computeCallbackSign('other-token', requestTime);
    const request = new Request(
      `https://bot.example.com/webhook?SdkAppid=1400000000&RequestTime=${requestTime}&Sign=${sign}`,
      { method: 'POST', body: '{}' },
    );
    await expect(
      parseTencentWebhook(request, {
        sdkAppId: 1400000000,
        callbackToken: 'token',
        nowSeconds: requestTime,
      }),
    ).rejects.toMatchObject({ name: 'SignatureVerificationError', reason: 'mismatch' });
    expect(zodLoads).toBe(0);
  });
});

/** A signed webhook request for `body`, as Tencent sends it. */
async function signedWebhook(body: unknown): Promise<Request> {
  const { computeCallbackSign } = await import('./webhooks/sign.ts');
  const sign = await computeCallbackSign('token', WEBHOOK_TIME);
  return new Request(
    `https://bot.example.com/webhook?SdkAppid=1400000000&RequestTime=${WEBHOOK_TIME}&Sign=${sign}`,
    { method: 'POST', body: JSON.stringify(body) },
  );
}

const WEBHOOK_TIME = 1_700_000_000;
const WEBHOOK_OPTIONS = { sdkAppId: 1400000000, callbackToken: 'token', nowSeconds: WEBHOOK_TIME };

const BOT_C2C_BODY = {
  CallbackCommand: 'Bot.OnC2CMessage',
  From_Account: 'alice',
  To_Account: '@RBT#assistant',
  MsgSeq: 1,
  MsgRandom: 2,
  MsgTime: WEBHOOK_TIME,
  MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hello' } }],
};

describe('the robot commands', () => {
  it('parse a signed Bot.OnC2CMessage webhook without zod', async () => {
    const { parseTencentWebhook } = await import('./webhooks/parse.ts');
    const webhook = await parseTencentWebhook(await signedWebhook(BOT_C2C_BODY), WEBHOOK_OPTIONS);
    expect(webhook).toMatchObject({ command: 'bot.c2c-message', text: 'hello' });
    expect(zodLoads).toBe(0);
  });

  it('parse a signed chatbot interrupt (src 22) without zod', async () => {
    const { parseTencentWebhook } = await import('./webhooks/parse.ts');
    const data = JSON.stringify({ chatbotPlugin: 2, src: 22, msgKey: '1_2_3' });
    const body = {
      ...BOT_C2C_BODY,
      OnlineOnlyFlag: 1,
      MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: data } }],
    };
    const webhook = await parseTencentWebhook(await signedWebhook(body), WEBHOOK_OPTIONS);
    expect(webhook).toMatchObject({
      command: 'bot.c2c-message',
      onlineOnly: true,
      chatbotPayload: { kind: 'interrupt', msgKey: '1_2_3' },
    });
    expect(zodLoads).toBe(0);
  });

  it('parse a signed Bot.OnGroupMessage webhook without zod', async () => {
    const { parseTencentWebhook } = await import('./webhooks/parse.ts');
    const body = {
      CallbackCommand: 'Bot.OnGroupMessage',
      GroupId: '@TGS#1',
      Type: 'Public',
      From_Account: 'alice',
      Random: 2,
      MsgSeq: 1,
      MsgTime: WEBHOOK_TIME,
      AtRobots_Account: ['@RBT#assistant'],
      MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: '@assistant hi' } }],
    };
    const webhook = await parseTencentWebhook(await signedWebhook(body), WEBHOOK_OPTIONS);
    expect(webhook).toMatchObject({ command: 'bot.group-message', atRobotIds: ['@RBT#assistant'] });
    expect(zodLoads).toBe(0);
  });
});

describe('the first validating call', () => {
  it('loads the webhook schemas once, with the first other command, and parses it', async () => {
    const { parseTencentWebhook } = await import('./webhooks/parse.ts');
    await parseTencentWebhook(await signedWebhook(BOT_C2C_BODY), WEBHOOK_OPTIONS);
    expect(zodLoads).toBe(0);
    const body = { ...BOT_C2C_BODY, CallbackCommand: 'C2C.CallbackAfterSendMsg' };
    const first = await parseTencentWebhook(await signedWebhook(body), WEBHOOK_OPTIONS);
    expect(first).toMatchObject({ command: 'c2c.after-send', text: 'hello' });
    expect(zodLoads).toBe(1);
    const second = await parseTencentWebhook(
      await signedWebhook({ CallbackCommand: 'State.StateChange' }),
      WEBHOOK_OPTIONS,
    );
    expect(second).toMatchObject({ command: 'unknown', callbackCommand: 'State.StateChange' });
    expect(zodLoads).toBe(1);
  });

  it('loads the schemas to report the issues of an invalid robot body', async () => {
    const { parseTencentWebhook } = await import('./webhooks/parse.ts');
    const request = await signedWebhook({ ...BOT_C2C_BODY, MsgSeq: -1 });
    await expect(parseTencentWebhook(request, WEBHOOK_OPTIONS)).rejects.toMatchObject({
      name: 'ValidationError',
      code: 'invalid-payload',
      issues: [{ path: ['MsgSeq'] }],
    });
    expect(zodLoads).toBe(1);
  });
});

describe('the calls of a reply', () => {
  /** A client whose fetch answers every call with `answer` (plus the OK envelope). */
  async function clientAnswering(answer: Record<string, unknown>) {
    const { createTencentChatClient } = await import('./client/client.ts');
    const calls: string[] = [];
    const client = createTencentChatClient({
      sdkAppId: 1400000000,
      secretKey: 'secret',
      adminUserId: 'administrator',
      retry: false,
      fetch: async (input) => {
        calls.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
        return new Response(
          JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, ...answer }),
          { headers: { 'content-type': 'application/json' } },
        );
      },
    });
    return { client, calls };
  }

  it('send and modify a C2C message without zod', async () => {
    const { client, calls } = await clientAnswering({ MsgTime: 1_700_000_000, MsgKey: '1_2_3' });
    const sent = await client.sendC2CMessage({
      fromUserId: '@RBT#assistant',
      toUserId: 'alice',
      elements: [{ type: 'text', text: 'hi' }],
    });
    expect(sent).toEqual({ msgKey: '1_2_3', timeSeconds: 1_700_000_000 });
    await client.modifyC2CMessage({
      fromUserId: '@RBT#assistant',
      toUserId: 'alice',
      msgKey: sent.msgKey,
      elements: [{ type: 'text', text: 'hi there' }],
    });
    expect(calls).toEqual(['/v4/openim/sendmsg', '/v4/openim/modify_c2c_msg']);
    expect(zodLoads).toBe(0);
  });

  it('send a group message without zod', async () => {
    const { client } = await clientAnswering({ MsgTime: 1_700_000_000, MsgSeq: 42 });
    const sent = await client.sendGroupMessage({
      groupId: 'g1',
      fromUserId: '@RBT#assistant',
      elements: [{ type: 'text', text: 'hi' }],
    });
    expect(sent).toEqual({ sequence: 42, timeSeconds: 1_700_000_000 });
    expect(zodLoads).toBe(0);
  });

  it('loads the schemas to report an unexpected sendmsg answer as a typed error', async () => {
    const { client } = await clientAnswering({ MsgTime: 1_700_000_000 });
    await expect(
      client.sendC2CMessage({
        fromUserId: '@RBT#assistant',
        toUserId: 'alice',
        elements: [{ type: 'text', text: 'hi' }],
      }),
    ).rejects.toMatchObject({
      name: 'APICallError',
      kind: 'server',
      cause: { issues: [{ path: ['MsgKey'] }] },
    });
    expect(zodLoads).toBe(1);
  });
});
