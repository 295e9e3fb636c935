import { SignatureVerificationError, ValidationError } from '@imbridge/core';
import { describe, expect, it } from 'vitest';
import {
  AI_SERVICE_EVENTS,
  aiServiceEvent,
  FIXTURE_BOT_USER_ID,
  FIXTURE_CALLBACK_KEY,
  FIXTURE_SDK_APP_ID,
  FIXTURE_TASK_ID,
  PUBLISHED_VECTORS,
  webhookRequest,
} from './__fixtures__/webhooks.ts';
import { type ParseTrtcWebhookOptions, parseTrtcWebhook } from './parse.ts';
import { rejectionReason, webhookRejection } from './responses.ts';
import type { TRTCWebhook } from './types.ts';

const signed: ParseTrtcWebhookOptions = { callbackKey: FIXTURE_CALLBACK_KEY };

async function parse(body: unknown): Promise<TRTCWebhook> {
  return parseTrtcWebhook(await webhookRequest({ body }), signed);
}

async function parseError(
  request: Request,
  options: ParseTrtcWebhookOptions = signed,
): Promise<unknown> {
  try {
    await parseTrtcWebhook(request, options);
  } catch (error) {
    return error;
  }
  throw new Error('expected parseTrtcWebhook to reject');
}

/** The status and reason a rejected request gets. */
async function rejectionOf(
  request: Request,
  options: ParseTrtcWebhookOptions = signed,
): Promise<[number, string]> {
  const error = await parseError(request, options);
  if (!SignatureVerificationError.isInstance(error) && !ValidationError.isInstance(error)) {
    throw error;
  }
  return [webhookRejection(error).status, rejectionReason(error)];
}

/** A group-9 body whose `EventInfo` fields are replaced. */
function withInfo(
  body: Record<string, unknown>,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  return { ...body, EventInfo: { ...(body.EventInfo as object), ...fields } };
}

const common = {
  eventGroupId: 9,
  sdkAppId: FIXTURE_SDK_APP_ID,
  callbackTimeMs: 1_726_627_371_000,
  taskId: FIXTURE_TASK_ID,
  roomId: '1234',
  roomIdType: 0,
  eventTimeMs: 1_726_627_370_950,
};

