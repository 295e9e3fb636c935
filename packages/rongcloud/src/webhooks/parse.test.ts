import { SignatureVerificationError, ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FIXTURE_APP_SECRET,
  FIXTURE_BOT_USER_ID,
  FIXTURE_NOW_MS,
  groupMentionMessage,
  privateImageMessage,
  privateTextMessage,
  signedQuery,
  webhookRequest,
} from './__fixtures__/webhooks.ts';
import { type ParseRongCloudWebhookOptions, parseRongCloudWebhook } from './parse.ts';
import { webhookRejection } from './responses.ts';
import type { RongCloudWebhook } from './types.ts';

const signed: ParseRongCloudWebhookOptions = {
  appSecret: FIXTURE_APP_SECRET,
  nowMs: FIXTURE_NOW_MS + 2000,
};

/** Signature checks explicitly off: these tests are about the body, not the signature. */
const unsigned: ParseRongCloudWebhookOptions = { verifySignatures: false };

async function parseError(
  request: Request,
  options: ParseRongCloudWebhookOptions = unsigned,
): Promise<unknown> {
  try {
    await parseRongCloudWebhook(request, options);
  } catch (error) {
    return error;
  }
  throw new Error('expected parseRongCloudWebhook to reject');
}

async function codeOf(body: unknown): Promise<string | undefined> {
  const error = await parseError(webhookRequest({ body }));
  if (!ValidationError.isInstance(error)) throw error;
  return error.code;
}

function parse(body: unknown): Promise<RongCloudWebhook> {
  return parseRongCloudWebhook(webhookRequest({ body }), unsigned);
}

/** A private text message whose `data` fields are replaced. */
function privateWith(data: Record<string, unknown>): Record<string, unknown> {
  return { ...privateTextMessage, data: { ...privateTextMessage.data, ...data } };
}

