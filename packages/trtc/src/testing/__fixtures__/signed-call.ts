/**
 * Test helpers of the local TRTC: requests signed with the package's real `signTc3Request`, and a
 * loopback receiver for webhooks.
 *
 * @module
 */
import { createServer } from 'node:http';
import { type SignTC3RequestOptions, signTc3Request } from '../../signing/tc3.ts';
import { createLocalTRTC } from '../local-trtc.ts';
import type { LocalTRTC, LocalTRTCOptions } from '../types.ts';

export const SECRET_ID = 'AKIDlocaltrtc0123456789';
export const SECRET_KEY = 'local-trtc-secret-key-0123456789';
export const SDK_APP_ID = 1_400_000_000;
export const CALLBACK_KEY = 'abc123';
/** The server's fixed clock: 2023-11-14T22:13:20Z. */
export const NOW_MS = 1_700_000_000_000;

/** A local TRTC on the fixed clock {@link NOW_MS}; the caller closes it. */
export function startLocal(options: Partial<LocalTRTCOptions> = {}): Promise<LocalTRTC> {
  return createLocalTRTC({
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    sdkAppId: SDK_APP_ID,
    now: () => NOW_MS,
    ...options,
  });
}

/** What a signed call answered. */
export interface CallResult {
  status: number;
  /** The parsed JSON body, or the text when it is not JSON. */
  body: { Response: Record<string, unknown> & { Error?: { Code: string; Message: string } } };
  text: string;
}

/** Options of {@link call}: changes to what is signed, and to what is sent after signing. */
export interface CallOptions {
  sign?: Partial<SignTC3RequestOptions>;
  /** The body sent, when it differs from the one signed. */
  sentBody?: string;
  /** Headers to change (a value) or drop (`null`) after signing. */
  headers?: Record<string, string | null>;
}

/** POSTs `action` with `body` to the local TRTC, signed like the real client signs. */
export async function call(
  local: LocalTRTC,
  action: string,
  body: unknown,
  options: CallOptions = {},
): Promise<CallResult> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const url = new URL(local.baseUrl);
  const { headers } = signTc3Request({
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    service: 'trtc',
    host: url.host,
    action,
    version: '2019-07-22',
    region: 'ap-guangzhou',
    timestampSeconds: Math.floor(NOW_MS / 1000),
    payload,
    ...options.sign,
  });
  const { Host: _host, ...sent } = headers;
  const finalHeaders: Record<string, string> = { ...sent };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) delete finalHeaders[name];
    else finalHeaders[name] = value;
  }
  const response = await fetch(local.baseUrl, {
    method: 'POST',
    headers: finalHeaders,
    body: options.sentBody ?? payload,
  });
  const text = await response.text();
  let parsed: CallResult['body'];
  try {
    parsed = JSON.parse(text) as CallResult['body'];
  } catch {
    parsed = { Response: {} };
  }
  return { status: response.status, body: parsed, text };
}

/** The `Error.Code` of a call's answer (`undefined` for a success). */
export function errorCode(result: CallResult): string | undefined {
  return result.body.Response.Error?.Code;
}

/** A valid `StartAIConversation` body. */
export function startBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    SdkAppId: SDK_APP_ID,
    RoomId: '1234',
    AgentConfig: { UserId: 'bot', UserSig: 'sig', TargetUserId: 'alice' },
    LLMConfig: JSON.stringify({
      LLMType: 'openai',
      Model: 'gpt-4o-mini',
      APIKey: 'llm-key',
      APIUrl: 'http://127.0.0.1:9/v1/chat/completions',
      Streaming: true,
    }),
    TTSConfig: JSON.stringify({
      TTSType: 'flow',
      VoiceId: 'v-female-R2s4N9qJ',
      Model: 'flow_01_turbo',
    }),
    ...overrides,
  };
}

/** A received webhook. */
export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Options of {@link startReceiver}. */
export interface ReceiverOptions {
  /** The first `failures` webhooks are answered `failureStatus`. @default 0 */
  failures?: number;
  /** @default 500 */
  failureStatus?: number;
}

/**
 * A loopback server that records the webhooks it receives (failed ones too) and answers 200, or
 * `failureStatus` to the first `failures`.
 */
export async function startReceiver(options: ReceiverOptions = {}): Promise<{
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const failed = received.length <= (options.failures ?? 0);
      response.writeHead(failed ? (options.failureStatus ?? 500) : 200, {
        'content-type': 'application/json',
      });
      response.end(failed ? '{"code":1}' : '{"code":0}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}/trtc/webhook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
