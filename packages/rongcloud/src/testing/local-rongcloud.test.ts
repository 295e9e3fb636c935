import { describe, expect, it } from 'vitest';
import { rongCloudSignature } from '../signing/signature.ts';
import {
  APP_KEY,
  APP_SECRET,
  call,
  formBody,
  signedHeaders,
  startLocal,
} from './__fixtures__/server-api.ts';
import { LOCAL_RONGCLOUD_ERROR_CODES as CODES } from './error-codes.ts';
import { createLocalRongCloud } from './local-rongcloud.ts';

const GET_TOKEN = '/user/getToken.json';
const QUERY = '/v3/bot/query.json';
const register = { userId: 'alice', name: 'Alice' };

describe('createLocalRongCloud', () => {
  describe('hosts and envelope', () => {
    it('serves a primary and a backup host on 127.0.0.1 that share one store', async () => {
      const local = await startLocal();
      expect(local.primaryUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(local.backupUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(local.backupUrl).not.toBe(local.primaryUrl);
      await call(local, GET_TOKEN, register, { host: 'backup' });
      expect(local.userIds).toEqual(['alice']);
      expect(local.requests.map((request) => [request.api, request.host, request.code])).toEqual([
        [GET_TOKEN, 'backup', 200],
      ]);
    });

    it('registers a user with /user/getToken.json and answers { code: 200, userId, token }', async () => {
      const local = await startLocal();
      const answer = await call(local, GET_TOKEN, {
        userId: 'jlk456j5',
        name: 'Ironman',
        portraitUri: 'http://abc.com/myportrait.jpg',
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ code: 200, userId: 'jlk456j5', token: expect.any(String) });
      expect(local.requests[0]).toMatchObject({
        api: GET_TOKEN,
        httpStatus: 200,
        code: 200,
        body: 'userId=jlk456j5&name=Ironman&portraitUri=http%3A%2F%2Fabc.com%2Fmyportrait.jpg',
        contentType: 'application/x-www-form-urlencoded',
        reset: false,
      });
    });

    it('answers 404 to an unknown path and 1003 to a method other than POST', async () => {
      const local = await startLocal();
      const unknown = await call(local, '/v3/bot/list.json', {});
      expect(unknown).toEqual({
        status: 404,
        body: { code: 404, errorMessage: 'not found: /v3/bot/list.json' },
      });
      const get = await fetch(`${local.primaryUrl}${QUERY}`, { headers: signedHeaders() });
      expect(get.status).toBe(400);
      expect(await get.json()).toMatchObject({ code: CODES.noPostData });
    });

    it('closes idempotently and refuses connections afterwards', async () => {
      const local = await createLocalRongCloud({ appKey: APP_KEY, appSecret: APP_SECRET });
      await local.close();
      await local.close();
      await expect(fetch(`${local.primaryUrl}${QUERY}`, { method: 'POST' })).rejects.toThrow();
    });

    it('checks its options', async () => {
      await expect(createLocalRongCloud({ appKey: '', appSecret: APP_SECRET })).rejects.toThrow(
        /appKey must be a non-empty string/,
      );
      await expect(
        createLocalRongCloud({ appKey: APP_KEY, appSecret: APP_SECRET, port: 70_000 }),
      ).rejects.toThrow(/port must be an integer from 0 to 65535/);
      await expect(
        createLocalRongCloud({
          appKey: APP_KEY,
          appSecret: APP_SECRET,
          rateLimits: { '/v3/bot/nope.json': 1 } as never,
        }),
      ).rejects.toThrow(/rateLimits/);
    });
  });

  describe('signature', () => {
    it('accepts a signature made with the App Secret, in either header spelling and time unit', async () => {
      const local = await startLocal();
      const seconds = String(Math.floor(Date.now() / 1000));
      const answers = [
        await call(local, QUERY, {}),
        await call(local, QUERY, {}, { prefixed: true }),
        await call(local, QUERY, {}, { timestamp: seconds }),
        await call(local, QUERY, {}, { nonce: 'n'.repeat(18) }),
      ];
      expect(answers.map((answer) => [answer.status, answer.body.code])).toEqual([
        [200, 200],
        [200, 200],
        [200, 200],
        [200, 200],
      ]);
      expect(local.requests[2]?.timestamp).toBe(seconds);
    });

    it('verifies the published test vector', async () => {
      const local = await startLocal({ appSecret: 'Y1W2MeFwwwRxa0' });
      const answer = await call(
        local,
        GET_TOKEN,
        { userId: 'jlk456j5', name: 'Ironman' },
        {
          nonce: '14314',
          timestamp: '1408710653000',
          signature: '30be0bbca9c9b2e27578701e9fda2358a814c88f',
        },
      );
      expect(answer.body.code).toBe(200);
    });

    it('answers HTTP 401 with 1004 to a wrong secret, the App Key used as secret, an unknown App Key and a forged signature', async () => {
      const local = await startLocal();
      const rejected = [
        await call(local, QUERY, {}, { secret: 'wrong-secret' }),
        await call(local, QUERY, {}, { secret: APP_KEY }),
        await call(local, QUERY, {}, { appKey: 'other-app' }),
        await call(local, QUERY, {}, { signature: 'f'.repeat(40) }),
        await call(local, QUERY, {}, { signature: rongCloudSignature(APP_SECRET, '1', '2') }),
      ];
      for (const answer of rejected) {
        expect(answer.status).toBe(401);
        expect(answer.body).toEqual({ code: 1004, errorMessage: expect.any(String) });
      }
      expect(rejected[1]?.body.errorMessage).toContain('App Secret');
      expect(local.requests.map((request) => request.code)).toEqual([1004, 1004, 1004, 1004, 1004]);
    });

    it('answers 1004 to a missing header, a nonce over 18 characters and a timestamp that is not digits', async () => {
      const local = await startLocal();
      for (const header of ['App-Key', 'Nonce', 'Timestamp', 'Signature'] as const) {
        const answer = await call(local, QUERY, {}, { omit: [header] });
        expect(answer.status).toBe(401);
        expect(answer.body.errorMessage).toContain(header);
      }
      const longNonce = await call(local, QUERY, {}, { nonce: 'n'.repeat(19) });
      expect(longNonce.body).toMatchObject({
        code: 1004,
        errorMessage: expect.stringMatching(/18/),
      });
      const badTime = await call(local, QUERY, {}, { timestamp: '2024-01-01' });
      expect(badTime.body.code).toBe(1004);
    });

    it('does not enforce freshness by default (RongCloud documents no window), but does with timestampToleranceMs', async () => {
      const hourAgo = String(Date.now() - 3_600_000);
      const lenient = await startLocal();
      expect((await call(lenient, QUERY, {}, { timestamp: hourAgo })).body.code).toBe(200);
      const strict = await startLocal({ timestampToleranceMs: 300_000 });
      const stale = await call(strict, QUERY, {}, { timestamp: hourAgo });
      expect(stale).toMatchObject({ status: 401, body: { code: 1004 } });
      const staleSeconds = String(Math.floor((Date.now() - 3_600_000) / 1000));
      expect((await call(strict, QUERY, {}, { timestamp: staleSeconds })).body.code).toBe(1004);
      expect((await call(strict, QUERY, {})).body.code).toBe(200);
    });

    it('checks the signature before the content type and the parameters', async () => {
      const local = await startLocal();
      const answer = await call(local, GET_TOKEN, '{"userId":1}', {
        secret: 'wrong',
        contentType: 'application/json',
      });
      expect(answer.body.code).toBe(1004);
    });
  });

  describe('content types and parameters', () => {
    it('answers 1002 (HTTP 400) to JSON on a form endpoint and a form on a JSON endpoint', async () => {
      const local = await startLocal();
      const jsonToForm = await call(local, GET_TOKEN, JSON.stringify(register), {
        contentType: 'application/json',
      });
      expect(jsonToForm.status).toBe(400);
      expect(jsonToForm.body).toEqual({
        code: 1002,
        errorMessage:
          'Content-Type must be application/x-www-form-urlencoded for this API, received application/json',
      });
      const formToJson = await call(local, QUERY, formBody({ page: 1 }), {
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(formToJson.body).toMatchObject({ code: 1002 });
      expect(formToJson.body.errorMessage).toContain('application/json');
      expect(local.userIds).toEqual([]);
    });

    it('answers 1003 to an empty body and 1002 to a JSON body that is not an object', async () => {
      const local = await startLocal();
      expect((await call(local, QUERY, '')).body.code).toBe(1003);
      expect((await call(local, QUERY, '[1]')).body).toEqual({
        code: 1002,
        errorMessage: 'the body must be a JSON object',
      });
      expect((await call(local, QUERY, '{nope')).body.code).toBe(1002);
    });

    it('answers 1002 with a message naming the field for missing and too long user fields', async () => {
      const local = await startLocal();
      const cases = [
        [{ name: 'x' }, 'userId is required'],
        [{ userId: 'u'.repeat(65), name: 'x' }, 'userId must be 1 to 64 bytes, received 65'],
        [{ userId: 'é'.repeat(33), name: 'x' }, 'userId must be 1 to 64 bytes, received 66'],
        [{ userId: 'bob', name: 'n'.repeat(129) }, 'name must be 1 to 128 bytes, received 129'],
        [{ userId: 'bob' }, 'name is required'],
      ] as const;
      for (const [fields, message] of cases) {
        expect((await call(local, GET_TOKEN, fields)).body).toEqual({
          code: 1002,
          errorMessage: message,
        });
      }
      expect(local.userIds).toEqual([]);
    });
  });

  describe('rate limits', () => {
    it('answers HTTP 429 with 1008 once a burst exceeds the API limit, per API, and refills', async () => {
      let clock = Date.now();
      const local = await startLocal({ now: () => clock });
      const answers = await Promise.all(
        Array.from({ length: 105 }, () => call(local, QUERY, { page: 1 })),
      );
      const codes = answers.map((answer) => answer.body.code);
      expect(codes.filter((code) => code === 200)).toHaveLength(100);
      expect(codes.filter((code) => code === 1008)).toHaveLength(5);
      const limited = answers.find((answer) => answer.body.code === 1008);
      expect(limited?.status).toBe(429);
      expect((await call(local, GET_TOKEN, register)).body.code).toBe(200);
      clock += 1_000;
      expect((await call(local, QUERY, {})).body.code).toBe(200);
    });

    it('spends one group-publish token per group (20 messages per second)', async () => {
      const clock = Date.now();
      const local = await startLocal({ now: () => clock });
      for (const groupId of ['g1', 'g2', 'g3']) local.createGroup({ groupId, memberIds: ['bot'] });
      const publish = () =>
        call(local, '/message/group/publish.json', {
          fromUserId: 'bot',
          toGroupId: ['g1', 'g2', 'g3'],
          objectName: 'RC:TxtMsg',
          content: JSON.stringify({ content: 'hi' }),
        });
      const codes: number[] = [];
      for (let index = 0; index < 7; index += 1) codes.push((await publish()).body.code);
      expect(codes).toEqual([200, 200, 200, 200, 200, 200, 1008]);
      expect(local.messages).toHaveLength(18);
    });

    it('takes its limits from the rateLimits option and counts no token for a rejected call', async () => {
      const clock = Date.now();
      const local = await startLocal({ now: () => clock, rateLimits: { [QUERY]: 2 } });
      expect((await call(local, QUERY, { page: 0 })).body.code).toBe(1002);
      expect((await call(local, QUERY, {})).body.code).toBe(200);
      expect((await call(local, QUERY, {})).body.code).toBe(200);
      expect((await call(local, QUERY, {})).body.code).toBe(1008);
    });
  });
});
