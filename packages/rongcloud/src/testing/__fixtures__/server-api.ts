/**
 * Test helpers for the local RongCloud: signed Server API calls over plain `fetch` (signature
 * from the real `rongCloudSignature`), a local RongCloud that closes after each test, and a
 * webhook receiver that records what it gets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterEach } from 'vitest';
import { z } from 'zod';
import { rongCloudSignature } from '../../signing/signature.ts';
import type { LocalRongCloudAPI } from '../apis.ts';
import { createLocalRongCloud } from '../local-rongcloud.ts';
import type { LocalHost, LocalRongCloud, LocalRongCloudOptions } from '../types.ts';

export const APP_KEY = 'local-app-key';
export const APP_SECRET = 'local-app-secret';
/** A Dify base URL nothing listens on: calls to it are refused at once. */
export const CLOSED_DIFY_URL = 'http://127.0.0.1:2/v1';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A local RongCloud with the test app, closed after the test. */
export async function startLocal(
  options: Partial<LocalRongCloudOptions> = {},
): Promise<LocalRongCloud> {
  const local = await createLocalRongCloud({ appKey: APP_KEY, appSecret: APP_SECRET, ...options });
  cleanups.push(() => local.close());
  return local;
}

/** How to sign and send one call. */
export interface CallOptions {
  host?: LocalHost;
  appKey?: string;
  /** The secret the signature is made with. */
  secret?: string;
  nonce?: string;
  timestamp?: string;
  signature?: string;
  /** Use the `RC-` header spellings. */
  prefixed?: boolean;
  /** Override the content type the API takes. */
  contentType?: string;
  /** Leave these headers out. */
  omit?: ReadonlyArray<'App-Key' | 'Nonce' | 'Timestamp' | 'Signature'>;
}

let nonceCounter = 0;

/** The four signature headers, fresh per call. */
export function signedHeaders(options: CallOptions = {}): Record<string, string> {
  nonceCounter += 1;
  const nonce = options.nonce ?? String(100000 + nonceCounter);
  const timestamp = options.timestamp ?? String(Date.now());
  const signature =
    options.signature ?? rongCloudSignature(options.secret ?? APP_SECRET, nonce, timestamp);
  const values = {
    'App-Key': options.appKey ?? APP_KEY,
    Nonce: nonce,
    Timestamp: timestamp,
    Signature: signature,
  };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (options.omit?.includes(name as 'App-Key')) continue;
    headers[options.prefixed === true ? `RC-${name}` : name] = value;
  }
  return headers;
}

/** A form body: arrays repeat the key. */
export type FormFields = Record<string, string | number | ReadonlyArray<string>>;

/** A form body as text (`toUserId=a&toUserId=b`). */
export function formBody(fields: FormFields): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, String(item));
  }
  return form.toString();
}

const answerSchema = z.looseObject({ code: z.number() });

/** What a call answered. */
export interface CallAnswer {
  status: number;
  body: z.infer<typeof answerSchema>;
}

/**
 * Sends one signed call: a form body for `/user/*` and `/message/*`, JSON for `/v3/*` (a string
 * body is sent as is).
 */
export async function call(
  local: LocalRongCloud,
  api: LocalRongCloudAPI | string,
  body: unknown,
  options: CallOptions = {},
): Promise<CallAnswer> {
  const json = api.startsWith('/v3/');
  const text =
    typeof body === 'string' ? body : json ? JSON.stringify(body) : formBody(body as FormFields);
  const baseUrl = options.host === 'backup' ? local.backupUrl : local.primaryUrl;
  const response = await fetch(`${baseUrl}${api}`, {
    method: 'POST',
    headers: {
      'content-type':
        options.contentType ??
        (json ? 'application/json;charset=UTF-8' : 'application/x-www-form-urlencoded'),
      ...signedHeaders(options),
    },
    body: text,
  });
  return { status: response.status, body: answerSchema.parse(await response.json()) };
}

/**
 * A `dify_chatflow` + `webhook` bot body, as in RongCloud's Dify guide — but its Dify base URL is
 * a closed port on 127.0.0.1 (the local RongCloud calls Dify for it: the call is refused at once
 * and logged, nothing leaves the machine).
 */
export function botBody(userId: string, webhookUrl = 'https://yourserver.com/callback') {
  return {
    userId,
    name: '消息助手',
    type: 'Message AI',
    profileUrl: 'https://example.com/avatar.png',
    metadata: { version: '1' },
    integrations: [
      {
        type: 'webhook',
        callbackUrl: webhookUrl,
        objectNames: ['RC:TxtMsg'],
        events: ['message:private', 'message:group'],
      },
      {
        type: 'dify_chatflow',
        callbackUrl: CLOSED_DIFY_URL,
        stream: true,
        auth: { apiKey: 'app-dify-key' },
      },
    ],
  };
}

/** One request a webhook receiver got. */
export interface Received {
  url: URL;
  body: unknown;
}

/** A webhook receiver on 127.0.0.1 that answers `{ ok: true }` and records every request. */
export async function startReceiver(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        url: new URL(request.url ?? '/', 'http://127.0.0.1'),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}/rongcloud/webhook?route=bot`, received };
}
