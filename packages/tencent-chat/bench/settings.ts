/**
 * The inputs every figure shares: the UserSig options, `tls-sig-api-v2` (the official package
 * each figure compares with) and the signed `Bot.OnC2CMessage` webhook of figures 2 and 3.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { botC2CTextMessage, FIXTURE_SDK_APP_ID } from '../src/webhooks/__fixtures__/callbacks.ts';

/** packages/tencent-chat. */
export const packageDirectory = join(dirname(fileURLToPath(import.meta.url)), '..');

export const SDK_APP_ID = 1_400_000_000;
export const SECRET_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
export const USER_ID = 'administrator';
export const EXPIRES_IN_SECONDS = 86_400;
export const CALLBACK_TOKEN = 'bench-callback-token-0123456789';

const require = createRequire(import.meta.url);
/** `tls-sig-api-v2`'s entry (CJS: it has no ESM build). */
export const officialPath = require.resolve('tls-sig-api-v2');

export interface OfficialApi {
  genUserSig(userId: string, expire: number): string;
}
export const { Api } = require(officialPath) as {
  Api: new (sdkAppId: number, key: string) => OfficialApi;
};

/** A signed Bot.OnC2CMessage webhook as Tencent posts it, signed for `requestTime`. */
export interface SignedWebhook {
  sdkAppId: number;
  requestTime: number;
  /** Full URL, query included. */
  url: string;
  /** Path + query: what `node:http` hands a handler as `request.url`. */
  path: string;
  body: string;
  headers: Record<string, string>;
}

/** The fixture webhook, signed with {@link CALLBACK_TOKEN} for now (or `requestTime`). */
export function signedWebhook(requestTime = Math.floor(Date.now() / 1000)): SignedWebhook {
  const sign = createHash('sha256').update(`${CALLBACK_TOKEN}${requestTime}`).digest('hex');
  const body = JSON.stringify(botC2CTextMessage);
  const query = new URLSearchParams({
    SdkAppid: String(FIXTURE_SDK_APP_ID),
    CallbackCommand: 'Bot.OnC2CMessage',
    contenttype: 'json',
    ClientIP: '203.0.113.7',
    OptPlatform: 'Web',
    RequestTime: String(requestTime),
    Sign: sign,
  });
  const path = `/tencent/webhook?${query}`;
  return {
    sdkAppId: FIXTURE_SDK_APP_ID,
    requestTime,
    url: `https://bot.example.com${path}`,
    path,
    body,
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    },
  };
}