/** A group message whose `data` fields are replaced. */
function groupWith(data: Record<string, unknown>): Record<string, unknown> {
  return { ...groupMentionMessage, data: { ...groupMentionMessage.data, ...data } };
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

function streamRequest(stream: ReadableStream<Uint8Array>): Request {
  const init = { method: 'POST', body: stream, duplex: 'half' };
  return new Request('https://bot.example.com/rongcloud/webhook', init as RequestInit);
}

describe('parseRongCloudWebhook', () => {
  describe('typed events', () => {
    it('maps a message:private RC:TxtMsg to imbridge names, parsing the content string', async () => {
      expect(await parse(privateTextMessage)).toEqual({
        kind: 'private-message',
        botUserId: FIXTURE_BOT_USER_ID,
        bot: {
          userId: FIXTURE_BOT_USER_ID,
          name: '消息助手',
          profileUrl: 'https://example.com/bot.png',
          type: 'Message AI',
          metadata: { version: '1', scene: 'support' },
        },
        fromUserId: 'user_alice',
        toUserId: FIXTURE_BOT_USER_ID,
        messageId: 'C3AA-3KSA-0I45-3DCP',
        objectName: 'RC:TxtMsg',
        text: '明天深圳天气怎么样？',
        content: {
          content: '明天深圳天气怎么样？',
          extra: '',
          user: { id: 'user_alice', name: 'Alice', portrait: 'https://example.com/alice.png' },
        },
        channelType: 'PERSON',
        sentAtMs: 1_726_627_370_900,
        eventTimeMs: 1_726_627_370_950,
        raw: privateTextMessage,
      });
    });

    it('keeps the parsed content of other object names, without text', async () => {
      const webhook = await parse(privateImageMessage);
      expect(webhook).toMatchObject({
        kind: 'private-message',
        objectName: 'RC:ImgMsg',
        content: { content: '/9j/4AAQSkZJRgABAQ', imageUri: 'https://example.com/photo.jpg' },
      });
      expect(webhook).not.toHaveProperty('text');
      expect(webhook).not.toHaveProperty('messageId');
      expect(webhook).not.toHaveProperty('sentAtMs');
    });

    it('keeps a custom object name and its content as they are', async () => {
      const content = { action: 'vote', choices: [1, 2], nested: { deep: true } };
      const webhook = await parse(
        privateWith({ objectName: 'App:VoteMsg', content: JSON.stringify(content) }),
      );
      expect(webhook).toMatchObject({ objectName: 'App:VoteMsg', content });
      expect(webhook).not.toHaveProperty('text');
    });

    it('maps a message:group that @-mentions the bot (assumed shape)', async () => {
      const webhook = await parse(groupMentionMessage);
      expect(webhook).toMatchObject({
        kind: 'group-message',
        botUserId: FIXTURE_BOT_USER_ID,
        fromUserId: 'user_bob',
        groupId: 'group-42',
        messageId: 'C3AA-3KSA-0I45-9XYZ',
        objectName: 'RC:TxtMsg',
        text: '@消息助手 总结一下',
        channelType: 'GROUP',
        sentAtMs: 1_726_627_370_800,
        mentionsBot: true,
        mentionsAll: false,
      });
    });

    it.each([
      ['the bot listed', { type: 2, userIdList: [FIXTURE_BOT_USER_ID] }, true, false],
      ['others listed', { type: 2, userIdList: ['user_carol'] }, false, false],
      ['everyone', { type: 1 }, false, true],
      ['a list without type 2', { type: 1, userIdList: [FIXTURE_BOT_USER_ID] }, false, true],
    ])('reads mentions of %s', async (_name, mentionedInfo, mentionsBot, mentionsAll) => {
      const content = JSON.stringify({ content: 'hi', mentionedInfo });
      expect(await parse(groupWith({ content }))).toMatchObject({ mentionsBot, mentionsAll });
    });

    it('reads no mention from a content without mentionedInfo', async () => {
      const webhook = await parse(groupWith({ content: '{"content":"hi"}' }));
      expect(webhook).toMatchObject({ mentionsBot: false, mentionsAll: false });
    });

    it('falls back to data.mentionedInfo when the content has none', async () => {
      const webhook = await parse(
        groupWith({
          content: '{"content":"hi"}',
          mentionedInfo: { type: 2, userIdList: [FIXTURE_BOT_USER_ID] },
        }),
      );
      expect(webhook).toMatchObject({ mentionsBot: true });
    });

    it('takes the group from data.groupId when toGroupId is absent', async () => {
      const { toGroupId: _omitted, ...data } = groupMentionMessage.data;
      const webhook = await parse({ ...groupMentionMessage, data: { ...data, groupId: 'g-7' } });
      expect(webhook).toMatchObject({ kind: 'group-message', groupId: 'g-7' });
    });

    it('rejects a group message without toGroupId or groupId', async () => {
      const { toGroupId: _omitted, ...data } = groupMentionMessage.data;
      const error = await parseError(webhookRequest({ body: { ...groupMentionMessage, data } }));
      expect(ValidationError.isInstance(error) && error.issues[0]?.path).toEqual([
        'data',
        'toGroupId',
      ]);
    });

    it.each([
      ['msgUID', { msgUID: 'A' }, 'A'],
      ['messageUID', { msgUID: undefined, messageUID: 'B' }, 'B'],
      ['messageId', { msgUID: undefined, messageId: 'C' }, 'C'],
      ['msgUID before messageUID', { msgUID: 'A', messageUID: 'B' }, 'A'],
      ['a non-empty one after an empty one', { msgUID: '', messageUID: 'B' }, 'B'],
    ])('reads the message id from %s', async (_name, data, messageId) => {
      expect(await parse(privateWith(data))).toMatchObject({ messageId });
    });

    it.each([
      ['msgTimestamp', { msgTimestamp: 5 }, 5],
      ['msgTimeStamp', { msgTimestamp: undefined, msgTimeStamp: 6 }, 6],
      ['sentTime', { msgTimestamp: undefined, sentTime: 7 }, 7],
      ['a string of digits', { msgTimestamp: '1726627370900' }, 1_726_627_370_900],
      ['the next field when one is invalid', { msgTimestamp: -1, sentTime: 8 }, 8],
    ])('reads the send time from %s', async (_name, data, sentAtMs) => {
      expect(await parse(privateWith(data))).toMatchObject({ sentAtMs });
    });

    it('ignores id and time fields of the wrong type instead of rejecting the message', async () => {
      const webhook = await parse({
        ...privateWith({ msgUID: 42, msgTimestamp: 'soon' }),
        timestamp: { at: 'now' },
      });
      expect(webhook.kind).toBe('private-message');
      expect(webhook).not.toHaveProperty('messageId');
      expect(webhook).not.toHaveProperty('sentAtMs');
      expect(webhook).not.toHaveProperty('eventTimeMs');
    });

    it('keeps only scalar metadata values, as strings', async () => {
      const bot = {
        userId: FIXTURE_BOT_USER_ID,
        metadata: { a: 'x', b: 2, c: true, d: null, e: { f: 1 }, g: [1] },
      };
      const webhook = await parse({ ...privateTextMessage, bot });
      if (webhook.kind !== 'private-message') throw new Error(webhook.kind);
      expect(webhook.bot).toEqual({
        userId: FIXTURE_BOT_USER_ID,
        metadata: { a: 'x', b: '2', c: 'true' },
      });
    });

    it('ignores unknown fields and accepts null optional fields', async () => {
      const webhook = await parse({
        ...privateWith({ channelType: null, newVendorField: { x: 1 } }),
        appKey: 'k',
        bot: { ...privateTextMessage.bot, name: null, metadata: null },
      });
      expect(webhook.kind).toBe('private-message');
      expect(webhook).not.toHaveProperty('channelType');
    });

    it('tolerates a content sent as an object instead of a string', async () => {
      const webhook = await parse(privateWith({ content: { content: 'hello' } }));
      expect(webhook).toMatchObject({ text: 'hello', content: { content: 'hello' } });
    });

    it('returns an unknown event for any other type, with the vendor name and the body', async () => {
      const body = { type: 'message:ultragroup', timestamp: 1, data: { anything: [1, 2] } };
      expect(await parse(body)).toEqual({ kind: 'unknown', type: 'message:ultragroup', raw: body });
    });

    it('rejects a body without a type as missing-event-type', async () => {
      const { type: _omitted, ...body } = privateTextMessage;
      expect(await codeOf(body)).toBe('missing-event-type');
    });

    it('rejects a type that is not a string as invalid-payload', async () => {
      expect(await codeOf({ ...privateTextMessage, type: 7 })).toBe('invalid-payload');
    });
  });

  describe('content inside a string', () => {
    it.each([
      ['not JSON', '{"content":'],
      ['empty', ''],
      ['a JSON string', '"hello"'],
      ['a JSON array', '[1,2]'],
      ['JSON null', 'null'],
    ])('rejects a content that is %s, pointing at data.content', async (_name, content) => {
      const error = await parseError(webhookRequest({ body: privateWith({ content }) }));
      if (!ValidationError.isInstance(error)) throw error;
      expect(error.code).toBe('invalid-payload');
      expect(error.issues).toEqual([
        { path: ['data', 'content'], message: 'Expected a string holding a JSON object' },
      ]);
      expect(webhookRejection(error).status).toBe(400);
    });

    it('rejects an RC:TxtMsg whose content has no text', async () => {
      const error = await parseError(
        webhookRequest({ body: privateWith({ content: '{"extra":"x"}' }) }),
      );
      expect(ValidationError.isInstance(error) && error.issues[0]?.path).toEqual([
        'data',
        'content',
        'content',
      ]);
    });

    it('does not check content fields it does not use (extra, mentionedInfo of a private message)', async () => {
      const content = JSON.stringify({ content: 'hi', extra: [1], mentionedInfo: 'everyone' });
      expect(await parse(privateWith({ content }))).toMatchObject({
        text: 'hi',
        content: { content: 'hi', extra: [1], mentionedInfo: 'everyone' },
      });
    });

    it('rejects a group message whose mentionedInfo is malformed', async () => {
      const content = JSON.stringify({ content: 'hi', mentionedInfo: { type: 'some' } });
      const error = await parseError(webhookRequest({ body: groupWith({ content }) }));
      expect(ValidationError.isInstance(error) && error.issues[0]?.path).toEqual([
        'data',
        'content',
        'mentionedInfo',
        'type',
      ]);
    });

    it('rejects a content nested 50,000 levels deep as json-too-deep (a 400, not a crash)', async () => {
      const content = `{"content":"x","extra":${'['.repeat(50_000)}0${']'.repeat(50_000)}}`;
      const error = await parseError(
        webhookRequest({ body: privateWith({ content }), query: signedQuery() }),
        signed,
      );
      expect(ValidationError.isInstance(error) && error.code).toBe('json-too-deep');
      expect(webhookRejection(error).status).toBe(400);
    });

    it('accepts 32 levels of nesting in the content and refuses 33', async () => {
      const withDepth = (levels: number): string =>
        `{"content":"x","extra":${'['.repeat(levels - 1)}0${']'.repeat(levels - 1)}}`;
      expect((await parse(privateWith({ content: withDepth(32) }))).kind).toBe('private-message');
      expect(await codeOf(privateWith({ content: withDepth(33) }))).toBe('json-too-deep');
    });
  });

  describe('signature', () => {
    it.each(['sign-timestamp', 'rc-prefixed', 'plain-timestamp'] as const)(
      'accepts a webhook signed in the %s spelling',
      async (spelling) => {
        const webhook = await parseRongCloudWebhook(
          webhookRequest({ body: privateTextMessage, query: signedQuery({ spelling }) }),
          signed,
        );
        expect(webhook.kind).toBe('private-message');
      },
    );

    it('rejects a forged signature as a mismatch without reading the body', async () => {
      const request = webhookRequest({
        body: privateTextMessage,
        query: signedQuery({ appSecret: 'guessed' }),
      });
      const error = await parseError(request, signed);
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('mismatch');
      expect(request.bodyUsed).toBe(false);
    });

    it('rejects a stale signature as expired', async () => {
      const request = webhookRequest({ body: privateTextMessage, query: signedQuery() });
      const error = await parseError(request, { ...signed, nowMs: FIXTURE_NOW_MS + 600_000 });
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('expired');
    });

    it('honours maxAgeMs', async () => {
      const request = webhookRequest({ body: privateTextMessage, query: signedQuery() });
      const error = await parseError(request, { ...signed, maxAgeMs: 1000 });
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('expired');
    });

    it('rejects an unsigned request as missing without reading the body', async () => {
      const request = webhookRequest({ body: privateTextMessage });
      const error = await parseError(request, signed);
      expect(SignatureVerificationError.isInstance(error) && error.reason).toBe('missing');
      expect(request.bodyUsed).toBe(false);
    });

    it('refuses to run without a secret: a missing secret never turns the check off', async () => {
      const request = webhookRequest({ body: privateTextMessage, query: signedQuery() });
      const error = await parseError(request, {});
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
      expect((error as Error).message).toContain('RONGCLOUD_APP_SECRET');
      expect((error as Error).message).toContain('verifySignatures: false');
      expect(request.bodyUsed).toBe(false);
      expect(webhookRejection(error).status).toBe(500);
    });

    it('fails closed with invalid-option when the secret is empty', async () => {
      const request = webhookRequest({ body: privateTextMessage, query: signedQuery() });
      const error = await parseError(request, { ...signed, appSecret: '' });
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
    });

    it('answers 500 when the secret resolver throws', async () => {
      const request = webhookRequest({ body: privateTextMessage, query: signedQuery() });
      const error = await parseError(request, {
        ...signed,
        appSecret: () => Promise.reject(new Error('vault down')),
      });
      expect(ValidationError.isInstance(error) && error.code).toBe('secret-resolver-failed');
      expect(webhookRejection(error).status).toBe(500);
    });

    it('skips the check only when told: verifySignatures: false', async () => {
      expect((await parse(privateTextMessage)).kind).toBe('private-message');
    });
  });

  describe('body', () => {
    it('refuses a maxBodyBytes that is not a positive integer', async () => {
      for (const maxBodyBytes of [0, -1, 1.5, Number.NaN]) {
        const error = await parseError(webhookRequest({ body: privateTextMessage }), {
          ...unsigned,
          maxBodyBytes,
        });
        expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
      }
    });

    it('rejects a declared Content-Length over the cap before reading (413)', async () => {
      const request = webhookRequest({
        body: privateTextMessage,
        headers: { 'content-length': '2000' },
      });
      const error = await parseError(request, { ...unsigned, maxBodyBytes: 1000 });
      expect(ValidationError.isInstance(error) && error.code).toBe('body-too-large');
      expect(request.bodyUsed).toBe(false);
      expect(webhookRejection(error).status).toBe(413);
    });

    it('stops reading an undeclared streamed body once it passes the cap', async () => {
      const chunk = new Uint8Array(400).fill(0x20);
      const { stream, state } = trackedStream([chunk, chunk, chunk, chunk, chunk, chunk]);
      const error = await parseError(streamRequest(stream), { ...unsigned, maxBodyBytes: 1000 });
      expect(ValidationError.isInstance(error) && error.code).toBe('body-too-large');
      expect(state.pulls).toBeLessThanOrEqual(4);
      expect(state.cancelled).toBe(true);
    });

    it('accepts a body of exactly the cap and refuses one byte less', async () => {
      const size = new TextEncoder().encode(JSON.stringify(privateTextMessage)).byteLength;
      const webhook = await parseRongCloudWebhook(webhookRequest({ body: privateTextMessage }), {
        ...unsigned,
        maxBodyBytes: size,
      });
      expect(webhook.kind).toBe('private-message');
      const error = await parseError(webhookRequest({ body: privateTextMessage }), {
        ...unsigned,
        maxBodyBytes: size - 1,
      });
      expect(ValidationError.isInstance(error) && error.code).toBe('body-too-large');
    });

    it('reads a body split into one-byte chunks, including split UTF-8 characters', async () => {
      const bytes = new TextEncoder().encode(JSON.stringify(privateTextMessage));
      const chunks = Array.from({ length: bytes.length }, (_, index) =>
        bytes.subarray(index, index + 1),
      );
      const webhook = await parseRongCloudWebhook(
        streamRequest(trackedStream(chunks).stream),
        unsigned,
      );
      expect(webhook).toMatchObject({ text: '明天深圳天气怎么样？' });
    });

    it.each([
      ['not JSON', '{"type":', 'invalid-json'],
      ['empty', '', 'invalid-json'],
      ['a JSON array', '[]', 'invalid-payload'],
      ['a JSON string', '"message:private"', 'invalid-payload'],
    ])('rejects a body that is %s', async (_name, rawBody, code) => {
      const error = await parseError(webhookRequest({ rawBody }));
      expect(ValidationError.isInstance(error) && error.code).toBe(code);
    });

    it('rejects a body that is not UTF-8', async () => {
      const error = await parseError(
        webhookRequest({ rawBody: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }),
      );
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-encoding');
    });

    it('rejects a signed body nested 50,000 levels deep as json-too-deep (a 400, not a crash)', async () => {
      const deep = `${'['.repeat(50_000)}0${']'.repeat(50_000)}`;
      const rawBody = `${JSON.stringify(privateTextMessage).slice(0, -1)},"extra":${deep}}`;
      const error = await parseError(webhookRequest({ rawBody, query: signedQuery() }), signed);
      expect(ValidationError.isInstance(error) && error.code).toBe('json-too-deep');
      expect(webhookRejection(error).status).toBe(400);
    });

    it('accepts 64 levels of nesting and refuses 65', async () => {
      const withDepth = (levels: number): string =>
        `${JSON.stringify(privateTextMessage).slice(0, -1)},"extra":${'['.repeat(levels - 1)}0${']'.repeat(levels - 1)}}`;
      const webhook = await parseRongCloudWebhook(
        webhookRequest({ rawBody: withDepth(64) }),
        unsigned,
      );
      expect(webhook.kind).toBe('private-message');
      const error = await parseError(webhookRequest({ rawBody: withDepth(65) }));
      expect(ValidationError.isInstance(error) && error.code).toBe('json-too-deep');
    });

    it('rejects a body that was already read as unreadable', async () => {
      const request = webhookRequest({ body: privateTextMessage });
      await request.text();
      const error = await parseError(request);
      expect(ValidationError.isInstance(error) && error.code).toBe('body-unreadable');
    });
  });

  describe('schema', () => {
    it('maps zod issues to ValidationError issues with vendor paths', async () => {
      const body = { ...privateWith({ fromUserId: 42, toUserId: undefined }), bot: {} };
      const error = await parseError(webhookRequest({ body }));
      if (!ValidationError.isInstance(error)) throw error;
      expect(error.code).toBe('invalid-payload');
      expect(error.issues.map((issue) => issue.path)).toEqual(
        expect.arrayContaining([
          ['bot', 'userId'],
          ['data', 'fromUserId'],
          ['data', 'toUserId'],
        ]),
      );
      expect(error.issues.every((issue) => issue.message.length > 0)).toBe(true);
    });

    it.each([
      ['no bot', { bot: undefined }],
      ['no data', { data: undefined }],
      ['an empty objectName', { data: { ...privateTextMessage.data, objectName: '' } }],
      ['a numeric content', { data: { ...privateTextMessage.data, content: 42 } }],
    ])('rejects a message:private with %s', async (_name, patch) => {
      expect(await codeOf({ ...privateTextMessage, ...patch })).toBe('invalid-payload');
    });
  });

  describe('properties', () => {
    it('answers arbitrary signed body bytes with a result or a ValidationError, never a crash', async () => {
      const body = fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.json(),
      );
      await fc.assert(
        fc.asyncProperty(body, async (rawBody) => {
          const request = webhookRequest({ rawBody, query: signedQuery() });
          await expectResultOrValidationError(request, signed);
        }),
        { numRuns: 300 },
      );
    });

    it('answers arbitrary JSON objects with a result or a ValidationError', async () => {
      const types = ['message:private', 'message:group', 'message:other'];
      const body = fc.record({
        type: fc.constantFrom(...types),
        bot: fc.oneof(fc.constant(privateTextMessage.bot), fc.jsonValue()),
        data: fc.oneof(
          fc.dictionary(
            fc.constantFrom(
              'fromUserId',
              'toUserId',
              'toGroupId',
              'objectName',
              'content',
              'msgUID',
            ),
            fc.jsonValue(),
          ),
          fc.jsonValue(),
        ),
      });
      await fc.assert(
        fc.asyncProperty(body, async (json) => {
          await expectResultOrValidationError(webhookRequest({ body: json }), unsigned);
        }),
        { numRuns: 300 },
      );
    });

    it('answers fixtures with one data field replaced by arbitrary JSON with a result or a ValidationError', async () => {
      const fixtures: ReadonlyArray<{ data: Record<string, unknown> }> = [
        privateTextMessage,
        privateImageMessage,
        groupMentionMessage,
      ];
      const mutation = fc
        .constantFrom(...fixtures)
        .chain((fixture) =>
          fc.tuple(
            fc.constant(fixture),
            fc.constantFrom(...Object.keys(fixture.data), 'mentionedInfo', 'groupId'),
            fc.jsonValue(),
          ),
        );
      await fc.assert(
        fc.asyncProperty(mutation, async ([fixture, key, value]) => {
          const body = { ...fixture, data: { ...fixture.data, [key]: value } };
          await expectResultOrValidationError(webhookRequest({ body }), unsigned);
        }),
        { numRuns: 300 },
      );
    });

    it('answers any content string (text, JSON, deep JSON) with a result or a ValidationError', async () => {
      const content = fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.json(),
        fc.jsonValue().map((value) => JSON.stringify({ content: 'x', mentionedInfo: value })),
        fc
          .integer({ min: 0, max: 200 })
          .map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
      );
      const fixture = fc.constantFrom(privateTextMessage, privateImageMessage, groupMentionMessage);
      await fc.assert(
        fc.asyncProperty(fixture, content, async (body, value) => {
          const request = webhookRequest({
            body: { ...body, data: { ...body.data, content: value } },
          });
          await expectResultOrValidationError(request, unsigned);
        }),
        { numRuns: 300 },
      );
    });
  });
});

async function expectResultOrValidationError(
  request: Request,
  options: ParseRongCloudWebhookOptions,
): Promise<void> {
  let result: RongCloudWebhook;
  try {
    result = await parseRongCloudWebhook(request, options);
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true);
    return;
  }
  expect(typeof result.raw).toBe('object');
  if (result.kind === 'unknown') {
    expect(typeof result.type).toBe('string');
  } else {
    expect(typeof result.content).toBe('object');
    expect(typeof result.botUserId).toBe('string');
    if (result.objectName === 'RC:TxtMsg') expect(typeof result.text).toBe('string');
  }
}
