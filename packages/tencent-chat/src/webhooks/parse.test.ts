import { IMBridgeError, SignatureVerificationError, ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  botC2CInterruptMessage,
  botC2CTextMessage,
  botGroupMessage,
  c2cAfterSendMessage,
  FIXTURE_SDK_APP_ID,
  groupAfterSendMessage,
  interruptData,
} from './__fixtures__/callbacks.ts';
import { type ParseTencentWebhookOptions, parseTencentWebhook } from './parse.ts';
import { webhookAcknowledgement, webhookRejection } from './responses.ts';
import { computeCallbackSign } from './sign.ts';
import type { TencentWebhook } from './types.ts';

const TOKEN = 'xxxxyyyy';
const REQUEST_TIME = 1669872112;
const OFFICIAL_SIGN = '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061';

interface RequestOptions {
  body: unknown;
  /** Raw body instead of `JSON.stringify(body)`. */
  rawBody?: string | Uint8Array<ArrayBuffer>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

function callbackCommandOf(body: unknown): string {
  if (typeof body === 'object' && body !== null && 'CallbackCommand' in body) {
    const command = (body as { CallbackCommand: unknown }).CallbackCommand;
    if (typeof command === 'string') return command;
  }
  return 'Bot.OnC2CMessage';
}

/** A webhook request as Tencent sends it (query parameters appended to the configured URL). */
function webhookRequest(options: RequestOptions): Request {
  const query = new URLSearchParams({
    SdkAppid: String(FIXTURE_SDK_APP_ID),
    CallbackCommand: callbackCommandOf(options.body),
    contenttype: 'json',
    ClientIP: '203.0.113.7',
    OptPlatform: 'Web',
    ...options.query,
  });
  const body = options.rawBody ?? JSON.stringify(options.body);
  return new Request(`https://bot.example.com/tencent/webhook?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body,
  });
}

const signedQuery = { Sign: OFFICIAL_SIGN, RequestTime: String(REQUEST_TIME) };
const signedOptions: ParseTencentWebhookOptions = {
  sdkAppId: FIXTURE_SDK_APP_ID,
  callbackToken: TOKEN,
  nowSeconds: REQUEST_TIME + 5,
};

/** Signature checks explicitly off: the tests below are about the body, not the Sign. */
const unsigned: ParseTencentWebhookOptions = {
  sdkAppId: FIXTURE_SDK_APP_ID,
  verifySignatures: false,
};

async function parseError(request: Request, options: ParseTencentWebhookOptions): Promise<unknown> {
  try {
    await parseTencentWebhook(request, options);
  } catch (error) {
    return error;
  }
  throw new Error('expected parseTencentWebhook to reject');
}

/** A body stream that records whether it was read and cancelled. */
function trackedStream(chunks: Uint8Array[]): {
  stream: ReadableStream<Uint8Array>;
  state: { pulls: number; cancelled: boolean };
} {
  const state = { pulls: 0, cancelled: false };
  let index = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulls += 1;
      const chunk = chunks[index];
      index += 1;
      if (chunk === undefined) controller.close();
      else controller.enqueue(chunk);
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

function streamRequest(
  stream: ReadableStream<Uint8Array>,
  query: Record<string, string> = {},
): Request {
  const search = new URLSearchParams({
    SdkAppid: String(FIXTURE_SDK_APP_ID),
    CallbackCommand: 'Bot.OnC2CMessage',
    ...query,
  });
  const init = { method: 'POST', body: stream, duplex: 'half' };
  return new Request(`https://bot.example.com/hook?${search}`, init as RequestInit);
}

describe('parseTencentWebhook', () => {
  describe('typed callbacks', () => {
    it('maps a Bot.OnC2CMessage text message to camelCase fields', async () => {
      const webhook = await parseTencentWebhook(
        webhookRequest({ body: botC2CTextMessage }),
        unsigned,
      );
      expect(webhook).toEqual({
        command: 'bot.c2c-message',
        sdkAppId: FIXTURE_SDK_APP_ID,
        clientIp: '203.0.113.7',
        platform: 'Web',
        fromUserId: 'user_alice',
        toUserId: '@RBT#001',
        sequence: 48374,
        random: 2837546,
        timeSeconds: 1557481126,
        msgKey: '48374_2837546_1557481126',
        messageId: '144115233406643804-1557481126-2837546',
        elements: [{ type: 'text', text: 'What is the weather in Shenzhen tomorrow?' }],
        text: 'What is the weather in Shenzhen tomorrow?',
        eventTimeMs: 1557481126320,
        onlineOnly: false,
        sendResultCode: 0,
        unreadCount: 1,
        raw: botC2CTextMessage,
      });
    });

    it('decodes a chatbot interrupt carried in a Bot.OnC2CMessage custom element', async () => {
      const webhook = await parseTencentWebhook(
        webhookRequest({ body: botC2CInterruptMessage }),
        unsigned,
      );
      expect(webhook).toMatchObject({
        command: 'bot.c2c-message',
        onlineOnly: true,
        text: '',
        elements: [
          { type: 'custom', data: interruptData, description: '', extension: '', sound: '' },
        ],
        chatbotPayload: { kind: 'interrupt', msgKey: '48375_1181204215_1557481130' },
      });
    });

    it('maps a Bot.OnGroupMessage with the mentioned robots', async () => {
      const webhook = await parseTencentWebhook(
        webhookRequest({ body: botGroupMessage }),
        unsigned,
      );
      expect(webhook).toEqual({
        command: 'bot.group-message',
        sdkAppId: FIXTURE_SDK_APP_ID,
        clientIp: '203.0.113.7',
        platform: 'Web',
        groupId: '@TGS#2J4SZEAEL',
        groupType: 'Public',
        fromUserId: 'user_alice',
        operatorUserId: 'user_alice',
        sequence: 321,
        random: 2837546,
        timeSeconds: 1557481126,
        elements: [{ type: 'text', text: '@@RBT#001 hello' }],
        text: '@@RBT#001 hello',
        eventTimeMs: 1557481126451,
        onlineOnly: false,
        atRobotIds: ['@RBT#001'],
        raw: botGroupMessage,
      });
    });

    it('maps a C2C.CallbackAfterSendMsg, decoding the chatbot placeholder it echoes', async () => {
      const webhook = await parseTencentWebhook(
        webhookRequest({ body: c2cAfterSendMessage }),
        unsigned,
      );
      expect(webhook).toMatchObject({
        command: 'c2c.after-send',
        fromUserId: '@RBT#001',
        toUserId: 'user_alice',
        sequence: 1,
        random: 3141592653,
        msgKey: '1_3141592653_1557481127',
        sendResultCode: 0,
        unreadCount: 2,
        chatbotPayload: {
          kind: 'stream',
          chunks: [],
          isFinished: false,
          typingText: 'Thinking...',
        },
      });
    });

    it('maps a Group.CallbackAfterSendMsg with its @ information', async () => {
      const webhook = await parseTencentWebhook(
        webhookRequest({ body: groupAfterSendMessage }),
        unsigned,
      );
      expect(webhook).toMatchObject({
        command: 'group.after-send',
        groupId: '@TGS#2J4SZEAEL',
        sequence: 322,
        random: 123456789,
        messageId: '144115233406643804-1557481140-123456789',
        text: '@all @user_bob lunch?',
        cloudCustomData: '{"thread":"lunch"}',
        atUserIds: ['user_bob'],
        atAll: true,
      });
      expect(webhook).not.toHaveProperty('topicId');
      if (webhook.command !== 'group.after-send') throw new Error('wrong command');
      expect(webhook.elements[1]).toEqual({
        type: 'other',
        messageType: 'TIMFaceElem',
        content: { Index: 1, Data: 'smile' },
      });
    });

    it('derives msgKey from seq, random and time when the body has none', async () => {
      const { MsgKey: _omitted, ...body } = botC2CTextMessage;
      const webhook = await parseTencentWebhook(webhookRequest({ body }), unsigned);
      expect(webhook).toMatchObject({ msgKey: '48374_2837546_1557481126' });
    });

    it('ignores unknown fields and accepts null optional fields', async () => {
      const body = { ...botGroupMessage, NewVendorField: { x: 1 }, TopicId: null, EventTime: null };
      const webhook = await parseTencentWebhook(webhookRequest({ body }), unsigned);
      expect(webhook.command).toBe('bot.group-message');
      expect(webhook).not.toHaveProperty('topicId');
      expect(webhook).not.toHaveProperty('eventTimeMs');
    });

    it('returns an unknown result for any other command, with the vendor name', async () => {
      const body = {
        CallbackCommand: 'State.StateChange',
        EventTime: 1557481126320,
        Info: { Action: 'Login', To_Account: 'user_alice', Reason: 'Register' },
      };
      const webhook = await parseTencentWebhook(webhookRequest({ body }), unsigned);
      expect(webhook).toEqual({
        command: 'unknown',
        callbackCommand: 'State.StateChange',
        sdkAppId: FIXTURE_SDK_APP_ID,
        clientIp: '203.0.113.7',
        platform: 'Web',
        raw: body,
      });
    });

    it('falls back to the CallbackCommand query parameter when the body has none', async () => {
      const { CallbackCommand: _omitted, ...body } = botGroupMessage;
      const webhook = await parseTencentWebhook(
        webhookRequest({ body, query: { CallbackCommand: 'Bot.OnGroupMessage' } }),
        unsigned,
      );
      expect(webhook.command).toBe('bot.group-message');
    });

    it('rejects a body that names no command anywhere', async () => {
      const { CallbackCommand: _omitted, ...body } = botGroupMessage;
      const request = new Request(`https://bot.example.com/hook?SdkAppid=${FIXTURE_SDK_APP_ID}`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      const error = await parseError(request, unsigned);
      expect(ValidationError.isInstance(error) && error.code).toBe('missing-command');
    });
  });

  describe('signature', () => {
    it('accepts the official Sign and RequestTime vector', async () => {
      const webhook = await parseTencentWebhook(
        webhookRequest({ body: botC2CTextMessage, query: signedQuery }),
        signedOptions,
      );
      expect(webhook.command).toBe('bot.c2c-message');
    });

    it('accepts lower-case sign and requesttime parameter names', async () => {
      const webhook = await parseTencentWebhook(
        webhookRequest({
          body: botC2CTextMessage,
          query: { sign: OFFICIAL_SIGN, requesttime: String(REQUEST_TIME) },
        }),
        signedOptions,
      );
      expect(webhook.command).toBe('bot.c2c-message');
    });

    it('accepts a token given as an async resolver', async () => {
      const webhook = await parseTencentWebhook(
        webhookRequest({ body: botC2CTextMessage, query: signedQuery }),
        { ...signedOptions, callbackToken: async () => TOKEN },
      );
      expect(webhook.command).toBe('bot.c2c-message');
    });

    it('rejects a forged signature as a mismatch without reading the body', async () => {
      const request = webhookRequest({
        body: botC2CTextMessage,
        query: { ...signedQuery, Sign: await computeCallbackSign('guessed', REQUEST_TIME) },
      });
      const error = await parseError(request, signedOptions);
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('mismatch');
      expect(request.bodyUsed).toBe(false);
    });

    it('rejects a stale RequestTime as expired', async () => {
      const request = webhookRequest({ body: botC2CTextMessage, query: signedQuery });
      const error = await parseError(request, { ...signedOptions, nowSeconds: REQUEST_TIME + 61 });
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('expired');
    });

    it('rejects a RequestTime from the future as expired', async () => {
      const request = webhookRequest({ body: botC2CTextMessage, query: signedQuery });
      const error = await parseError(request, { ...signedOptions, nowSeconds: REQUEST_TIME - 61 });
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('expired');
    });

    it('rejects a request without Sign as missing when a token is configured', async () => {
      const request = webhookRequest({
        body: botC2CTextMessage,
        query: { RequestTime: String(REQUEST_TIME) },
      });
      const error = await parseError(request, signedOptions);
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('missing');
      expect(request.bodyUsed).toBe(false);
    });

    it('rejects a non-numeric RequestTime as malformed', async () => {
      const request = webhookRequest({
        body: botC2CTextMessage,
        query: { Sign: OFFICIAL_SIGN, RequestTime: 'now' },
      });
      const error = await parseError(request, signedOptions);
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('malformed');
    });

    it('refuses to run without a token: a missing token never turns the check off', async () => {
      const request = webhookRequest({ body: botC2CTextMessage });
      const error = await parseError(request, { sdkAppId: FIXTURE_SDK_APP_ID });
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
      expect((error as Error).message).toContain('TENCENT_IM_CALLBACK_TOKEN');
      expect((error as Error).message).toContain('verifySignatures: false');
      expect(request.bodyUsed).toBe(false);
    });

    it('skips the check only when told: verifySignatures: false', async () => {
      const webhook = await parseTencentWebhook(
        webhookRequest({ body: botC2CTextMessage }),
        unsigned,
      );
      expect(webhook.command).toBe('bot.c2c-message');
    });

    it('fails closed with invalid-options when the token is empty', async () => {
      const request = webhookRequest({ body: botC2CTextMessage, query: signedQuery });
      const error = await parseError(request, { ...signedOptions, callbackToken: '' });
      expect(IMBridgeError.isInstance(error) && error.code).toBe('invalid-option');
      expect(SignatureVerificationError.isInstance(error)).toBe(false);
    });
  });

  describe('SdkAppid', () => {
    it('rejects another app as app-mismatch before the signature and the body', async () => {
      const request = webhookRequest({
        body: botC2CTextMessage,
        query: { ...signedQuery, SdkAppid: '1400000001' },
      });
      const error = await parseError(request, signedOptions);
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('app-mismatch');
      expect(request.bodyUsed).toBe(false);
    });

    it('fails closed with invalid-options when the configured sdkAppId is not a positive integer', async () => {
      for (const sdkAppId of [Number.NaN, 0, -1, 1.5]) {
        const request = webhookRequest({
          body: botC2CTextMessage,
          query: { SdkAppid: String(sdkAppId) },
        });
        const error = await parseError(request, { sdkAppId, verifySignatures: false });
        expect(IMBridgeError.isInstance(error) && error.code).toBe('invalid-option');
      }
    });

    it('rejects a request without SdkAppid as app-mismatch', async () => {
      const request = new Request('https://bot.example.com/hook?CallbackCommand=Bot.OnC2CMessage', {
        method: 'POST',
        body: JSON.stringify(botC2CTextMessage),
      });
      const error = await parseError(request, unsigned);
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('app-mismatch');
    });
  });

  describe('body', () => {
    it('rejects a declared Content-Length over the cap before reading', async () => {
      const request = webhookRequest({
        body: botC2CTextMessage,
        headers: { 'content-length': '2000' },
      });
      const error = await parseError(request, {
        sdkAppId: FIXTURE_SDK_APP_ID,
        verifySignatures: false,
        maxBodyBytes: 1000,
      });
      expect(ValidationError.isInstance(error) && error.code).toBe('body-too-large');
      expect(request.bodyUsed).toBe(false);
    });

    it('stops reading an undeclared streamed body once it passes the cap', async () => {
      const chunk = new Uint8Array(400).fill(0x20);
      const { stream, state } = trackedStream([chunk, chunk, chunk, chunk, chunk, chunk]);
      const error = await parseError(streamRequest(stream), {
        sdkAppId: FIXTURE_SDK_APP_ID,
        verifySignatures: false,
        maxBodyBytes: 1000,
      });
      expect(ValidationError.isInstance(error) && error.code).toBe('body-too-large');
      expect(state.pulls).toBeLessThanOrEqual(4);
      expect(state.cancelled).toBe(true);
    });

    it('accepts a body of exactly the cap', async () => {
      const json = JSON.stringify(botC2CTextMessage);
      const webhook = await parseTencentWebhook(webhookRequest({ body: botC2CTextMessage }), {
        sdkAppId: FIXTURE_SDK_APP_ID,
        verifySignatures: false,
        maxBodyBytes: Buffer.byteLength(json),
      });
      expect(webhook.command).toBe('bot.c2c-message');
      const error = await parseError(webhookRequest({ body: botC2CTextMessage }), {
        sdkAppId: FIXTURE_SDK_APP_ID,
        verifySignatures: false,
        maxBodyBytes: Buffer.byteLength(json) - 1,
      });
      expect(ValidationError.isInstance(error) && error.code).toBe('body-too-large');
    });

    it('reads a body split across many chunks, including split UTF-8 characters', async () => {
      const body = {
        ...botC2CTextMessage,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: '深圳明天天气如何？🌦️' } }],
      };
      const bytes = new TextEncoder().encode(JSON.stringify(body));
      const chunks = Array.from({ length: bytes.length }, (_, index) =>
        bytes.subarray(index, index + 1),
      );
      const { stream } = trackedStream(chunks);
      const webhook = await parseTencentWebhook(streamRequest(stream), unsigned);
      expect(webhook).toMatchObject({ text: '深圳明天天气如何？🌦️' });
    });

    it('rejects a body that is not JSON', async () => {
      const error = await parseError(
        webhookRequest({ body: null, rawBody: '{"CallbackCommand":' }),
        unsigned,
      );
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-json');
    });

    it('rejects an empty body as not JSON', async () => {
      const error = await parseError(webhookRequest({ body: null, rawBody: '' }), unsigned);
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-json');
    });

    it('rejects a body that is not UTF-8', async () => {
      const error = await parseError(
        webhookRequest({ body: null, rawBody: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }),
        unsigned,
      );
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-encoding');
    });

    it('rejects a signed body nested 50,000 levels deep as json-too-deep (a 400, not a crash)', async () => {
      const deep = `${'['.repeat(50_000)}0${']'.repeat(50_000)}`;
      const rawBody = `${JSON.stringify(botC2CTextMessage).slice(0, -1)},"Extra":${deep}}`;
      const error = await parseError(
        webhookRequest({ body: botC2CTextMessage, rawBody, query: signedQuery }),
        signedOptions,
      );
      expect(ValidationError.isInstance(error) && error.code).toBe('json-too-deep');
      expect(webhookRejection(error).status).toBe(400);
    });

    it('accepts 64 levels of nesting and refuses 65', async () => {
      const withDepth = (levels: number): string =>
        `${JSON.stringify(botC2CTextMessage).slice(0, -1)},"Extra":${'['.repeat(levels - 1)}0${']'.repeat(levels - 1)}}`;
      const webhook = await parseTencentWebhook(
        webhookRequest({ body: botC2CTextMessage, rawBody: withDepth(64) }),
        unsigned,
      );
      expect(webhook.command).toBe('bot.c2c-message');
      const error = await parseError(
        webhookRequest({ body: botC2CTextMessage, rawBody: withDepth(65) }),
        unsigned,
      );
      expect(ValidationError.isInstance(error) && error.code).toBe('json-too-deep');
    });

    it('rejects a JSON array body', async () => {
      const error = await parseError(webhookRequest({ body: [botC2CTextMessage] }), unsigned);
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-payload');
    });

    it('rejects a body that was already read as unreadable', async () => {
      const request = webhookRequest({ body: botC2CTextMessage });
      await request.text();
      const error = await parseError(request, unsigned);
      expect(ValidationError.isInstance(error) && error.code).toBe('body-unreadable');
    });
  });

  describe('schema', () => {
    it('maps zod issues to ValidationError issues with vendor paths', async () => {
      const body = { ...botC2CTextMessage, MsgSeq: '48374', MsgBody: [{ MsgContent: {} }] };
      const error = await parseError(webhookRequest({ body }), unsigned);
      if (!ValidationError.isInstance(error)) throw error;
      expect(error.code).toBe('invalid-payload');
      expect(error.issues.map((issue) => issue.path)).toEqual(
        expect.arrayContaining([['MsgSeq'], ['MsgBody', 0, 'MsgType']]),
      );
      expect(error.issues.every((issue) => issue.message.length > 0)).toBe(true);
    });

    it.each([
      ['MsgRandom above uint32', { MsgRandom: 4294967296 }],
      ['a fractional MsgTime', { MsgTime: 1557481126.5 }],
      ['a numeric From_Account', { From_Account: 42 }],
      ['a missing MsgBody', { MsgBody: undefined }],
    ])('rejects a Bot.OnC2CMessage with %s', async (_name, patch) => {
      const error = await parseError(
        webhookRequest({ body: { ...botC2CTextMessage, ...patch } }),
        unsigned,
      );
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-payload');
    });

    it('rejects AtRobots_Account that is not a list of strings', async () => {
      const body = { ...botGroupMessage, AtRobots_Account: '@RBT#001' };
      const error = await parseError(webhookRequest({ body }), unsigned);
      expect(ValidationError.isInstance(error) && error.issues[0]?.path).toEqual([
        'AtRobots_Account',
      ]);
    });
  });

  describe('properties', () => {
    it('answers arbitrary body bytes or strings with a ValidationError (valid signature)', async () => {
      const sign = await computeCallbackSign(TOKEN, REQUEST_TIME);
      const body = fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.json(),
      );
      await fc.assert(
        fc.asyncProperty(body, async (rawBody) => {
          const request = webhookRequest({
            body: null,
            rawBody,
            query: { Sign: sign, RequestTime: String(REQUEST_TIME) },
          });
          const error = await parseError(request, signedOptions);
          expect(ValidationError.isInstance(error)).toBe(true);
        }),
        { numRuns: 200 },
      );
    });

    it('answers arbitrary JSON objects with a result or a ValidationError', async () => {
      const commands = [
        'Bot.OnC2CMessage',
        'Bot.OnGroupMessage',
        'C2C.CallbackAfterSendMsg',
        'Group.CallbackAfterSendMsg',
        'State.StateChange',
      ];
      const body = fc.record({
        command: fc.constantFrom(...commands),
        fields: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 8 }),
      });
      await fc.assert(
        fc.asyncProperty(body, async ({ command, fields }) => {
          const json = { ...fields, CallbackCommand: command };
          await expectResultOrValidationError(json);
        }),
        { numRuns: 200 },
      );
    });

