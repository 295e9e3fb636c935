import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeChatbotPayload } from '../chatbot/payload.ts';
import { genUserSig } from '../user-sig/user-sig.ts';
import { computeCallbackSign } from '../webhooks/sign.ts';
import {
  LOCAL_TENCENT_CHAT_ERROR_CODES as CODES,
  createLocalTencentChat,
  type LocalTencentChat,
  type LocalTencentChatOptions,
} from './local-tencent-chat.ts';

const SDK_APP_ID = 1400000000;
const SECRET_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const ADMIN = 'administrator';
const ROBOT = '@RBT#001';
const TOKEN = 'xxxxyyyy';

const envelopeSchema = z.looseObject({
  ActionStatus: z.enum(['OK', 'FAIL']),
  ErrorCode: z.number(),
  ErrorInfo: z.string(),
});
type Envelope = z.infer<typeof envelopeSchema>;

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<LocalTencentChatOptions> = {}): Promise<LocalTencentChat> {
  const local = await createLocalTencentChat({
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET_KEY,
    ...options,
  });
  cleanups.push(() => local.close());
  return local;
}

type QueryOverrides = Partial<
  Record<'sdkappid' | 'identifier' | 'usersig' | 'random' | 'contenttype', string | null>
>;

async function adminSig(): Promise<string> {
  return genUserSig({ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, userId: ADMIN });
}

async function call(
  local: LocalTencentChat,
  api: string,
  body: unknown,
  query: QueryOverrides = {},
): Promise<Envelope> {
  const values: Record<string, string | null> = {
    sdkappid: String(SDK_APP_ID),
    identifier: ADMIN,
    usersig: await adminSig(),
    random: '3141592653',
    contenttype: 'json',
    ...query,
  };
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== null) params.set(name, value);
  const response = await fetch(`${local.baseUrl}/v4/${api}?${params}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return envelopeSchema.parse(await response.json());
}

interface Received {
  url: URL;
  body: unknown;
}

async function startReceiver(): Promise<{ url: string; received: Received[] }> {
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
      response.end('{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}');
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
  return { url: `http://127.0.0.1:${address.port}/tencent/webhook?route=bot`, received };
}

const textBody = (text: string) => [{ MsgType: 'TIMTextElem', MsgContent: { Text: text } }];

async function withUserAndRobot(options: Partial<LocalTencentChatOptions> = {}) {
  const local = await start(options);
  local.importAccount('alice');
  expect(
    (await call(local, 'openim_robot_http_svc/create_robot', { UserID: ROBOT })).ErrorCode,
  ).toBe(0);
  return local;
}

