/**
 * Bot child "reference": a minimal hand-written Tencent Chat robot, the CPU reference row. It
 * sends the HTTP traffic the adapter sends for a streamed reply in the chatbot custom-message
 * protocol, built by hand:
 *
 * 1. webhook: `node:http`, body read with a 1 MiB cap, `SdkAppid` and `Sign` checked
 *    (`sha256_hex(token + RequestTime)`, 60 s window, constant-time compare) before parsing,
 *    `JSON.parse`, a precomputed 200 acknowledgement;
 * 2. `openim/sendmsg` with the first delta (`chunks: [first]`, `isFinished: 0`), one attempt;
 * 3. at least 500 ms after the send started (the adapter's `minUpdateIntervalMs`):
 *    `openim/modify_c2c_msg` with the cumulative chunks and `isFinished: 1`; if the send was
 *    refused, after a 1 s pause, one `sendmsg` with the whole answer and `isFinished: 1` instead.
 *    The final call is retried on 60007/5xx/network errors, 500 ms → 4 s apart, for 30 s.
 *
 * Every attempt takes a token from a simple bucket per API (200/s, burst 200, like the
 * client's). The admin UserSig is minted once with the package's `genUserSig`; the rest of the
 * query (`sdkappid`, `identifier`, `random`, `contenttype`) is written by hand.
 *
 * With `kyModuleUrl` in its settings (the `reference-ky` run) it sends each attempt with ky
 * instead of `fetch` — ky's lightest use (`retry: 0`, no hooks, the default 10 s timeout) — so
 * the bench shows what the HTTP library alone costs per reply.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { genUserSig } from '@imbridge/tencent-chat/user-sig';
import { readChildConfig, serveParent } from './child-ipc.ts';
import { answerDeltas, type ChildStats } from './protocol.ts';

const config = readChildConfig();
const stats: ChildStats = {};
const bump = (name: string): void => {
  stats[name] = (stats[name] ?? 0) + 1;
};

const MAX_BODY_BYTES = 1024 * 1024;
const MIN_UPDATE_INTERVAL_MS = 500;
const PAUSE_AFTER_REFUSED_UPDATE_MS = 1_000;
const FINAL_DEADLINE_MS = 30_000;
const RETRYABLE_CODES = new Set([60007, 60011, 60018, 60019, 10006, 10023, 60008, 60013, 60014]);
const ACK = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';
const FORBID = ['ForbidBeforeSendMsgCallback', 'ForbidAfterSendMsgCallback'];

/** ky's default export, when this run sends with ky. */
type KyPost = (
  url: string,
  options: {
    headers: Record<string, string>;
    body: string;
    retry: number;
    throwHttpErrors: boolean;
  },
) => Promise<Response>;
const kyPost: KyPost | undefined =
  config.kyModuleUrl === undefined
    ? undefined
    : ((await import(config.kyModuleUrl)) as { default: { post: KyPost } }).default.post;

const userSig = await genUserSig({
  sdkAppId: config.sdkAppId,
  secretKey: config.secretKey,
  userId: config.adminUserId,
  expiresInSeconds: 86_400,
});
const urlPrefix = `${config.baseUrl}/v4/`;
const query = `?sdkappid=${config.sdkAppId}&identifier=${encodeURIComponent(config.adminUserId)}&usersig=${encodeURIComponent(userSig)}&random=`;

// ---- a token bucket per API ----

interface Bucket {
  take(): Promise<void> | undefined;
}

function createBucket(ratePerSecond: number, burst: number): Bucket {
  let tokens = burst;
  let updatedAtMs = Date.now();
  let scheduled = false;
  const waiting: (() => void)[] = [];
  const refill = (): void => {
    const nowMs = Date.now();
    tokens = Math.min(burst, tokens + ((nowMs - updatedAtMs) * ratePerSecond) / 1000);
    updatedAtMs = nowMs;
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setTimeout(drain, ((1 - tokens) * 1000) / ratePerSecond);
  };
  function drain(): void {
    scheduled = false;
    refill();
    while (waiting.length > 0 && tokens >= 1) {
      tokens -= 1;
      waiting.shift()?.();
    }
    if (waiting.length > 0) schedule();
  }
  return {
    take() {
      if (waiting.length === 0) {
        refill();
        if (tokens >= 1) {
          tokens -= 1;
          return undefined;
        }
      }
      return new Promise((resolve) => {
        waiting.push(resolve);
        schedule();
      });
    },
  };
}

const buckets = new Map<string, Bucket>();
function bucketOf(api: string): Bucket {
  let bucket = buckets.get(api);
  if (bucket === undefined) {
    bucket = createBucket(config.callsPerSecondPerApi, config.callsPerSecondPerApi);
    buckets.set(api, bucket);
  }
  return bucket;
}

// ---- REST calls ----

interface CallResult {
  ok: boolean;
  retryable: boolean;
  msgKey?: string | undefined;
}