    it('answers fixtures with one field replaced by arbitrary JSON with a result or a ValidationError', async () => {
      const fixtures: ReadonlyArray<Record<string, unknown>> = [
        botC2CTextMessage,
        botC2CInterruptMessage,
        botGroupMessage,
        c2cAfterSendMessage,
        groupAfterSendMessage,
      ];
      const mutation = fc
        .constantFrom(...fixtures)
        .chain((fixture) =>
          fc.tuple(fc.constant(fixture), fc.constantFrom(...Object.keys(fixture)), fc.jsonValue()),
        );
      await fc.assert(
        fc.asyncProperty(mutation, async ([fixture, key, value]) => {
          await expectResultOrValidationError({ ...fixture, [key]: value });
        }),
        { numRuns: 300 },
      );
    });
  });
});

async function expectResultOrValidationError(json: Record<string, unknown>): Promise<void> {
  let result: TencentWebhook | undefined;
  try {
    result = await parseTencentWebhook(webhookRequest({ body: json }), unsigned);
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return;
  }
  expect(result.raw).toEqual(JSON.parse(JSON.stringify(json)));
  if (result.command !== 'unknown') {
    expect(Array.isArray(result.elements)).toBe(true);
    expect(typeof result.text).toBe('string');
  }
}

describe('webhookAcknowledgement', () => {
  it('answers 200 with the JSON Tencent expects', async () => {
    const response = webhookAcknowledgement();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.text()).toBe('{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}');
  });
});

