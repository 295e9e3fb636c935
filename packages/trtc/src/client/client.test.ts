import { inspect } from 'node:util';
import { APICallError, ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  answer,
  answerError,
  type LoopbackServer,
  startLoopback,
} from './__fixtures__/loopback.ts';
import { createTrtcClient } from './client.ts';
import type { TRTCClientOptions } from './options.ts';

const SECRET_ID = 'AKIDloopback';
const SECRET_KEY = 'loopback-secret-key-0123456789';
const KEYS = { [SECRET_ID]: SECRET_KEY };
const FAST_RETRY = { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 5 };

let server: LoopbackServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

async function clientFor(
  handler: Parameters<typeof startLoopback>[1],
  options: Partial<TRTCClientOptions> = {},
) {
  server = await startLoopback(KEYS, handler);
  return createTrtcClient({
    credentials: { secretId: SECRET_ID, secretKey: SECRET_KEY },
    region: 'ap-guangzhou',
    baseUrl: server.url,
    retry: FAST_RETRY,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<APICallError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!APICallError.isInstance(error))
    throw new Error(`expected an APICallError, got ${String(error)}`);
  return error;
}

describe('createTrtcClient over loopback HTTP', () => {
  it('sends a TC3-signed POST with the action, version, region and timestamp headers', async () => {
    const client = await clientFor((_request, response) => answer(response, { TaskId: 'task-1' }));
    const before = Math.floor(Date.now() / 1000);
    const result = await client.call('StartAIConversation', {
      SdkAppId: 1400000000,
      RoomId: '123',
    });
    expect(result).toEqual({ TaskId: 'task-1', RequestId: 'req-1' });
    const [request] = server?.requests ?? [];
    expect(request?.signatureValid).toBe(true);
    expect(request?.body).toBe('{"SdkAppId":1400000000,"RoomId":"123"}');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-tc-action']).toBe('StartAIConversation');
    expect(request?.headers['x-tc-version']).toBe('2019-07-22');
    expect(request?.headers['x-tc-region']).toBe('ap-guangzhou');
    expect(request?.headers['x-tc-token']).toBeUndefined();
    expect(Number(request?.headers['x-tc-timestamp'])).toBeGreaterThanOrEqual(before);
  });

  it('lets a call override the region', async () => {
    const client = await clientFor((_request, response) => answer(response, {}));
    await client.call('DescribeAIConversation', { TaskId: 't' }, { region: 'ap-singapore' });
    expect(server?.requests[0]?.headers['x-tc-region']).toBe('ap-singapore');
    expect(server?.requests[0]?.signatureValid).toBe(true);
  });

  it('maps the error envelope to an APICallError with code, request id and hint', async () => {
    const cases = [
      ['InvalidParameter.UserSig', 'invalid-request', /UserSig is expired or from another app/],
      ['AuthFailure.SignatureFailure', 'auth', /secretKey does not match the secretId/],
      ['AuthFailure.SignatureExpire', 'auth', /more than 5 minutes/],
      ['FailedOperation.TaskNotExist', 'not-found', /does not exist or has already ended/],
    ] as const;
    const client = await clientFor((request, response) => {
      const body = JSON.parse(request.body) as { Code: string };
      answerError(response, body.Code, 'vendor text');
    });
    for (const [code, kind, hint] of cases) {
      const error = await failure(client.call('StopAIConversation', { Code: code }));
      expect(error.providerCode).toBe(code);
      expect(error.kind).toBe(kind);
      expect(error.requestId).toBe('req-1');
      expect(error.retryable).toBe(false);
      expect(error.hint).toMatch(hint);
      expect(error.message).toContain('vendor text');
    }
  });

  it('retries RequestLimitExceeded, re-signing every attempt, until it succeeds', async () => {
    const client = await clientFor((_request, response, index) =>
      index < 2
        ? answerError(response, 'RequestLimitExceeded.UinLimitExceeded', 'slow down')
        : answer(response, { TaskId: 'task-1' }),
    );
    await expect(client.call('StopAIConversation', { TaskId: 't' })).resolves.toMatchObject({
      TaskId: 'task-1',
    });
    expect(server?.requests).toHaveLength(3);
    expect(server?.requests.every((request) => request.signatureValid)).toBe(true);
  });

  it('makes 1 + maxRetries requests on a persistent InternalError, and reports it retryable', async () => {
    const client = await clientFor((_request, response) =>
      answerError(response, 'InternalError', 'boom'),
    );
    const error = await failure(client.call('StopAIConversation', { TaskId: 't' }));
    expect(error.kind).toBe('server');
    expect(error.retryable).toBe(true);
    expect(server?.requests).toHaveLength(3);
  });

  it('never retries an AuthFailure', async () => {
    const client = await clientFor((_request, response) =>
      answerError(response, 'AuthFailure.SignatureFailure', 'bad signature'),
    );
    const error = await failure(client.call('StopAIConversation', { TaskId: 't' }));
    expect(error.kind).toBe('auth');
    expect(server?.requests).toHaveLength(1);
  });

  it('sends X-TC-Token with temporary credentials from a provider called before each attempt', async () => {
    const provider = vi.fn(async () => ({
      secretId: SECRET_ID,
      secretKey: SECRET_KEY,
      sessionToken: 'sts-session-token',
    }));
    const client = await clientFor(
      (_request, response, index) =>
        index === 0
          ? answerError(response, 'RequestLimitExceeded', 'slow down')
          : answer(response, {}),
      { credentials: provider },
    );
    await client.call('DescribeAIConversation', { TaskId: 't' });
    expect(provider).toHaveBeenCalledTimes(2);
    expect(server?.requests.map((request) => request.headers['x-tc-token'])).toEqual([
      'sts-session-token',
      'sts-session-token',
    ]);
    expect(server?.requests.every((request) => request.signatureValid)).toBe(true);
  });

  it('reads the credentials from the TENCENTCLOUD_* environment variables when none are given', async () => {
    vi.stubEnv('TENCENTCLOUD_SECRET_ID', SECRET_ID);
    vi.stubEnv('TENCENTCLOUD_SECRET_KEY', SECRET_KEY);
    vi.stubEnv('TENCENTCLOUD_SESSION_TOKEN', 'env-token');
    server = await startLoopback(KEYS, (_request, response) => answer(response, {}));
    const client = createTrtcClient({ region: 'ap-guangzhou', baseUrl: server.url });
    await client.call('DescribeAIConversation', {});
    expect(server.requests[0]?.signatureValid).toBe(true);
    expect(server.requests[0]?.headers['x-tc-token']).toBe('env-token');
  });

  it('never shows a secret key or session token in an error, even when the vendor echoes them', async () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{8,40}$/);
    await fc.assert(
      fc.asyncProperty(secret, secret, async (secretKey, sessionToken) => {
        const local = await startLoopback({ [SECRET_ID]: secretKey }, (request, response) =>
          answerError(
            response,
            request.signatureValid ? 'InvalidParameter' : 'AuthFailure.SignatureFailure',
            `key ${secretKey} token ${encodeURIComponent(sessionToken)} ${sessionToken}`,
          ),
        );
        try {
          const client = createTrtcClient({
            credentials: async () => ({ secretId: SECRET_ID, secretKey, sessionToken }),
            region: 'ap-guangzhou',
            baseUrl: local.url,
            retry: false,
          });
          const error = await failure(client.call('StopAIConversation', { TaskId: 't' }));
          expect(error.providerCode).toBe('InvalidParameter');
          const shown = `${error.message} ${String(error)} ${inspect(error)} ${JSON.stringify(error)}`;
          expect(shown).not.toContain(secretKey);
          expect(shown).not.toContain(sessionToken);
        } finally {
          await local.close();
        }
      }),
      { numRuns: 15 },
    );
  });
});