describe('parseTrtcWebhook', () => {
  describe('AI service events (group 9)', () => {
    it.each([
      [
        'EVENT_TYPE_AI_SERVICE_START (901)',
        AI_SERVICE_EVENTS.serviceStart,
        { kind: 'agent-started', eventType: 901, succeeded: true, status: 0 },
      ],
      [
        'EVENT_TYPE_AI_SERVICE_STOP (902)',
        AI_SERVICE_EVENTS.serviceStop,
        { kind: 'agent-stopped', eventType: 902, stopReason: 'stop-api', leaveCode: 0 },
      ],
      [
        'EVENT_TYPE_AI_SERVICE_MSG (903)',
        AI_SERVICE_EVENTS.serviceMessage,
        {
          kind: 'message',
          eventType: 903,
          userId: 'user_alice',
          text: '今天深圳天气怎么样？',
          roundId: 'round-7f3a',
          startTimeMs: 1_726_627_368_100,
          endTimeMs: 1_726_627_370_400,
        },
      ],
      [
        'EVENT_TYPE_AI_START_OF_SPEECH (904)',
        AI_SERVICE_EVENTS.startOfSpeech,
        { kind: 'speech-started', eventType: 904, userId: 'user_alice', roundId: 'round-7f3a' },
      ],
      [
        'EVENT_TYPE_AI_SPEAKING_FINISHED (905)',
        AI_SERVICE_EVENTS.speakingFinished,
        {
          kind: 'agent-speaking-finished',
          eventType: 905,
          userId: FIXTURE_BOT_USER_ID,
          roundId: 'round-7f3a',
          text: '深圳今天多云，26 度。',
        },
      ],
      [
        'EVENT_TYPE_AI_METRIC_MESSAGE (906)',
        AI_SERVICE_EVENTS.metricMessage,
        {
          kind: 'metric',
          eventType: 906,
          metric: 'llm_first_token',
          value: 412,
          roundId: 'round-7f3a',
        },
      ],
      [
        'EVENT_TYPE_AI_ERROR_METRIC_CALLBACK (908)',
        AI_SERVICE_EVENTS.errorMetric,
        {
          kind: 'error',
          eventType: 908,
          metric: 'llm_error',
          roundId: 'round-7f3a',
          errorCode: 401,
          errorMessage: 'invalid api key',
        },
      ],
      [
        'EVENT_TYPE_AI_SESSION_STATUS_CALLBACK (909)',
        AI_SERVICE_EVENTS.sessionStatus,
        { kind: 'session-status', eventType: 909, status: 'session_ready' },
      ],
    ])('maps a signed %s to its variant', async (_name, body, expected) => {
      expect(await parse(body)).toEqual({ ...common, ...expected, raw: body });
    });

    it.each([
      [0, 'stop-api'],
      [1, 'kicked-by-user'],
      [2, 'room-dismissed-by-user'],
      [3, 'kicked-by-server'],
      [4, 'room-dismissed-by-server'],
      [98, 'internal-error'],
      [99, 'no-user-stream'],
      [5, 'unknown'],
    ])('reads LeaveCode %i as %s', async (leaveCode, stopReason) => {
      expect(await parse(aiServiceEvent(902, { LeaveCode: leaveCode }))).toMatchObject({
        stopReason,
        leaveCode,
      });
    });

    it('reads a failed start (Status 1)', async () => {
      expect(await parse(aiServiceEvent(901, { Status: 1 }))).toMatchObject({
        kind: 'agent-started',
        succeeded: false,
        status: 1,
      });
    });

    it('reads a numeric RoomId as a string and a string EventMsTs as milliseconds', async () => {
      const body = withInfo(AI_SERVICE_EVENTS.sessionStatus, {
        RoomId: 8489,
        EventMsTs: '1726627370950',
      });
      expect(await parse(body)).toMatchObject({ roomId: '8489', eventTimeMs: 1_726_627_370_950 });
    });

    it('reads the send time from CallbackMsTs, the field table spelling', async () => {
      const { CallbackTs: _omitted, ...body } = AI_SERVICE_EVENTS.sessionStatus;
      expect(await parse({ ...body, CallbackMsTs: 5 })).toMatchObject({ callbackTimeMs: 5 });
    });

    it('drops times of the wrong type and optional fields sent as null instead of rejecting', async () => {
      const body = withInfo(
        aiServiceEvent(903, { UserId: 'u', Text: '', RoundId: null, StartTimeMs: 'soon' }),
        { EventMsTs: { at: 'now' }, RoomIdType: null },
      );
      const webhook = await parse({ ...body, CallbackTs: -1 });
      expect(webhook).toMatchObject({ kind: 'message', text: '' });
      for (const field of [
        'roundId',
        'startTimeMs',
        'eventTimeMs',
        'callbackTimeMs',
        'roomIdType',
      ]) {
        expect(webhook).not.toHaveProperty(field);
      }
    });

    it('reads a metric value sent as a string, and a metric without a tag', async () => {
      const webhook = await parse(aiServiceEvent(906, { Metric: 'asr_latency', Value: '87.5' }));
      expect(webhook).toMatchObject({ kind: 'metric', value: 87.5 });
      expect(webhook).not.toHaveProperty('roundId');
    });

    it('ignores unknown fields', async () => {
      const body = aiServiceEvent(909, { Status: 'session_ready', Extra: [1, { a: 2 }] });
      expect(await parse({ ...body, NewField: true })).toMatchObject({ kind: 'session-status' });
    });

    it.each([
      [
        'no TaskId',
        withInfo(AI_SERVICE_EVENTS.serviceStart, { TaskId: undefined }),
        ['EventInfo', 'TaskId'],
      ],
      [
        'no Payload',
        withInfo(AI_SERVICE_EVENTS.serviceStart, { Payload: undefined }),
        ['EventInfo', 'Payload'],
      ],
      [
        'a Status that is a string',
        aiServiceEvent(901, { Status: '0' }),
        ['EventInfo', 'Payload', 'Status'],
      ],
      [
        'a message without Text',
        aiServiceEvent(903, { UserId: 'u' }),
        ['EventInfo', 'Payload', 'Text'],
      ],
      [
        'a metric without Value',
        aiServiceEvent(906, { Metric: 'asr_latency' }),
        ['EventInfo', 'Payload', 'Value'],
      ],
      [
        'an EventInfo that is an array',
        { ...AI_SERVICE_EVENTS.serviceStop, EventInfo: [] },
        ['EventInfo'],
      ],
    ])(
      'rejects a body with %s as invalid-payload (400), pointing at the field',
      async (_name, body, path) => {
        const error = await parseError(await webhookRequest({ body }));
        if (!ValidationError.isInstance(error)) throw error;
        expect(error.code).toBe('invalid-payload');
        expect(error.issues[0]?.path).toEqual(path);
        expect(webhookRejection(error).status).toBe(400);
      },
    );
  });

  describe('other events', () => {
    it('returns an event type of group 9 without a typed result (907) as unknown', async () => {
      const body = aiServiceEvent(907, { Anything: 1 });
      expect(await parse(body)).toEqual({
        kind: 'unknown',
        eventGroupId: 9,
        eventType: 907,
        sdkAppId: FIXTURE_SDK_APP_ID,
        callbackTimeMs: 1_726_627_371_000,
        raw: body,
      });
    });

    it('returns an event of another group, as signed in the published vector, as unknown', async () => {
      const [published] = PUBLISHED_VECTORS;
      const request = await webhookRequest({ rawBody: published.body, sign: published.sign });
      expect(await parseTrtcWebhook(request, { callbackKey: published.key })).toMatchObject({
        kind: 'unknown',
        eventGroupId: 2,
        eventType: 204,
        callbackTimeMs: 1_664_209_748_188,
      });
    });

    it('returns a group-15 (AI conversation 2.0) event as unknown without checking its shape', async () => {
      expect(await parse({ EventGroupId: 15, EventType: 1501, EventInfo: 'x' })).toMatchObject({
        kind: 'unknown',
        eventGroupId: 15,
        eventType: 1501,
      });
    });

    it('rejects a body without EventType or EventGroupId as missing-event-type', async () => {
      const { EventType: _type, ...noType } = AI_SERVICE_EVENTS.serviceStart;
      const { EventGroupId: _group, ...noGroup } = AI_SERVICE_EVENTS.serviceStart;
      expect(await rejectionOf(await webhookRequest({ body: noType }))).toEqual([
        400,
        'missing-event-type',
      ]);
      expect(await rejectionOf(await webhookRequest({ body: noGroup }))).toEqual([
        400,
        'missing-event-type',
      ]);
    });

    it('rejects an EventType that is not an integer as invalid-payload', async () => {
      const body = { ...AI_SERVICE_EVENTS.serviceStart, EventType: '901' };
      expect(await rejectionOf(await webhookRequest({ body }))).toEqual([400, 'invalid-payload']);
    });
  });

  describe('signature', () => {
    it('rejects a tampered body as a mismatch (401)', async () => {
      const request = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart });
      const sign = request.headers.get('Sign') ?? '';
      const tampered = JSON.stringify(AI_SERVICE_EVENTS.serviceStop, null, '\t');
      expect(await rejectionOf(await webhookRequest({ rawBody: tampered, sign }))).toEqual([
        401,
        'signature-mismatch',
      ]);
    });

    it('rejects a body signed with another key as a mismatch (401)', async () => {
      const request = await webhookRequest({
        body: AI_SERVICE_EVENTS.serviceStart,
        key: 'guessedKey123',
      });
      expect(await rejectionOf(request)).toEqual([401, 'signature-mismatch']);
    });

    it('rejects a request without a Sign header (401) before reading the body', async () => {
      const request = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, key: null });
      expect(await rejectionOf(request)).toEqual([401, 'signature-missing']);
      expect(request.bodyUsed).toBe(false);
    });

    it('rejects a malformed Sign header (401) before reading the body', async () => {
      const request = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, sign: 'abc' });
      expect(await rejectionOf(request)).toEqual([401, 'signature-malformed']);
      expect(request.bodyUsed).toBe(false);
    });

    it('verifies the raw bytes: a re-serialised but equal JSON body does not match', async () => {
      const request = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart });
      const sign = request.headers.get('Sign') ?? '';
      const compact = JSON.stringify(AI_SERVICE_EVENTS.serviceStart);
      expect(await rejectionOf(await webhookRequest({ rawBody: compact, sign }))).toEqual([
        401,
        'signature-mismatch',
      ]);
    });

    it('requires a callbackKey unless verifySignatures is false (500: our configuration)', async () => {
      const request = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart });
      const error = await parseError(request, {});
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
      expect((error as Error).message).toContain('TRTC_CALLBACK_KEY');
      expect(webhookRejection(error).status).toBe(500);
    });

    it('accepts an unsigned callback with verifySignatures: false', async () => {
      const request = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, key: null });
      const webhook = await parseTrtcWebhook(request, { verifySignatures: false });
      expect(webhook.kind).toBe('agent-started');
    });

    it('refuses another app when sdkAppId is given, and accepts its own', async () => {
      const other = await webhookRequest({
        body: AI_SERVICE_EVENTS.serviceStart,
        sdkAppId: '1400000002',
      });
      const none = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, sdkAppId: null });
      const own = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart });
      const options = { ...signed, sdkAppId: FIXTURE_SDK_APP_ID };
      expect(await rejectionOf(other, options)).toEqual([401, 'signature-app-mismatch']);
      expect(await rejectionOf(none, options)).toEqual([401, 'signature-app-mismatch']);
      expect((await parseTrtcWebhook(own, options)).kind).toBe('agent-started');
    });

    it('leaves sdkAppId out when the header is absent or not a number', async () => {
      const none = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, sdkAppId: null });
      const text = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart, sdkAppId: 'app' });
      expect(await parseTrtcWebhook(none, signed)).not.toHaveProperty('sdkAppId');
      expect(await parseTrtcWebhook(text, signed)).not.toHaveProperty('sdkAppId');
    });

    it.each([
      ['maxBodyBytes', { maxBodyBytes: 0 }],
      ['maxBodyBytes', { maxBodyBytes: 1.5 }],
      ['sdkAppId', { sdkAppId: -1 }],
      ['callbackKey', { callbackKey: '' }],
    ])('rejects an invalid %s as invalid-option', async (name, options) => {
      const request = await webhookRequest({ body: AI_SERVICE_EVENTS.serviceStart });
      const error = await parseError(request, { ...signed, ...options });
      expect(ValidationError.isInstance(error) && error.code).toBe('invalid-option');
      expect((error as Error).message).toContain(name);
    });
  });

  describe('malformed bodies', () => {
    it.each([
      ['not JSON', '{"EventGroupId":9,', 'invalid-json'],
      ['empty', '', 'invalid-json'],
      ['a JSON array', '[9,901]', 'invalid-payload'],
      ['JSON null', 'null', 'invalid-payload'],
    ])('rejects a signed body that is %s as %s (400)', async (_name, rawBody, code) => {
      expect(await rejectionOf(await webhookRequest({ rawBody }))).toEqual([400, code]);
    });

    it('rejects a signed body that is not UTF-8 as invalid-encoding (400)', async () => {
      const rawBody = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
      expect(await rejectionOf(await webhookRequest({ rawBody }))).toEqual([
        400,
        'invalid-encoding',
      ]);
    });

    it('rejects a signed body nested 50,000 levels deep as json-too-deep (400, not a crash)', async () => {
      const deep = `${'['.repeat(50_000)}0${']'.repeat(50_000)}`;
      const rawBody = `{"EventGroupId":9,"EventType":901,"EventInfo":${deep}}`;
      expect(await rejectionOf(await webhookRequest({ rawBody }))).toEqual([400, 'json-too-deep']);
    });

    it('rejects a body over maxBodyBytes as body-too-large (413)', async () => {
      const rawBody = JSON.stringify({ ...AI_SERVICE_EVENTS.serviceStart, Pad: 'x'.repeat(2048) });
      const request = await webhookRequest({ rawBody });
      expect(await rejectionOf(request, { ...signed, maxBodyBytes: 1024 })).toEqual([
        413,
        'body-too-large',
      ]);
    });

    it('stops reading a streamed body without a length once it passes the cap (413)', async () => {
      let pulls = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulls += 1;
          controller.enqueue(new Uint8Array(1024).fill(0x20));
        },
      });
      const init = {
        method: 'POST',
        body: stream,
        duplex: 'half',
        headers: { Sign: PUBLISHED_VECTORS[0].sign },
      };
      const request = new Request('https://bot.example.com/trtc/callback', init as RequestInit);
      expect(await rejectionOf(request, { ...signed, maxBodyBytes: 4096 })).toEqual([
        413,
        'body-too-large',
      ]);
      expect(pulls).toBeLessThan(10);
    });

    it('checks the signature before the JSON: an unsigned junk body is a 401, not a 400', async () => {
      const request = await webhookRequest({ rawBody: '{not json', key: 'otherKey' });
      expect(await rejectionOf(request)).toEqual([401, 'signature-mismatch']);
    });
  });
});
