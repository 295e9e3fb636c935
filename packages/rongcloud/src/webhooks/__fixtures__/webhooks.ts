/**
 * Bot webhook bodies in the shapes RongCloud posts, built from the field list in
 * `shared/reference/rongcloud-dify.md` §A6 (RCDOC bot/callback-channels/bot-callback-webhook) and
 * the content formats of §A5: common `type`, `timestamp` (ms) and `bot`; `data.content` a string
 * holding the content's JSON. The id and time fields of `data` (`msgUID`, `msgTimestamp`) and the
 * whole group event are imbridge's assumptions (reference "Open questions"), and are marked so.
 */
import { rongCloudSignature } from '../../signing/signature.ts';

/** The App Secret the fixtures are signed with. */
export const FIXTURE_APP_SECRET = 'Y1W2MeFwwwRxa0';
/** The bot the fixtures are sent to. */
export const FIXTURE_BOT_USER_ID = 'bot-test004';
/** When the fixtures' signatures are made (unix ms). */
export const FIXTURE_NOW_MS = 1_726_627_371_000;

/** The `bot` object as created in the Dify guide's example (metadata with a number, as there). */
export const fixtureBot = {
  userId: FIXTURE_BOT_USER_ID,
  name: '消息助手',
  profileUrl: 'https://example.com/bot.png',
  type: 'Message AI',
  metadata: { version: 1, scene: 'support' },
};

/** `message:private` with an `RC:TxtMsg` (documented fields, plus the assumed `msgUID`, `msgTimestamp`). */
export const privateTextMessage = {
  type: 'message:private',
  timestamp: 1_726_627_370_950,
  bot: fixtureBot,
  data: {
    fromUserId: 'user_alice',
    toUserId: FIXTURE_BOT_USER_ID,
    objectName: 'RC:TxtMsg',
    content: JSON.stringify({
      content: '明天深圳天气怎么样？',
      extra: '',
      user: { id: 'user_alice', name: 'Alice', portrait: 'https://example.com/alice.png' },
    }),
    channelType: 'PERSON',
    msgUID: 'C3AA-3KSA-0I45-3DCP',
    msgTimestamp: 1_726_627_370_900,
  },
};

/** `message:private` with an `RC:ImgMsg` (no text; the content is kept). */
export const privateImageMessage = {
  type: 'message:private',
  timestamp: 1_726_627_370_950,
  bot: fixtureBot,
  data: {
    fromUserId: 'user_alice',
    toUserId: FIXTURE_BOT_USER_ID,
    objectName: 'RC:ImgMsg',
    content: JSON.stringify({
      content: '/9j/4AAQSkZJRgABAQ',
      imageUri: 'https://example.com/photo.jpg',
    }),
    channelType: 'PERSON',
  },
};

/** `message:group` (assumed name): an `RC:TxtMsg` that @-mentions the bot. */
export const groupMentionMessage = {
  type: 'message:group',
  timestamp: 1_726_627_370_950,
  bot: fixtureBot,
  data: {
    fromUserId: 'user_bob',
    toGroupId: 'group-42',
    objectName: 'RC:TxtMsg',
    content: JSON.stringify({
      content: '@消息助手 总结一下',
      mentionedInfo: {
        type: 2,
        userIdList: [FIXTURE_BOT_USER_ID],
        mentionedContent: '有人@你',
      },
    }),
    channelType: 'GROUP',
    messageUID: 'C3AA-3KSA-0I45-9XYZ',
    sentTime: 1_726_627_370_800,
  },
};

/** The query-parameter spellings RongCloud has documented for callback signatures. */
export type SignatureSpelling = 'sign-timestamp' | 'rc-prefixed' | 'plain-timestamp';

/** Options of {@link signedQuery}. */
export interface SignedQueryOptions {
  appSecret?: string;
  nonce?: string;
  /** As sent: ms for `sign-timestamp`, seconds for `rc-prefixed` unless given. */
  timestamp?: string;
  spelling?: SignatureSpelling;
}

/** Signature query parameters made with the real signature function. */
export function signedQuery(options: SignedQueryOptions = {}): Record<string, string> {
  const spelling = options.spelling ?? 'sign-timestamp';
  const nonce = options.nonce ?? '83682';
  const timestamp =
    options.timestamp ??
    (spelling === 'rc-prefixed' ? String(FIXTURE_NOW_MS / 1000) : String(FIXTURE_NOW_MS));
  const signature = rongCloudSignature(options.appSecret ?? FIXTURE_APP_SECRET, nonce, timestamp);
  switch (spelling) {
    case 'rc-prefixed':
      return { 'rc-nonce': nonce, 'rc-timestamp': timestamp, 'rc-signature': signature };
    case 'plain-timestamp':
      return { nonce, timestamp, signature };
    default:
      return { nonce, signTimestamp: timestamp, signature };
  }
}

/** Options of {@link webhookRequest}. */
export interface WebhookRequestOptions {
  /** JSON body; ignored when `rawBody` is given. */
  body?: unknown;
  /** Raw body instead of `JSON.stringify(body)`. */
  rawBody?: string | Uint8Array<ArrayBuffer>;
  /** Query parameters (the signature). */
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** A webhook request as RongCloud sends it: POST JSON to the callback URL plus the query. */
export function webhookRequest(options: WebhookRequestOptions): Request {
  const query = new URLSearchParams(options.query ?? {});
  return new Request(`https://bot.example.com/rongcloud/webhook?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.rawBody ?? JSON.stringify(options.body),
  });
}