describe('createTrtcClient option checks', () => {
  it.each([
    [
      'no region (in neither the options nor the env)',
      { credentials: { secretId: 'id', secretKey: 'key' }, env: {} },
      /region is required \(option region or env TENCENTCLOUD_REGION\)/,
    ],
    [
      'a malformed region',
      { credentials: { secretId: 'id', secretKey: 'key' }, region: 'Guangzhou' },
      /region must be a region such as ap-guangzhou/,
    ],
    [
      'an empty secret key',
      { credentials: { secretId: 'id', secretKey: '' }, region: 'ap-guangzhou' },
      /credentials\.secretKey must be .*TENCENTCLOUD_SECRET_KEY/,
    ],
    [
      'an unknown endpoint',
      {
        credentials: { secretId: 'id', secretKey: 'key' },
        region: 'ap-guangzhou',
        endpoint: 'mars',
      },
      /endpoint must be one of 'china', 'international'/,
    ],
    [
      'a zero rate',
      {
        credentials: { secretId: 'id', secretKey: 'key' },
        region: 'ap-guangzhou',
        actionsPerSecond: 0,
      },
      /actionsPerSecond must be a positive integer/,
    ],
  ])('rejects %s at creation', (_name, options, message) => {
    expect(() => createTrtcClient(options as TRTCClientOptions)).toThrow(message);
  });

  it('names the environment variable when no credentials are given and none are set', () => {
    vi.stubEnv('TENCENTCLOUD_SECRET_ID', '');
    vi.stubEnv('TENCENTCLOUD_SECRET_KEY', '');
    expect(() => createTrtcClient({ region: 'ap-guangzhou' })).toThrow(/TENCENTCLOUD_SECRET_ID/);
  });

  it('shows a secret key only by its shape', () => {
    const error = (() => {
      try {
        createTrtcClient({
          credentials: { secretId: 'id', secretKey: '   ' },
          region: 'ap-guangzhou',
        });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('a blank string');
  });

  it('uses the China host by default and the international host on request', () => {
    const credentials = { secretId: 'id', secretKey: 'key' };
    expect(createTrtcClient({ credentials, region: 'ap-guangzhou' }).baseUrl).toBe(
      'https://trtc.tencentcloudapi.com',
    );
    expect(
      createTrtcClient({ credentials, region: 'ap-singapore', endpoint: 'international' }).baseUrl,
    ).toBe('https://trtc.intl.tencentcloudapi.com');
  });
});