describe('webhookRejection', () => {
  it('answers a signature failure with 401 and no signature, token or body', async () => {
    const forged = await computeCallbackSign('guessed', REQUEST_TIME);
    const error = await parseError(
      webhookRequest({
        body: botC2CTextMessage,
        query: { Sign: forged, RequestTime: String(REQUEST_TIME) },
      }),
      signedOptions,
    );
    const response = webhookRejection(error);
    expect(response.status).toBe(401);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      ActionStatus: 'FAIL',
      ErrorInfo: 'signature rejected: mismatch',
      ErrorCode: 1,
    });
    for (const secret of [forged, OFFICIAL_SIGN, TOKEN, 'user_alice']) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers a validation failure with 400 and no body content', async () => {
    const body = { ...botC2CTextMessage, MsgSeq: 'user_alice-secret' };
    const error = await parseError(webhookRequest({ body }), unsigned);
    const response = webhookRejection(error);
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({ ErrorInfo: 'invalid request: invalid-payload' });
    expect(text).not.toContain('user_alice');
  });

  it('answers an oversized body with 413', () => {
    const response = webhookRejection(
      new ValidationError({ code: 'body-too-large', message: 'too large' }),
    );
    expect(response.status).toBe(413);
  });

  it('answers any other error with 500 and a generic message', async () => {
    const response = webhookRejection(new Error(`token ${TOKEN} leaked`));
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain(TOKEN);
  });
});
