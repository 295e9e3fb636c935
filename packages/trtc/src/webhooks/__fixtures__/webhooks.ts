/**
 * TRTC callback bodies in the shapes TRTC posts, built from the envelope and payload tables of
 * `shared/reference/trtc.md` §5 (trtc.io/document/68331, cloud.tencent.com/document/product/647/115506):
 * `EventGroupId` 9, `EventType`, `CallbackTs` (ms), `EventInfo` with `EventMsTs`, `TaskId`,
 * `RoomId` (a string in the group-9 examples), `RoomIdType` and the event's `Payload`. The
 * published signature vectors are copied byte for byte.
 */
import { computeTrtcWebhookSignature } from '../sign.ts';

/** The key the fixtures are signed with (the console takes up to 32 letters and digits). */
export const FIXTURE_CALLBACK_KEY = 'Kx7pQ2mZ9vR4tY8w';
/** The SDKAppID the fixtures are sent for. */
export const FIXTURE_SDK_APP_ID = 1_400_000_001;
/** The task the fixtures belong to. */
export const FIXTURE_TASK_ID =
  '-ZXCvbnM1fqR9OknbF7i+TAtRidQZDJmdt3B7HDuzyxYIAOStgPRVnFHUN3l+KCDD0cpWTFw==';
/** The bot's user id in the fixtures. */
export const FIXTURE_BOT_USER_ID = 'ai_bot_0001';

/**
 * The published vectors of the callback signature (reference §5). The first is printed on the
 * page (its Java and Python samples); the second, from the PHP and Go samples, was computed by
 * the reference's authors with two independent HMAC implementations. Both bodies hold real
 * newlines and tabs.
 */
export const PUBLISHED_VECTORS = [
  {
    name: 'Java/Python sample (group 2, EventType 204)',
    key: '123654',
    body: '{\n\t"EventGroupId":\t2,\n\t"EventType":\t204,\n\t"CallbackTs":\t1664209748188,\n\t"EventInfo":\t{\n\t\t"RoomId":\t8489,\n\t\t"EventTs":\t1664209748,\n\t\t"EventMsTs":\t1664209748180,\n\t\t"UserId":\t"user_85034614",\n\t\t"Reason":\t0\n\t}\n}',
    sign: 'kkoFeO3Oh2ZHnjtg8tEAQhtXK16/KI05W3BQff8IvGA=',
  },
  {
    name: 'PHP/Go sample (group 1, EventType 101)',
    key: '789',
    body: '{\n\t"EventGroupId":\t1,\n\t"EventType":\t101,\n\t"CallbackTs":\t1608086882372,\n\t"EventInfo":\t{\n\t\t"RoomId":\t20222,\n\t\t"EventTs":\t1608086882,\n\t\t"UserId":\t"222222_phone"\n\t}\n}',
    sign: 't2Yq1R4wilV/RIMRyygkgdhxWO8dgTdXXrfNVtz7V3k=',
  },
] as const;

/** A group-9 body with `EventType` `eventType` and `payload`. */
export function aiServiceEvent(
  eventType: number,
  payload: Record<string, unknown>,
): Record<string, unknown> {
  return {
    EventGroupId: 9,
    EventType: eventType,
    CallbackTs: 1_726_627_371_000,
    EventInfo: {
      EventMsTs: 1_726_627_370_950,
      TaskId: FIXTURE_TASK_ID,
      RoomId: '1234',
      RoomIdType: 0,
      Payload: payload,
    },
  };
}

/** One body of each event type of group 9 the reference documents (901–906, 908, 909). */
export const AI_SERVICE_EVENTS = {
  serviceStart: aiServiceEvent(901, { Status: 0 }),
  serviceStop: aiServiceEvent(902, { LeaveCode: 0 }),
  serviceMessage: aiServiceEvent(903, {
    UserId: 'user_alice',
    Text: '今天深圳天气怎么样？',
    StartTimeMs: 1_726_627_368_100,
    EndTimeMs: 1_726_627_370_400,
    RoundId: 'round-7f3a',
  }),
  startOfSpeech: aiServiceEvent(904, { UserId: 'user_alice', RoundId: 'round-7f3a' }),
  speakingFinished: aiServiceEvent(905, {
    UserId: FIXTURE_BOT_USER_ID,
    RoundId: 'round-7f3a',
    Text: '深圳今天多云，26 度。',
  }),
  metricMessage: aiServiceEvent(906, {
    Metric: 'llm_first_token',
    Value: 412,
    Tag: { RoundId: 'round-7f3a' },
  }),
  errorMetric: aiServiceEvent(908, {
    Metric: 'llm_error',
    Tag: { RoundId: 'round-7f3a', Code: 401, Message: 'invalid api key' },
  }),
  sessionStatus: aiServiceEvent(909, { Status: 'session_ready' }),
} as const;

/** Options of {@link webhookRequest}. */
export interface WebhookRequestOptions {
  /** A JSON body (serialised with tabs, like TRTC's samples). */
  body?: unknown;
  /** The exact body, instead of `body`. */
  rawBody?: string | Uint8Array;
  /** The key to sign with; `null` sends no `Sign` header. @default FIXTURE_CALLBACK_KEY */
  key?: string | null;
  /** A `Sign` header to send as it is, instead of a computed one. */
  sign?: string;
  /** The `SdkAppId` header; `null` sends none. @default FIXTURE_SDK_APP_ID */
  sdkAppId?: string | null;
}

/** A callback request as TRTC posts it: JSON body, `Sign` and `SdkAppId` headers. */
export async function webhookRequest(options: WebhookRequestOptions = {}): Promise<Request> {
  const raw = options.rawBody ?? JSON.stringify(options.body, null, '\t');
  const headers = new Headers({ 'content-type': 'application/json' });
  const key = options.key === undefined ? FIXTURE_CALLBACK_KEY : options.key;
  if (options.sign !== undefined) headers.set('Sign', options.sign);
  else if (key !== null) {
    headers.set('Sign', await computeTrtcWebhookSignature(raw, { callbackKey: key }));
  }
  const sdkAppId = options.sdkAppId === undefined ? String(FIXTURE_SDK_APP_ID) : options.sdkAppId;
  if (sdkAppId !== null) headers.set('SdkAppId', sdkAppId);
  const body = typeof raw === 'string' ? raw : new Uint8Array(raw);
  return new Request('https://bot.example.com/trtc/callback', { method: 'POST', body, headers });
}
