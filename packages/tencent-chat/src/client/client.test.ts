import { inspect } from 'node:util';
import { AbortedError, APICallError, ValidationError } from '@imbridge/core';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyUserSig } from '../user-sig/user-sig.ts';
import { createTencentChatClient } from './client.ts';

const SECRET = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const SDK_APP_ID = 1400000000;
const PRIMARY = 'https://console.tim.qq.com';
const BACKUP = 'https://adminapi.my-imcloud.com';

interface Seen {
  url: URL;
  body: unknown;
}

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function ok(extra: Record<string, unknown> = {}) {
  return HttpResponse.json({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '', ...extra });
}

function fail(code: number, info = 'failed') {
  return HttpResponse.json({ ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: info });
}

/** Answers each call on `path` with the next responder; records what arrived. */
function route(host: string, path: string, responders: Array<() => Response | Promise<Response>>) {
  const seen: Seen[] = [];
  let index = 0;
  server.use(
    http.post(`${host}/v4/${path}`, async ({ request }) => {
      seen.push({ url: new URL(request.url), body: await request.json() });
      const responder = responders[Math.min(index, responders.length - 1)];
      index += 1;
      if (responder === undefined) throw new Error('no responder');
      return responder();
    }),
  );
  return seen;
}

function client(options: Partial<Parameters<typeof createTencentChatClient>[0]> = {}) {
  return createTencentChatClient({
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET,
    adminUserId: 'administrator',
    retry: { initialDelayMs: 1, maxDelayMs: 2 },
    ...options,
  });
}