const randomUint32 = (): number => (Math.random() * 0x1_0000_0000) >>> 0;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One attempt: a token, then the POST; the envelope's `ErrorCode` decides. */
async function attempt(api: string, body: string): Promise<CallResult> {
  const wait = bucketOf(api).take();
  if (wait !== undefined) await wait;
  bump(`calls.${api}`);
  try {
    const url = `${urlPrefix}${api}${query}${randomUint32()}&contenttype=json`;
    const headers = { accept: 'application/json', 'content-type': 'application/json' };
    const response =
      kyPost === undefined
        ? await fetch(url, { method: 'POST', headers, body })
        : await kyPost(url, { headers, body, retry: 0, throwHttpErrors: false });
    const text = await response.text();
    if (!response.ok) {
      bump(`failed.http-${response.status}`);
      return { ok: false, retryable: response.status >= 500 || response.status === 429 };
    }
    const answer = JSON.parse(text) as { ErrorCode?: number; MsgKey?: string };
    if (answer.ErrorCode === 0) return { ok: true, retryable: false, msgKey: answer.MsgKey };
    bump(`failed.${answer.ErrorCode}`);
    return { ok: false, retryable: RETRYABLE_CODES.has(answer.ErrorCode ?? 0) };
  } catch {
    bump('failed.network');
    return { ok: false, retryable: true };
  }
}

/** The final call: retried while it is retryable, 500 ms → 4 s apart (±20 %), for 30 s. */
async function finalCall(api: string, body: string): Promise<boolean> {
  const deadlineMs = Date.now() + FINAL_DEADLINE_MS;
  for (let retry = 0; ; retry += 1) {
    const result = await attempt(api, body);
    if (result.ok) return true;
    const delayMs = Math.min(4_000, 500 * 2 ** retry) * (0.8 + Math.random() * 0.4);
    if (!result.retryable || Date.now() + delayMs > deadlineMs) return false;
    bump('retries');
    await sleep(delayMs);
  }
}

function streamData(chunks: string[], finished: boolean): string {
  return JSON.stringify({ chatbotPlugin: 2, src: 2, chunks, isFinished: finished ? 1 : 0 });
}

function sendBody(robotId: string, userId: string, chunks: string[], finished: boolean): string {
  return JSON.stringify({
    SyncOtherMachine: 2,
    From_Account: robotId,
    To_Account: userId,
    MsgSeq: 4_294_966_296 + (Date.now() % 1000),
    MsgRandom: randomUint32(),
    MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: streamData(chunks, finished) } }],
    ForbidCallbackControl: FORBID,
  });
}

function modifyBody(robotId: string, userId: string, msgKey: string, chunks: string[]): string {
  return JSON.stringify({
    From_Account: robotId,
    To_Account: userId,
    MsgKey: msgKey,
    MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: streamData(chunks, true) } }],
  });
}

async function reply(robotId: string, userId: string, question: string): Promise<void> {
  const [first = '', ...more] = answerDeltas(question);
  const rest = more.join('');
  const openedAtMs = Date.now();
  const opened = await attempt('openim/sendmsg', sendBody(robotId, userId, [first], false));
  let finished: boolean;
  if (opened.ok && opened.msgKey !== undefined) {
    const waitMs = openedAtMs + MIN_UPDATE_INTERVAL_MS - Date.now();
    if (waitMs > 0) await sleep(waitMs);
    const body = modifyBody(robotId, userId, opened.msgKey, [first, rest]);
    finished = await finalCall('openim/modify_c2c_msg', body);
  } else {
    bump('paused');
    await sleep(
      Math.max(PAUSE_AFTER_REFUSED_UPDATE_MS, openedAtMs + MIN_UPDATE_INTERVAL_MS - Date.now()),
    );
    finished = await finalCall('openim/sendmsg', sendBody(robotId, userId, [first + rest], true));
  }
  bump(finished ? 'replies.finished' : 'replies.failed');
}

// ---- webhooks ----

interface C2CCallback {
  CallbackCommand?: string;
  From_Account?: string;
  To_Account?: string;
  MsgBody?: { MsgType?: string; MsgContent?: { Text?: unknown } }[];
}

function signatureValid(url: string): boolean {
  const params = new URLSearchParams(url.slice(url.indexOf('?') + 1));
  const requestTime = params.get('RequestTime');
  const sign = params.get('Sign')?.toLowerCase();
  if (params.get('SdkAppid') !== String(config.sdkAppId)) return false;
  if (requestTime === null || !/^\d{1,15}$/.test(requestTime) || sign?.length !== 64) return false;
  if (Math.abs(Date.now() / 1000 - Number(requestTime)) > 60) return false;
  const expected = createHash('sha256')
    .update(config.callbackToken + requestTime)
    .digest('hex');
  return timingSafeEqual(Buffer.from(sign), Buffer.from(expected));
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks).toString('utf8') : undefined),
    );
    request.on('error', () => resolve(undefined));
  });
}

const server = createServer((request, response) => {
  if (!signatureValid(request.url ?? '')) {
    bump('webhooks.rejected');
    response.writeHead(401).end();
    request.resume();
    return;
  }
  void readBody(request).then((text) => {
    let callback: C2CCallback;
    try {
      callback = JSON.parse(text ?? '') as C2CCallback;
    } catch {
      response.writeHead(400).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(ACK);
    const element = callback.MsgBody?.[0];
    const question = element?.MsgType === 'TIMTextElem' ? element.MsgContent?.Text : undefined;
    const { From_Account: userId, To_Account: robotId } = callback;
    if (callback.CallbackCommand !== 'Bot.OnC2CMessage' || typeof question !== 'string') return;
    if (userId === undefined || robotId !== config.robotId) return;
    void reply(robotId, userId, question);
  });
});

await serveParent(server, () => stats);