describe('createLocalTencentChat', () => {
  describe('envelope and URL checks', () => {
    it('answers the vendor envelope with HTTP 200 on 127.0.0.1', async () => {
      const local = await start();
      expect(local.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const answer = await call(local, 'openim_robot_http_svc/get_all_robots', {});
      expect(answer).toEqual({
        ActionStatus: 'OK',
        ErrorCode: 0,
        ErrorInfo: '',
        Robot_Account: [],
      });
      expect(local.requests).toEqual([
        { api: 'openim_robot_http_svc/get_all_robots', atMs: expect.any(Number), errorCode: 0 },
      ]);
    });

    it('rejects missing and wrong sdkappid with 60012 and 60006', async () => {
      const local = await start();
      const api = 'openim_robot_http_svc/get_all_robots';
      const missing = await call(local, api, {}, { sdkappid: null });
      expect(missing).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60012 });
      expect((await call(local, api, {}, { sdkappid: '1400000001' })).ErrorCode).toBe(60006);
    });

    it('rejects a missing usersig, a bad random and a bad contenttype', async () => {
      const local = await start();
      const api = 'openim_robot_http_svc/get_all_robots';
      expect((await call(local, api, {}, { usersig: null })).ErrorCode).toBe(60004);
      expect((await call(local, api, {}, { random: '4294967296' })).ErrorCode).toBe(60002);
      expect((await call(local, api, {}, { contenttype: 'xml' })).ErrorCode).toBe(60002);
    });

    it('verifies the usersig: malformed 70003, expired 70001, wrong key 70009, other app 70014', async () => {
      const local = await start();
      const api = 'openim_robot_http_svc/get_all_robots';
      expect((await call(local, api, {}, { usersig: 'not-a-usersig' })).ErrorCode).toBe(70003);
      const expired = await genUserSig({
        sdkAppId: SDK_APP_ID,
        secretKey: SECRET_KEY,
        userId: ADMIN,
        expiresInSeconds: 60,
        nowSeconds: Math.floor(Date.now() / 1000) - 3600,
      });
      expect((await call(local, api, {}, { usersig: expired })).ErrorCode).toBe(70001);
      const wrongKey = await genUserSig({
        sdkAppId: SDK_APP_ID,
        secretKey: 'other',
        userId: ADMIN,
      });
      expect((await call(local, api, {}, { usersig: wrongKey })).ErrorCode).toBe(70009);
      const otherApp = await genUserSig({
        sdkAppId: 1400000001,
        secretKey: SECRET_KEY,
        userId: ADMIN,
      });
      expect((await call(local, api, {}, { usersig: otherApp })).ErrorCode).toBe(70014);
    });

    it('requires the identifier to be the admin (60010) and the usersig to match it (70013)', async () => {
      const local = await start();
      const api = 'openim_robot_http_svc/get_all_robots';
      const aliceSig = await genUserSig({
        sdkAppId: SDK_APP_ID,
        secretKey: SECRET_KEY,
        userId: 'alice',
      });
      expect(
        (await call(local, api, {}, { identifier: 'alice', usersig: aliceSig })).ErrorCode,
      ).toBe(60010);
      expect((await call(local, api, {}, { usersig: aliceSig })).ErrorCode).toBe(70013);
    });

    it('answers 90001 to a body that is not a JSON object and 60009 to an unknown API', async () => {
      const local = await start();
      expect((await call(local, 'openim/sendmsg', '{not json')).ErrorCode).toBe(90001);
      expect((await call(local, 'openim/sendmsg', '[1]')).ErrorCode).toBe(90001);
      const unknown = await call(local, 'openim_robot_http_svc/get_robots', {});
      expect(unknown).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60009 });
    });
  });

  describe('accounts, robots and friends', () => {
    it('creates robots idempotently, lists and deletes them, and enforces the prefix', async () => {
      const local = await start();
      const create = (userId: string) =>
        call(local, 'openim_robot_http_svc/create_robot', { UserID: userId, Nick: 'Bot' });
      expect((await create('bot')).ErrorCode).toBe(10004);
      expect((await create(ROBOT)).ErrorCode).toBe(0);
      expect((await create(ROBOT)).ErrorCode).toBe(0);
      expect((await call(local, 'openim_robot_http_svc/get_all_robots', {})).Robot_Account).toEqual(
        [ROBOT],
      );
      expect(
        (await call(local, 'openim_robot_http_svc/delete_robot', { Robot_Account: ROBOT }))
          .ErrorCode,
      ).toBe(0);
      expect(local.robotIds).toEqual([]);
    });

    it('refuses a 21st robot with 10008', async () => {
      const local = await start();
      for (let index = 1; index <= 20; index += 1) {
        const answer = await call(local, 'openim_robot_http_svc/create_robot', {
          UserID: `@RBT#${index}`,
        });
        expect(answer.ErrorCode).toBe(0);
      }
      const over = await call(local, 'openim_robot_http_svc/create_robot', { UserID: '@RBT#21' });
      expect(over.ErrorCode).toBe(10008);
    });

    it('imports accounts and adds friends from an AddFriendItem array, rejecting an object with 30001', async () => {
      const local = await withUserAndRobot();
      expect(
        (await call(local, 'im_open_login_svc/account_import', { UserID: 'bob', Nick: 'Bob' }))
          .ErrorCode,
      ).toBe(0);
      expect(local.accountIds).toContain('bob');
      const added = await call(local, 'sns/friend_add', {
        From_Account: 'alice',
        AddFriendItem: [
          { To_Account: ROBOT, AddSource: 'AddSource_Type_Bot' },
          { To_Account: 'bob', AddSource: 'Bot' },
          { To_Account: 'nobody', AddSource: 'AddSource_Type_Bot' },
        ],
      });
      expect(added).toMatchObject({
        ErrorCode: 0,
        Fail_Account: ['bob', 'nobody'],
        ResultItem: [
          { To_Account: ROBOT, ResultCode: 0 },
          { To_Account: 'bob', ResultCode: 30001 },
          { To_Account: 'nobody', ResultCode: 70107 },
        ],
      });
      expect(local.friendIdsOf('alice')).toEqual([ROBOT]);
      expect(local.friendIdsOf(ROBOT)).toEqual(['alice']);
      const object = await call(local, 'sns/friend_add', {
        From_Account: 'alice',
        AddFriendItem: { To_Account: ROBOT, AddSource: 'AddSource_Type_Bot' },
      });
      expect(object.ErrorCode).toBe(30001);
    });
  });

  describe('C2C messages', () => {
    it('sends a message and answers MsgTime, MsgKey (seq_random_time) and MsgId', async () => {
      const local = await withUserAndRobot();
      const answer = await call(local, 'openim/sendmsg', {
        From_Account: ROBOT,
        To_Account: 'alice',
        MsgRandom: 42,
        MsgBody: textBody('hello'),
      });
      expect(answer).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
      expect(answer.MsgKey).toBe(`1_42_${answer.MsgTime}`);
      expect(answer.MsgId).toEqual(expect.any(String));
      const [message] = local.conversation({ userId: 'alice', robotId: ROBOT });
      expect(message).toMatchObject({
        from: ROBOT,
        to: 'alice',
        msgKey: answer.MsgKey,
        elements: [{ type: 'text', text: 'hello' }],
        versions: [[{ type: 'text', text: 'hello' }]],
        recalled: false,
        origin: 'rest',
      });
    });

    it('defaults From_Account to the admin and checks accounts, MsgRandom and MsgBody', async () => {
      const local = await withUserAndRobot();
      const base = { To_Account: 'alice', MsgRandom: 1, MsgBody: textBody('x') };
      expect((await call(local, 'openim/sendmsg', base)).ErrorCode).toBe(0);
      expect(local.messages[0]?.from).toBe(ADMIN);
      expect(
        (await call(local, 'openim/sendmsg', { ...base, To_Account: 'nobody' })).ErrorCode,
      ).toBe(90003);
      expect(
        (await call(local, 'openim/sendmsg', { ...base, From_Account: 'nobody' })).ErrorCode,
      ).toBe(90008);
      expect(
        (await call(local, 'openim/sendmsg', { ...base, MsgRandom: undefined })).ErrorCode,
      ).toBe(90005);
      expect(
        (await call(local, 'openim/sendmsg', { ...base, MsgBody: { MsgType: 'TIMTextElem' } }))
          .ErrorCode,
      ).toBe(90002);
    });

    it('rejects a body over maxMessageBytes with 80002 "msg too long"', async () => {
      const local = await withUserAndRobot({ maxMessageBytes: 100 });
      const fits = textBody('a'.repeat(40));
      expect(new TextEncoder().encode(JSON.stringify(fits)).byteLength).toBeLessThanOrEqual(100);
      const base = { To_Account: 'alice', MsgRandom: 1 };
      expect((await call(local, 'openim/sendmsg', { ...base, MsgBody: fits })).ErrorCode).toBe(0);
      const tooLong = await call(local, 'openim/sendmsg', {
        ...base,
        MsgBody: textBody('é'.repeat(40)),
      });
      expect(tooLong.ErrorCode).toBe(CODES.messageTooLong);
      expect(tooLong.ErrorInfo).toContain('msg too long');
    });

    it('drops a duplicate with the same From, MsgSeq and MsgRandom within 120 s', async () => {
      let clock = Date.now();
      const local = await withUserAndRobot({ now: () => clock });
      const request = { To_Account: 'alice', MsgSeq: 7, MsgRandom: 9, MsgBody: textBody('once') };
      const first = await call(local, 'openim/sendmsg', request);
      const second = await call(local, 'openim/sendmsg', request);
      expect(second.MsgKey).toBe(first.MsgKey);
      expect(local.messages).toHaveLength(1);
      clock += 121_000;
      await call(local, 'openim/sendmsg', request);
      expect(local.messages).toHaveLength(2);
    });

    it('answers a repeated identical sendmsg like the first and stores it once; any changed key part is a new message', async () => {
      let clock = Date.now();
      const local = await withUserAndRobot({ now: () => clock });
      const request = {
        From_Account: ROBOT,
        To_Account: 'alice',
        MsgSeq: 11,
        MsgRandom: 22,
        MsgBody: textBody('same'),
      };
      const first = await call(local, 'openim/sendmsg', request);
      clock += 119_000;
      const repeat = await call(local, 'openim/sendmsg', request);
      expect(first).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0 });
      expect(repeat).toEqual(first);
      expect(local.conversation({ userId: 'alice', robotId: ROBOT })).toHaveLength(1);
      const changed = [
        { ...request, MsgBody: textBody('other') },
        { ...request, MsgRandom: 23 },
        { ...request, MsgSeq: 12 },
        { ...request, From_Account: ADMIN },
      ];
      for (const body of changed) {
        const answer = await call(local, 'openim/sendmsg', body);
        expect(answer.ErrorCode).toBe(0);
        expect(answer.MsgId).not.toBe(first.MsgId);
      }
      const same = [{ type: 'text', text: 'same' }];
      expect(
        local.messages.map((message) => [
          message.from,
          message.msgSeq,
          message.msgRandom,
          message.elements,
        ]),
      ).toEqual([
        [ROBOT, 11, 22, same],
        [ROBOT, 11, 22, [{ type: 'text', text: 'other' }]],
        [ROBOT, 11, 23, same],
        [ROBOT, 12, 22, same],
        [ADMIN, 11, 22, same],
      ]);
    });

    it('modifies a message and keeps every version, checking MsgKey and size', async () => {
      const local = await withUserAndRobot({ maxMessageBytes: 200 });
      const sent = await call(local, 'openim/sendmsg', {
        From_Account: ROBOT,
        To_Account: 'alice',
        MsgRandom: 5,
        MsgBody: textBody('v1'),
      });
      const modify = (body: Record<string, unknown>) =>
        call(local, 'openim/modify_c2c_msg', {
          From_Account: ROBOT,
          To_Account: 'alice',
          MsgKey: sent.MsgKey,
          ...body,
        });
      expect((await modify({ MsgBody: textBody('v2') })).ErrorCode).toBe(0);
      expect((await modify({ CloudCustomData: 'meta' })).ErrorCode).toBe(0);
      const tooLong = await modify({ MsgBody: textBody('x'.repeat(300)) });
      expect(tooLong.ErrorInfo).toContain('msg too long');
      expect((await modify({ MsgKey: 'nope' })).ErrorCode).toBe(90054);
      expect((await modify({ MsgKey: '1_2_3' })).ErrorCode).toBe(20022);
      expect((await modify({ From_Account: 'alice', To_Account: ROBOT })).ErrorCode).toBe(20022);
      const [message] = local.messages;
      expect(message?.elements).toEqual([{ type: 'text', text: 'v2' }]);
      expect(message?.cloudCustomData).toBe('meta');
      expect(message?.versions.map((version) => version[0])).toEqual([
        { type: 'text', text: 'v1' },
        { type: 'text', text: 'v2' },
        { type: 'text', text: 'v2' },
      ]);
    });

    it('withdraws a message once (then 20023) and answers 20022 for an unknown one', async () => {
      const local = await withUserAndRobot();
      const sent = await call(local, 'openim/sendmsg', {
        From_Account: ROBOT,
        To_Account: 'alice',
        MsgRandom: 5,
        MsgBody: textBody('oops'),
      });
      const withdraw = (msgKey: unknown) =>
        call(local, 'openim/admin_msgwithdraw', {
          From_Account: ROBOT,
          To_Account: 'alice',
          MsgKey: msgKey,
        });
      expect((await withdraw(sent.MsgKey)).ErrorCode).toBe(0);
      expect(local.messages[0]?.recalled).toBe(true);
      expect((await withdraw(sent.MsgKey)).ErrorCode).toBe(20023);
      expect((await withdraw('9_9_9')).ErrorCode).toBe(20022);
      const modify = await call(local, 'openim/modify_c2c_msg', {
        From_Account: ROBOT,
        To_Account: 'alice',
        MsgKey: sent.MsgKey,
        MsgBody: textBody('late'),
      });
      expect(modify.ErrorCode).toBe(20023);
    });
  });

  describe('group messages', () => {
    it('numbers group messages +1 from 1 and checks GroupId and Random', async () => {
      const local = await withUserAndRobot();
      local.createGroup({ groupId: 'team', memberIds: ['alice', ROBOT] });
      const send = (body: Record<string, unknown>) =>
        call(local, 'group_open_http_svc/send_group_msg', {
          GroupId: 'team',
          Random: 1,
          From_Account: ROBOT,
          MsgBody: textBody('hi'),
          ...body,
        });
      expect((await send({})).MsgSeq).toBe(1);
      expect((await send({ Random: 2 })).MsgSeq).toBe(2);
      expect((await send({ GroupId: 'nope' })).ErrorCode).toBe(10010);
      expect((await send({ Random: undefined })).ErrorCode).toBe(10004);
      await local.userSendsToGroup({ from: 'alice', groupId: 'team', text: 'human' });
      expect((await send({ Random: 3 })).MsgSeq).toBe(4);
      expect(local.conversation({ groupId: 'team' }).map((message) => message.msgSeq)).toEqual([
        1, 2, 3, 4,
      ]);
    });

    it('modifies a group message by MsgSeq and recalls at most 10 per call', async () => {
      const local = await withUserAndRobot();
      local.createGroup({ groupId: 'team', memberIds: ['alice', ROBOT] });
      await call(local, 'group_open_http_svc/send_group_msg', {
        GroupId: 'team',
        Random: 1,
        MsgBody: textBody('v1'),
      });
      const modify = await call(local, 'openim/modify_group_msg', {
        GroupId: 'team',
        MsgSeq: 1,
        MsgBody: textBody('v2'),
      });
      expect(modify.ErrorCode).toBe(0);
      expect(local.messages[0]?.versions).toHaveLength(2);
      const unknown = await call(local, 'openim/modify_group_msg', {
        GroupId: 'team',
        MsgSeq: 9,
        MsgBody: textBody('v2'),
      });
      expect(unknown.ErrorCode).toBe(20022);
      const tooMany = await call(local, 'group_open_http_svc/group_msg_recall', {
        GroupId: 'team',
        MsgSeqList: Array.from({ length: 11 }, (_, index) => ({ MsgSeq: index + 1 })),
      });
      expect(tooMany.ErrorCode).toBe(10004);
      const recall = await call(local, 'group_open_http_svc/group_msg_recall', {
        GroupId: 'team',
        MsgSeqList: [{ MsgSeq: 1 }, { MsgSeq: 2 }],
      });
      expect(recall.RecallRetList).toEqual([
        { MsgSeq: 1, RetCode: 0 },
        { MsgSeq: 2, RetCode: 20022 },
      ]);
      expect(local.messages[0]?.recalled).toBe(true);
    });
  });

  describe('native stream messages', () => {
    const streamBody = (
      chunks: Array<{ Index: number; Markdown: string; IsLast?: boolean }>,
      streamMessageId?: string,
    ) => [
      {
        MsgType: 'TIMStreamElem',
        MsgContent: {
          CompatibleText: 'update your app',
          Chunks: chunks.map((chunk) => ({ EventType: 'data', IsLast: false, ...chunk })),
          ...(streamMessageId !== undefined ? { StreamMsgID: streamMessageId } : {}),
        },
      },
    ];

    it('returns a StreamMsgID, requires increasing Index from 1 and rejects calls after IsLast', async () => {
      const local = await withUserAndRobot();
      const api = 'stream_msg/send_c2c_stream_msg';
      const base = { From_Account: ROBOT, To_Account: 'alice', MsgRandom: 3 };
      const badStart = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 2, Markdown: 'x' }]),
      });
      expect(badStart.ErrorCode).toBe(10004);
      const first = await call(local, api, {
        ...base,
        MsgBody: streamBody([
          { Index: 1, Markdown: 'Hel' },
          { Index: 2, Markdown: 'lo' },
        ]),
      });
      expect(first.ErrorCode).toBe(0);
      const streamMessageId = z.string().parse(first.StreamMsgID);
      expect(first.MsgKey).toEqual(expect.stringMatching(/^\d+_3_\d+$/));
      const repeat = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 2, Markdown: '!' }], streamMessageId),
      });
      expect(repeat.ErrorCode).toBe(10004);
      const unknown = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 3, Markdown: '!' }], 'stream-unknown'),
      });
      expect(unknown.ErrorCode).toBe(20022);
      const last = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 5, Markdown: ' world', IsLast: true }], streamMessageId),
      });
      expect(last).toMatchObject({
        ErrorCode: 0,
        StreamMsgID: streamMessageId,
        MsgKey: first.MsgKey,
      });
      const after = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 6, Markdown: '?' }], streamMessageId),
      });
      expect(after.ErrorCode).toBe(20023);
      const [message] = local.messages;
      expect(message?.stream).toEqual({ streamMessageId, ended: true });
      expect(message?.versions).toHaveLength(2);
      expect(message?.elements).toEqual([
        {
          type: 'stream',
          compatibleText: 'update your app',
          streamMessageId,
          chunks: [
            { index: 1, markdown: 'Hel', isLast: false },
            { index: 2, markdown: 'lo', isLast: false },
            { index: 5, markdown: ' world', isLast: true },
          ],
        },
      ]);
    });

    it('limits continuations to 5 per second per message and ends a stream idle for 15 s', async () => {
      let clock = Date.now();
      const local = await withUserAndRobot({ now: () => clock });
      local.createGroup({ groupId: 'team', memberIds: ['alice', ROBOT] });
      const api = 'stream_msg/send_group_stream_msg';
      const base = { GroupId: 'team', From_Account: ROBOT, Random: 1 };
      const first = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 1, Markdown: '0' }]),
      });
      expect(first.MsgSeq).toBe(1);
      const streamMessageId = z.string().parse(first.StreamMsgID);
      const codes: number[] = [];
      for (let index = 2; index <= 7; index += 1) {
        const answer = await call(local, api, {
          ...base,
          MsgBody: streamBody([{ Index: index, Markdown: String(index) }], streamMessageId),
        });
        codes.push(answer.ErrorCode);
      }
      expect(codes).toEqual([0, 0, 0, 0, 0, CODES.streamContinuationRateLimited]);
      clock += 1000;
      const resumed = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 7, Markdown: '7' }], streamMessageId),
      });
      expect(resumed.ErrorCode).toBe(0);
      clock += 15_001;
      const idle = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 8, Markdown: '8' }], streamMessageId),
      });
      expect(idle.ErrorCode).toBe(20023);
      expect(local.messages[0]?.stream?.ended).toBe(true);
    });

    it('auto-ends a stream idle over streamIdleLimitMs, keeping its text and rejecting later chunks with 20023', async () => {
      const local = await withUserAndRobot({ streamIdleLimitMs: 200 });
      local.createGroup({ groupId: 'team', memberIds: ['alice', ROBOT] });
      const api = 'stream_msg/send_group_stream_msg';
      const base = { GroupId: 'team', From_Account: ROBOT, Random: 1 };
      const first = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 1, Markdown: 'Hel' }]),
      });
      const streamMessageId = z.string().parse(first.StreamMsgID);
      const inTime = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 2, Markdown: 'lo' }], streamMessageId),
      });
      expect(inTime.ErrorCode).toBe(0);
      await sleep(350);
      const late = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 3, Markdown: ' world', IsLast: true }], streamMessageId),
      });
      expect(late).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: CODES.messageRecalled });
      expect(late.ErrorInfo).toContain('200 ms');
      const again = await call(local, api, {
        ...base,
        MsgBody: streamBody([{ Index: 4, Markdown: '!' }], streamMessageId),
      });
      expect(again.ErrorCode).toBe(CODES.messageRecalled);
      const [message] = local.messages;
      expect(message?.stream).toEqual({ streamMessageId, ended: true });
      expect(message?.versions).toHaveLength(2);
      expect(message?.elements).toEqual([
        {
          type: 'stream',
          compatibleText: 'update your app',
          streamMessageId,
          chunks: [
            { index: 1, markdown: 'Hel', isLast: false },
            { index: 2, markdown: 'lo', isLast: false },
          ],
        },
      ]);
      expect(local.requests.map((record) => record.errorCode)).toEqual([
        0,
        0,
        0,
        CODES.messageRecalled,
        CODES.messageRecalled,
      ]);
    });

    it('shows an idle stream as ended once the limit has passed, before any further call', async () => {
      const local = await withUserAndRobot({ streamIdleLimitMs: 200 });
      const first = await call(local, 'stream_msg/send_c2c_stream_msg', {
        From_Account: ROBOT,
        To_Account: 'alice',
        MsgRandom: 8,
        MsgBody: streamBody([{ Index: 1, Markdown: 'partial' }]),
      });
      const streamMessageId = z.string().parse(first.StreamMsgID);
      expect(local.messages[0]?.stream).toEqual({ streamMessageId, ended: false });
      await sleep(350);
      const [message] = local.conversation({ userId: 'alice', robotId: ROBOT });
      expect(message?.stream).toEqual({ streamMessageId, ended: true });
      expect(message?.versions).toHaveLength(1);
      const late = await call(local, 'stream_msg/send_c2c_stream_msg', {
        From_Account: ROBOT,
        To_Account: 'alice',
        MsgBody: streamBody([{ Index: 2, Markdown: ' more' }], streamMessageId),
      });
      expect(late.ErrorCode).toBe(CODES.messageRecalled);
    });

    it('streams legacy robot messages with send_stream_msg and an echoed MsgKey', async () => {
      const local = await withUserAndRobot();
      const api = 'openim_robot_http_svc/send_stream_msg';
      const first = await call(local, api, {
        From_Account: ROBOT,
        To_Account: 'alice',
        Chunk: 'Hi ',
      });
      const msgKey = z.string().parse(first.MsgKey);
      const last = await call(local, api, {
        From_Account: ROBOT,
        To_Account: 'alice',
        Chunk: 'there',
        MsgKey: msgKey,
        Finish: 1,
      });
      expect(last).toMatchObject({ ErrorCode: 0, MsgKey: msgKey });
      const after = await call(local, api, {
        From_Account: ROBOT,
        To_Account: 'alice',
        Chunk: '!',
        MsgKey: msgKey,
      });
      expect(after.ErrorCode).toBe(10004);
      expect(local.messages[0]?.elements).toEqual([
        {
          type: 'custom',
          data: '{"chatbotPlugin":1,"src":2,"chunks":["Hi ","there"],"isFinished":1}',
        },
      ]);
    });
  });

  describe('rate limits and faults', () => {
    it('answers 60007 over apiCallsPerSecond per API and refills over time', async () => {
      let clock = Date.now();
      const local = await start({ apiCallsPerSecond: 3, now: () => clock });
      const api = 'openim_robot_http_svc/get_all_robots';
      const codes: number[] = [];
      for (let index = 0; index < 4; index += 1) codes.push((await call(local, api, {})).ErrorCode);
      expect(codes).toEqual([0, 0, 0, 60007]);
      const otherApi = await call(local, 'im_open_login_svc/account_import', { Identifier: 'bob' });
      expect(otherApi.ErrorCode).toBe(0);
      clock += 1000;
      expect((await call(local, api, {})).ErrorCode).toBe(0);
      expect(local.requests.map((request) => request.errorCode)).toEqual([0, 0, 0, 60007, 0, 0]);
    });

    it('injects faults after the auth checks, including an HTTP status', async () => {
      const local = await start();
      const api = 'openim_robot_http_svc/get_all_robots';
      local.failNext(api, 70001, 2);
      local.failNext(api, 91000, 1, { httpStatus: 502 });
      expect((await call(local, api, {}, { usersig: 'bad' })).ErrorCode).toBe(70003);
      expect((await call(local, api, {})).ErrorCode).toBe(70001);
      expect((await call(local, api, {})).ErrorCode).toBe(70001);
      const params = new URLSearchParams({
        sdkappid: String(SDK_APP_ID),
        identifier: ADMIN,
        usersig: await adminSig(),
        random: '1',
        contenttype: 'json',
      });
      const response = await fetch(`${local.baseUrl}/v4/${api}?${params}`, {
        method: 'POST',
        body: '{}',
      });
      expect(response.status).toBe(502);
      expect((await call(local, api, {})).ErrorCode).toBe(0);
      expect(local.requests.map((request) => request.errorCode)).toEqual([
        70003, 70001, 70001, 91000, 0,
      ]);
    });
  });

  describe('webhooks', () => {
    it('delivers Bot.OnC2CMessage with the query parameters, Sign and every body field', async () => {
      const receiver = await startReceiver();
      const local = await withUserAndRobot({ callbackUrl: receiver.url, callbackToken: TOKEN });
      const before = Date.now();
      const result = await local.userSends({ from: 'alice', to: ROBOT, text: 'hello' });
      expect(result).toMatchObject({ status: 200, delivered: true, body: { ErrorCode: 0 } });
      const [delivery] = receiver.received;
      if (delivery === undefined) throw new Error('no webhook received');
      const query = delivery.url.searchParams;
      expect(query.get('route')).toBe('bot');
      expect(query.get('SdkAppid')).toBe(String(SDK_APP_ID));
      expect(query.get('CallbackCommand')).toBe('Bot.OnC2CMessage');
      expect(query.get('contenttype')).toBe('json');
      expect(query.get('ClientIP')).toBe('127.0.0.1');
      expect(query.get('OptPlatform')).toBe('Web');
      const requestTime = query.get('RequestTime') ?? '';
      expect(Math.abs(Number(requestTime) - before / 1000)).toBeLessThan(5);
      expect(query.get('Sign')).toBe(await computeCallbackSign(TOKEN, requestTime));
      const [stored] = local.conversation({ userId: 'alice', robotId: ROBOT });
      expect(result.msgKey).toBe(stored?.msgKey);
      expect(delivery.body).toEqual({
        CallbackCommand: 'Bot.OnC2CMessage',
        From_Account: 'alice',
        To_Account: ROBOT,
        MsgSeq: stored?.msgSeq,
        MsgRandom: stored?.msgRandom,
        MsgTime: stored?.msgTimeSeconds,
        MsgKey: `${stored?.msgSeq}_${stored?.msgRandom}_${stored?.msgTimeSeconds}`,
        MsgId: stored?.msgId,
        OnlineOnlyFlag: 0,
        SendMsgResult: 0,
        ErrorInfo: 'send msg succeed',
        UnreadMsgNum: 1,
        MsgBody: textBody('hello'),
        CloudCustomData: '',
        EventTime: expect.any(Number),
      });
      const eventTime = z.object({ EventTime: z.number() }).parse(delivery.body).EventTime;
      expect(eventTime).toBeGreaterThanOrEqual(before);
    });

    it('delivers Bot.OnGroupMessage only when a robot is @-mentioned', async () => {
      const receiver = await startReceiver();
      const local = await withUserAndRobot();
      local.setCallbackUrl(receiver.url);
      local.createGroup({ groupId: 'team', type: 'Work', memberIds: ['alice', ROBOT] });
      const quiet = await local.userSendsToGroup({
        from: 'alice',
        groupId: 'team',
        text: 'hi all',
      });
      expect(quiet).toEqual({ status: 0, body: undefined, delivered: false, msgSeq: 1 });
      const result = await local.userSendsToGroup({
        from: 'alice',
        groupId: 'team',
        text: 'hello',
        atUserIds: [ROBOT],
      });
      expect(result).toMatchObject({ status: 200, delivered: true, msgSeq: 2 });
      expect(receiver.received).toHaveLength(1);
      const [delivery] = receiver.received;
      expect(delivery?.url.searchParams.get('CallbackCommand')).toBe('Bot.OnGroupMessage');
      expect(delivery?.url.searchParams.has('Sign')).toBe(false);
      expect(delivery?.body).toMatchObject({
        CallbackCommand: 'Bot.OnGroupMessage',
        GroupId: 'team',
        Type: 'Work',
        From_Account: 'alice',
        Operator_Account: 'alice',
        Random: expect.any(Number),
        MsgSeq: 2,
        MsgTime: expect.any(Number),
        OnlineOnlyFlag: 0,
        MsgBody: textBody('@@RBT#001 hello'),
        AtRobots_Account: [ROBOT],
        CloudCustomData: '',
        EventTime: expect.any(Number),
      });
      await local.userSendsToGroup({
        from: 'alice',
        groupId: 'team',
        text: `@${ROBOT} again`,
        atUserIds: [ROBOT],
      });
      expect(receiver.received[1]?.body).toMatchObject({ MsgBody: textBody('@@RBT#001 again') });
    });

    it('delivers a user interrupt as an online-only src:22 custom message', async () => {
      const receiver = await startReceiver();
      const local = await withUserAndRobot({ callbackUrl: receiver.url });
      await local.userInterrupts({ from: 'alice', robotId: ROBOT, msgKey: '12_34_56' });
      const body = z
        .object({
          OnlineOnlyFlag: z.number(),
          MsgBody: z.array(
            z.object({
              MsgType: z.literal('TIMCustomElem'),
              MsgContent: z.object({ Data: z.string() }),
            }),
          ),
        })
        .parse(receiver.received[0]?.body);
      expect(body.OnlineOnlyFlag).toBe(1);
      expect(decodeChatbotPayload(body.MsgBody[0]?.MsgContent.Data ?? '')).toEqual({
        kind: 'interrupt',
        msgKey: '12_34_56',
      });
    });

    it('forges webhooks with overridden Sign, RequestTime and SdkAppid', async () => {
      const receiver = await startReceiver();
      const local = await start({ callbackUrl: receiver.url, callbackToken: TOKEN });
      await local.deliverWebhook(
        'Bot.OnC2CMessage',
        { forged: true },
        { signOverride: 'f'.repeat(64) },
      );
      await local.deliverWebhook('Bot.OnC2CMessage', '{"raw":1}', {
        requestTimeOverride: 1669872112,
        sdkAppIdOverride: 1,
      });
      await local.deliverWebhook('Bot.OnC2CMessage', {}, { omitSign: true });
      const [forged, stale, unsigned] = receiver.received;
      expect(forged?.url.searchParams.get('Sign')).toBe('f'.repeat(64));
      expect(forged?.body).toEqual({ forged: true });
      expect(stale?.url.searchParams.get('RequestTime')).toBe('1669872112');
      expect(stale?.url.searchParams.get('Sign')).toBe(
        '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061',
      );
      expect(stale?.url.searchParams.get('SdkAppid')).toBe('1');
      expect(stale?.body).toEqual({ raw: 1 });
      expect(unsigned?.url.searchParams.has('Sign')).toBe(false);
      expect(unsigned?.url.searchParams.has('RequestTime')).toBe(false);
    });

    it('does not deliver C2C messages to non-robots', async () => {
      const receiver = await startReceiver();
      const local = await withUserAndRobot({ callbackUrl: receiver.url });
      local.importAccount('bob');
      const result = await local.userSends({ from: 'alice', to: 'bob', text: 'hi' });
      expect(result.delivered).toBe(false);
      expect(receiver.received).toHaveLength(0);
      expect(local.conversation({ userId: 'bob', robotId: 'alice' })).toHaveLength(1);
    });
  });
});