describe('createTencentChatClient', () => {
  describe('request convention', () => {
    it('posts JSON to /v4/{service}/{command} with sdkappid, identifier, a valid admin usersig, random and contenttype', async () => {
      const seen = route(PRIMARY, 'openim/sendmsg', [
        () => ok({ MsgTime: 1700000000, MsgKey: '1_2_1700000000' }),
      ]);
      const result = await client().sendC2CMessage({
        fromUserId: '@RBT#bot',
        toUserId: 'alice',
        elements: [{ type: 'text', text: 'hi' }],
        random: 42,
      });
      expect(result).toEqual({ msgKey: '1_2_1700000000', timeSeconds: 1700000000 });
      const [call] = seen;
      expect(call?.url.searchParams.get('sdkappid')).toBe(String(SDK_APP_ID));
      expect(call?.url.searchParams.get('identifier')).toBe('administrator');
      expect(call?.url.searchParams.get('contenttype')).toBe('json');
      const random = Number(call?.url.searchParams.get('random'));
      expect(Number.isInteger(random) && random >= 0 && random <= 4294967295).toBe(true);
      const verified = await verifyUserSig({
        userSig: call?.url.searchParams.get('usersig') ?? '',
        sdkAppId: SDK_APP_ID,
        secretKey: SECRET,
        userId: 'administrator',
      });
      expect(verified.valid).toBe(true);
      expect(call?.body).toEqual({
        SyncOtherMachine: 2,
        From_Account: '@RBT#bot',
        To_Account: 'alice',
        MsgSeq: expect.any(Number),
        MsgRandom: 42,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }],
      });
    });

    it('uses the regional host, or baseUrl when given', async () => {
      const tokyo = route(
        'https://adminapijpn.im.qcloud.com',
        'openim_robot_http_svc/get_all_robots',
        [() => ok({ Robot_Account: ['@RBT#a'] })],
      );
      expect(await client({ region: 'tokyo' }).listRobots()).toEqual({ robotIds: ['@RBT#a'] });
      expect(tokyo).toHaveLength(1);
      const local = route('http://127.0.0.1:9999', 'openim_robot_http_svc/get_all_robots', [
        () => ok({ Robot_Account: [] }),
      ]);
      expect(await client({ baseUrl: 'http://127.0.0.1:9999/' }).listRobots()).toEqual({
        robotIds: [],
      });
      expect(local).toHaveLength(1);
    });

    it('generates the admin UserSig once and reuses it', async () => {
      const seen = route(PRIMARY, 'openim_robot_http_svc/get_all_robots', [
        () => ok({ Robot_Account: [] }),
      ]);
      const api = client();
      await Promise.all([api.listRobots(), api.listRobots(), api.listRobots()]);
      const sigs = new Set(seen.map((call) => call.url.searchParams.get('usersig')));
      expect(seen).toHaveLength(3);
      expect(sigs.size).toBe(1);
    });

    it('renews the admin UserSig shortly before it expires', async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 10, 21, 12, 0, 0) });
      try {
        const seen = route(PRIMARY, 'openim_robot_http_svc/get_all_robots', [
          () => ok({ Robot_Account: [] }),
        ]);
        const api = client({ userSigExpiresInSeconds: 3600 });
        await api.listRobots();
        vi.setSystemTime(Date.now() + 3000 * 1000);
        await api.listRobots();
        vi.setSystemTime(Date.now() + 400 * 1000); // within 5 minutes of expiry
        await api.listRobots();
        const sigs = seen.map((call) => call.url.searchParams.get('usersig'));
        expect(sigs[0]).toBe(sigs[1]);
        expect(sigs[2]).not.toBe(sigs[1]);
      } finally {
        vi.useRealTimers();
      }
    });

    it('never puts the UserSig in an error, even when the vendor echoes it', async () => {
      server.use(
        http.post(`${PRIMARY}/v4/openim_robot_http_svc/get_all_robots`, ({ request }) =>
          fail(70009, `bad usersig ${new URL(request.url).searchParams.get('usersig')}`),
        ),
      );
      const error = await client({ retry: false })
        .listRobots()
        .catch((caught: unknown) => caught);
      expect((error as Error).message).toContain('bad usersig [redacted]');
      expect((error as Error).message).not.toMatch(/eF4|eJ/);
      expect((error as Error).message).toContain('secretKey does not belong to this sdkAppId');
      expect(inspect(error, { depth: 5 })).not.toMatch(/usersig=eJ|eJw/);
    });

    it('resolves the secret key from a function', async () => {
      let resolved = 0;
      route(PRIMARY, 'openim_robot_http_svc/get_all_robots', [() => ok({ Robot_Account: [] })]);
      await client({
        secretKey: async () => {
          resolved += 1;
          return SECRET;
        },
      }).listRobots();
      expect(resolved).toBe(1);
    });
  });

  describe('errors and retries', () => {
    it('renews the UserSig and retries once on 70001', async () => {
      const seen = route(PRIMARY, 'openim_robot_http_svc/get_all_robots', [
        () => fail(70001, 'usersig expired'),
        () => ok({ Robot_Account: ['@RBT#x'] }),
      ]);
      expect(await client({ retry: false }).listRobots()).toEqual({ robotIds: ['@RBT#x'] });
      expect(seen).toHaveLength(2);
    });

    it('gives up after one renewal when 70001 persists', async () => {
      const seen = route(PRIMARY, 'openim_robot_http_svc/get_all_robots', [() => fail(70001)]);
      await expect(client({ retry: false }).listRobots()).rejects.toMatchObject({
        providerCode: 70001,
        kind: 'auth',
      });
      expect(seen).toHaveLength(2);
    });

    it('retries retryable codes with backoff, then succeeds', async () => {
      const seen = route(PRIMARY, 'openim_robot_http_svc/get_all_robots', [
        () => fail(60007, 'frequency over limit'),
        () => fail(91000, 'internal error'),
        () => ok({ Robot_Account: [] }),
      ]);
      await client().listRobots();
      expect(seen).toHaveLength(3);
    });

    it('does not retry a non-retryable code and reports it as a typed APICallError', async () => {
      const seen = route(PRIMARY, 'openim/sendmsg', [
        () => fail(90003, 'To_Account does not exist'),
      ]);
      const error = await client()
        .sendC2CMessage({ toUserId: 'nobody', elements: [{ type: 'text', text: 'x' }] })
        .catch((caught: unknown) => caught);
      expect(seen).toHaveLength(1);
      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        providerCode: 90003,
        kind: 'not-found',
        retryable: false,
        provider: 'tencent-chat',
      });
    });

    it('stops retrying after maxRetries and throws the last error', async () => {
      const seen = route(PRIMARY, 'openim_robot_http_svc/get_all_robots', [() => fail(60007)]);
      await expect(
        client({ retry: { maxRetries: 2, initialDelayMs: 1 } }).listRobots(),
      ).rejects.toMatchObject({
        kind: 'rate-limit',
        retryable: true,
      });
      expect(seen).toHaveLength(3);
    });

    it('fails over to the backup host on a network error', async () => {
      server.use(
        http.post(`${PRIMARY}/v4/openim_robot_http_svc/get_all_robots`, () => HttpResponse.error()),
      );
      const backup = route(BACKUP, 'openim_robot_http_svc/get_all_robots', [
        () => ok({ Robot_Account: ['@RBT#b'] }),
      ]);
      expect(await client().listRobots()).toEqual({ robotIds: ['@RBT#b'] });
      expect(backup).toHaveLength(1);
    });

    it('reports network failures as APICallError kind network without the UserSig or secret', async () => {
      server.use(
        http.post(`${PRIMARY}/v4/openim_robot_http_svc/get_all_robots`, () => HttpResponse.error()),
        http.post(`${BACKUP}/v4/openim_robot_http_svc/get_all_robots`, () => HttpResponse.error()),
      );
      const error = await client()
        .listRobots()
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'APICallError', kind: 'network', retryable: true });
      expect((error as Error).cause).toBeUndefined();
      const text = `${String(error)} ${(error as Error).message} ${JSON.stringify(error)} ${inspect(error, { depth: 5 })}`;
      expect(text).not.toMatch(/usersig=eJ/i);
      expect(text).not.toContain(SECRET);
    });

    it('retries HTTP 5xx on the backup host (sticky) and reports HTTP errors with the status', async () => {
      const seen = route(PRIMARY, 'openim_robot_http_svc/get_all_robots', [
        () => new HttpResponse('bad gateway', { status: 502 }),
        () => ok({ Robot_Account: [] }),
      ]);
      const backup = route(BACKUP, 'openim_robot_http_svc/get_all_robots', [
        () => ok({ Robot_Account: [] }),
      ]);
      const api = client();
      await api.listRobots();
      await api.listRobots();
      expect(seen).toHaveLength(1);
      expect(backup).toHaveLength(2);
      route(PRIMARY, 'openim_robot_http_svc/get_all_robots', [
        () => new HttpResponse('nope', { status: 404 }),
      ]);
      await expect(client().listRobots()).rejects.toMatchObject({
        statusCode: 404,
        retryable: false,
      });
    });

    it('times out a slow call with an APICallError of kind timeout', async () => {
      server.use(
        http.post(`${PRIMARY}/v4/openim_robot_http_svc/get_all_robots`, async () => {
          await new Promise((resolve) => setTimeout(resolve, 500));
          return ok({ Robot_Account: [] });
        }),
      );
      const error = await client({ timeoutMs: 30, retry: false })
        .listRobots()
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ kind: 'timeout', timeoutMs: 30, timeoutPhase: 'request' });
    });

    it('aborts through the signal, including during a retry back-off', async () => {
      route(PRIMARY, 'openim_robot_http_svc/get_all_robots', [() => fail(60007)]);
      const controller = new AbortController();
      const pending = client({ retry: { maxRetries: 5, initialDelayMs: 1000 } }).listRobots({
        signal: controller.signal,
      });
      setTimeout(() => controller.abort(), 30);
      const error = await pending.catch((caught: unknown) => caught);
      expect(AbortedError.isInstance(error)).toBe(true);
    });

    it('treats a body that is not an envelope as a server error', async () => {
      route(PRIMARY, 'openim_robot_http_svc/get_all_robots', [
        () => new HttpResponse('<html>', { status: 200 }),
      ]);
      await expect(client({ retry: false }).listRobots()).rejects.toMatchObject({ kind: 'server' });
    });
  });

  describe('typed APIs', () => {
    it('creates, lists and deletes robots with the vendor field names', async () => {
      const created = route(PRIMARY, 'openim_robot_http_svc/create_robot', [() => ok()]);
      const deleted = route(PRIMARY, 'openim_robot_http_svc/delete_robot', [() => ok()]);
      const api = client();
      await api.createRobot({ robotId: '@RBT#helper', nick: 'Helper' });
      await api.deleteRobot({ robotId: '@RBT#helper' });
      expect(created[0]?.body).toEqual({ UserID: '@RBT#helper', Nick: 'Helper' });
      expect(deleted[0]?.body).toEqual({ Robot_Account: '@RBT#helper' });
      await expect(api.createRobot({ robotId: 'helper' })).rejects.toBeInstanceOf(ValidationError);
    });

    it('adds a robot as a friend with an AddFriendItem array and force flag', async () => {
      const seen = route(PRIMARY, 'sns/friend_add', [
        () =>
          ok({
            ResultItem: [{ To_Account: '@RBT#helper', ResultCode: 0, ResultInfo: '' }],
            Fail_Account: [],
          }),
      ]);
      const result = await client().addFriends({
        userId: 'alice',
        friends: [{ userId: '@RBT#helper' }],
      });
      expect(seen[0]?.body).toEqual({
        From_Account: 'alice',
        AddFriendItem: [{ To_Account: '@RBT#helper', AddSource: 'AddSource_Type_imbridge' }],
        AddType: 'Add_Type_Both',
        ForceAddFlags: 1,
      });
      expect(result).toEqual({
        results: [{ userId: '@RBT#helper', resultCode: 0, resultInfo: '' }],
        failedUserIds: [],
      });
    });

    it('imports an account', async () => {
      const seen = route(PRIMARY, 'im_open_login_svc/account_import', [() => ok()]);
      await client().importAccount({ userId: 'alice', nick: 'Alice' });
      expect(seen[0]?.body).toEqual({ UserID: 'alice', Nick: 'Alice' });
    });

    it('sends, modifies and recalls group messages', async () => {
      const sent = route(PRIMARY, 'group_open_http_svc/send_group_msg', [
        () => ok({ MsgTime: 1700000000, MsgSeq: 7 }),
      ]);
      const modified = route(PRIMARY, 'openim/modify_group_msg', [() => ok()]);
      const recalled = route(PRIMARY, 'group_open_http_svc/group_msg_recall', [
        () => ok({ RecallRetList: [{ MsgSeq: 7, RetCode: 0 }] }),
      ]);
      const api = client();
      const result = await api.sendGroupMessage({
        groupId: 'g1',
        fromUserId: '@RBT#bot',
        elements: [{ type: 'custom', data: '{}' }],
        random: 5,
        atUserIds: ['alice'],
        forbidCallbacks: ['after-send'],
      });
      expect(result).toEqual({ sequence: 7, timeSeconds: 1700000000 });
      expect(sent[0]?.body).toMatchObject({
        GroupId: 'g1',
        Random: 5,
        From_Account: '@RBT#bot',
        ForbidCallbackControl: ['ForbidAfterSendMsgCallback'],
        GroupAtInfo: [{ GroupAtAllFlag: 0, GroupAt_Account: 'alice' }],
        MsgBody: [{ MsgType: 'TIMCustomElem', MsgContent: { Data: '{}' } }],
      });
      await api.modifyGroupMessage({
        groupId: 'g1',
        sequence: 7,
        elements: [{ type: 'text', text: 'new' }],
      });
      expect(modified[0]?.body).toEqual({
        GroupId: 'g1',
        MsgSeq: 7,
        MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'new' } }],
      });
      expect(await api.recallGroupMessages({ groupId: 'g1', sequences: [7] })).toEqual({
        results: [{ sequence: 7, resultCode: 0 }],
      });
      expect(recalled[0]?.body).toEqual({ GroupId: 'g1', MsgSeqList: [{ MsgSeq: 7 }] });
    });

    it('modifies and withdraws C2C messages by MsgKey', async () => {
      const modified = route(PRIMARY, 'openim/modify_c2c_msg', [() => ok()]);
      const withdrawn = route(PRIMARY, 'openim/admin_msgwithdraw', [() => ok()]);
      const api = client();
      await api.modifyC2CMessage({
        fromUserId: '@RBT#b',
        toUserId: 'alice',
        msgKey: 'k',
        cloudCustomData: 'x',
      });
      await api.withdrawC2CMessage({ fromUserId: '@RBT#b', toUserId: 'alice', msgKey: 'k' });
      expect(modified[0]?.body).toEqual({
        From_Account: '@RBT#b',
        To_Account: 'alice',
        MsgKey: 'k',
        CloudCustomData: 'x',
      });
      expect(withdrawn[0]?.body).toEqual({
        From_Account: '@RBT#b',
        To_Account: 'alice',
        MsgKey: 'k',
      });
      await expect(
        api.modifyC2CMessage({ fromUserId: 'a', toUserId: 'b', msgKey: 'k' }),
      ).rejects.toBeInstanceOf(ValidationError);
    });

    it('sends native stream messages with delta chunks and echoes the StreamMsgID', async () => {
      const seen = route(PRIMARY, 'stream_msg/send_c2c_stream_msg', [
        () => ok({ StreamMsgID: 's-1', MsgKey: '1_2_3' }),
      ]);
      const result = await client().sendC2CStreamMessage({
        fromUserId: '@RBT#b',
        toUserId: 'alice',
        compatibleText: 'Hel',
        chunks: [{ index: 1, markdown: 'Hel', isLast: false }],
        random: 9,
      });
      expect(result).toEqual({ streamMessageId: 's-1', msgKey: '1_2_3' });
      expect(seen[0]?.body).toEqual({
        SyncOtherMachine: 2,
        From_Account: '@RBT#b',
        To_Account: 'alice',
        MsgSeq: expect.any(Number),
        MsgRandom: 9,
        MsgBody: [
          {
            MsgType: 'TIMStreamElem',
            MsgContent: {
              CompatibleText: 'Hel',
              Chunks: [{ EventType: 'data', Index: 1, Markdown: 'Hel', IsLast: false }],
            },
          },
        ],
      });
    });

    it('reports a success response missing required fields as an APICallError', async () => {
      route(PRIMARY, 'openim/sendmsg', [() => ok({})]);
      await expect(
        client().sendC2CMessage({ toUserId: 'a', elements: [{ type: 'text', text: 'x' }] }),
      ).rejects.toMatchObject({ name: 'APICallError', kind: 'server' });
    });
  });

  describe('options checked at creation', () => {
    const base = { sdkAppId: SDK_APP_ID, secretKey: SECRET, adminUserId: 'administrator' };

    it('names the option, the value received and the env variable of the examples', () => {
      expect(() => createTencentChatClient({ ...base, sdkAppId: Number('abc') })).toThrow(
        'createTencentChatClient: sdkAppId must be a positive integer, received NaN (examples read it from TENCENT_IM_SDK_APP_ID)',
      );
      expect(() => createTencentChatClient({ ...base, sdkAppId: 1.5 })).toThrow(ValidationError);
      expect(() => createTencentChatClient({ ...base, region: 'mars' as 'china' })).toThrow(
        /region must be one of 'china', .* received "mars"/,
      );
      expect(() => createTencentChatClient({ ...base, adminUserId: '' })).toThrow(
        /adminUserId must be a non-empty string, received an empty string \(examples read it from TENCENT_IM_ADMIN_USER_ID\)/,
      );
      expect(() => createTencentChatClient({ ...base, baseUrl: 'localhost:9000' })).toThrow(
        /baseUrl must be an http\(s\) URL/,
      );
      expect(() => createTencentChatClient({ ...base, timeoutMs: -1 })).toThrow(/timeoutMs/);
      expect(() => createTencentChatClient({ ...base, retry: { maxRetries: 1.5 } })).toThrow(
        /retry.maxRetries must be an integer ≥ 0, received 1.5/,
      );
    });

    it('never shows a secret in the message, only its shape', () => {
      let message = '';
      try {
        createTencentChatClient({ ...base, secretKey: '   ' });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toBe(
        'createTencentChatClient: secretKey must be a non-empty string or a function returning one, received a blank string (examples read it from TENCENT_IM_SECRET_KEY)',
      );
    });
  });
});
