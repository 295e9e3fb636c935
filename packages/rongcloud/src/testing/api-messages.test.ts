import { describe, expect, it } from 'vitest';
import { call, startLocal } from './__fixtures__/server-api.ts';

const PRIVATE = '/message/private/publish.json';
const GROUP = '/message/group/publish.json';
const RECALL = '/message/recall.json';
const text = (value: string) => JSON.stringify({ content: value });

describe('local RongCloud message APIs', () => {
  it('publishes a private message per repeated toUserId and answers their messageUIDs', async () => {
    const local = await startLocal();
    const one = await call(local, PRIVATE, {
      fromUserId: 'bot',
      toUserId: 'alice',
      objectName: 'RC:TxtMsg',
      content: text('hello'),
      isIncludeSender: 0,
    });
    expect(one.body).toEqual({
      code: 200,
      messageUID: expect.stringMatching(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/),
      messageUIDs: [{ userId: 'alice', messageUID: one.body.messageUID }],
    });
    const [stored] = local.conversation({ userId: 'alice', botUserId: 'bot' });
    expect(stored).toMatchObject({
      messageUID: one.body.messageUID,
      conversation: { type: 'private', userIds: ['alice', 'bot'] },
      fromUserId: 'bot',
      toUserId: 'alice',
      objectName: 'RC:TxtMsg',
      content: { content: 'hello' },
      text: 'hello',
      origin: 'api',
      recalled: false,
      wireBody: {
        fromUserId: 'bot',
        toUserId: 'alice',
        objectName: 'RC:TxtMsg',
        content: text('hello'),
        isIncludeSender: '0',
      },
    });
    const many = await call(local, PRIVATE, {
      fromUserId: 'bot',
      toUserId: ['alice', 'bob'],
      objectName: 'App:Custom',
      content: JSON.stringify({ any: 1 }),
    });
    expect(many.body.messageUID).toBeUndefined();
    expect(many.body.messageUIDs).toEqual([
      { userId: 'alice', messageUID: expect.any(String) },
      { userId: 'bob', messageUID: expect.any(String) },
    ]);
    expect(local.conversation({ userId: 'bob', botUserId: 'bot' })[0]?.wireBody).toMatchObject({
      toUserId: ['alice', 'bob'],
    });
  });

  it('checks the content, the receivers and the flags', async () => {
    const local = await startLocal();
    const base = { fromUserId: 'bot', toUserId: 'alice', objectName: 'RC:TxtMsg' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, content: 'not json' }, 'content must be a string holding a JSON object'],
      [{ ...base, content: '[1]' }, 'content must be a JSON object'],
      [
        { ...base, content: '{"text":"x"}' },
        'content of an RC:TxtMsg needs a string content field',
      ],
      [{ ...base, toUserId: undefined, content: text('x') }, 'toUserId is required'],
      [
        { ...base, content: text('x'), isPersisted: 2 },
        'isPersisted must be 0 or 1 (or true or false)',
      ],
      [
        { ...base, toUserId: Array.from({ length: 1001 }, (_, i) => `u${i}`), content: text('x') },
        'toUserId may be given at most 1000 times, received 1001',
      ],
    ];
    for (const [fields, message] of cases) {
      const definedFields = Object.fromEntries(
        Object.entries(fields).filter(([, value]) => value !== undefined),
      ) as Record<string, string>;
      expect((await call(local, PRIVATE, definedFields)).body).toEqual({
        code: 1002,
        errorMessage: message,
      });
    }
    expect(local.messages).toEqual([]);
  });

  it('publishes to at most 3 existing groups', async () => {
    const local = await startLocal();
    local.createGroup({ groupId: 'team', memberIds: ['alice', 'bot'] });
    const base = { fromUserId: 'bot', objectName: 'RC:TxtMsg', content: text('hi all') };
    const sent = await call(local, GROUP, { ...base, toGroupId: 'team' });
    expect(sent.body).toMatchObject({ code: 200, messageUIDs: [{ groupId: 'team' }] });
    expect(local.conversation({ groupId: 'team' })).toMatchObject([
      { groupId: 'team', conversation: { type: 'group', groupId: 'team' }, text: 'hi all' },
    ]);
    expect((await call(local, GROUP, { ...base, toGroupId: 'nope' })).body).toEqual({
      code: 1002,
      errorMessage: 'group nope does not exist',
    });
    const four = await call(local, GROUP, { ...base, toGroupId: ['a', 'b', 'c', 'd'] });
    expect(four.body.errorMessage).toBe('toGroupId may be given at most 3 times, received 4');
  });

  it('recalls a message of the conversation once, and answers 200 again for a repeat', async () => {
    let clock = 1_700_000_000_000;
    const local = await startLocal({ now: () => clock });
    const sent = await call(local, PRIVATE, {
      fromUserId: 'bot',
      toUserId: 'alice',
      objectName: 'RC:TxtMsg',
      content: text('oops'),
    });
    const recall = (fields: Record<string, string>) =>
      call(local, RECALL, {
        fromUserId: 'bot',
        targetId: 'alice',
        messageUID: String(sent.body.messageUID),
        sentTime: String(clock),
        conversationType: '1',
        ...fields,
      });
    expect((await recall({ targetId: 'bob' })).body.code).toBe(1002);
    expect((await recall({ fromUserId: 'alice', targetId: 'bot' })).body).toEqual({
      code: 1002,
      errorMessage: `message ${sent.body.messageUID} was not sent by alice`,
    });
    expect((await recall({ conversationType: '3' })).body.code).toBe(1002);
    clock += 1_000;
    expect((await recall({})).body).toEqual({ code: 200 });
    expect(local.messages[0]).toMatchObject({ recalled: true, recalledAtMs: clock });
    expect((await recall({})).body).toEqual({ code: 200 });
    expect((await recall({ conversationType: '6' })).body.errorMessage).toBe(
      'conversationType must be 1 (private) or 3 (group)',
    );
  });
});
