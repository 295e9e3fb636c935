import { describe, expect, it } from 'vitest';
import { call, startLocal } from './__fixtures__/server-api.ts';

const PRIVATE_STREAM = '/v3/message/private/publish_stream.json';
const GROUP_STREAM = '/v3/message/group/publish_stream.json';

function chunk(
  content: Record<string, unknown>,
  target: Record<string, string> = { toUserId: 'alice' },
) {
  return { fromUserId: 'bot', ...target, objectName: 'RC:StreamMsg', content, isIncludeSender: 0 };
}

describe('local RongCloud stream messages', () => {
  it('creates the message on the first chunk, appends chunks, completes and rejects chunks after complete', async () => {
    const local = await startLocal();
    const first = await call(
      local,
      PRIVATE_STREAM,
      chunk({ content: 'Hel', seq: 1, complete: false, type: 'markdown' }),
    );
    expect(first).toEqual({
      status: 200,
      body: { code: 200, messageUID: expect.stringMatching(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/) },
    });
    const messageUID = String(first.body.messageUID);
    const next = (content: Record<string, unknown>) =>
      call(local, PRIVATE_STREAM, chunk({ messageUID, ...content }));
    expect((await next({ content: 'lo', seq: 2, complete: false })).body).toEqual({
      code: 200,
      messageUID,
    });
    const partial = local.conversation({ userId: 'alice', botUserId: 'bot' })[0];
    expect(partial?.stream).toMatchObject({ text: 'Hello', chunkCount: 2, complete: false });
    expect((await next({ content: ' world', seq: 3, complete: true })).body.code).toBe(200);
    const after = await next({ content: '!', seq: 4, complete: false });
    expect(after).toEqual({
      status: 400,
      body: { code: 1002, errorMessage: `stream message ${messageUID} is complete` },
    });
    const [message] = local.conversation({ userId: 'alice', botUserId: 'bot' });
    expect(message).toMatchObject({
      messageUID,
      fromUserId: 'bot',
      toUserId: 'alice',
      objectName: 'RC:StreamMsg',
      content: { content: 'Hello world', complete: true, type: 'markdown' },
      text: 'Hello world',
      stream: { text: 'Hello world', chunkCount: 3, complete: true, lastSeq: 3 },
    });
    expect(
      message?.stream?.chunks.map((entry) => [entry.seq, entry.delta, entry.complete]),
    ).toEqual([
      [1, 'Hel', false],
      [2, 'lo', false],
      [3, ' world', true],
    ]);
    expect(message?.stream?.chunks[1]?.wireBody).toEqual(
      chunk({ messageUID, content: 'lo', seq: 2, complete: false }),
    );
    expect(local.messages).toHaveLength(1);
  });

  it('takes an identical repeat of a chunk as received, even after complete, and rejects a changed one', async () => {
    const local = await startLocal();
    const first = await call(
      local,
      PRIVATE_STREAM,
      chunk({ content: 'a', seq: 1, complete: false }),
    );
    const messageUID = String(first.body.messageUID);
    const second = chunk({ messageUID, content: 'b', seq: 2, complete: false });
    expect((await call(local, PRIVATE_STREAM, second)).body.code).toBe(200);
    expect((await call(local, PRIVATE_STREAM, second)).body).toEqual({ code: 200, messageUID });
    const changed = chunk({ messageUID, content: 'B', seq: 2, complete: false });
    expect((await call(local, PRIVATE_STREAM, changed)).body).toEqual({
      code: 1002,
      errorMessage: 'content.seq 2 must be greater than 2',
    });
    const last = chunk({ messageUID, content: '', seq: 5, complete: true });
    expect((await call(local, PRIVATE_STREAM, last)).body.code).toBe(200);
    expect((await call(local, PRIVATE_STREAM, last)).body.code).toBe(200);
    expect(local.messages[0]?.stream).toMatchObject({ text: 'ab', chunkCount: 3, complete: true });
  });

  it('requires seq 1 first, increasing seqs, a known messageUID of the same conversation, and RC:StreamMsg', async () => {
    const local = await startLocal();
    const started = await call(
      local,
      PRIVATE_STREAM,
      chunk({ content: 'x', seq: 1, complete: false }),
    );
    const messageUID = String(started.body.messageUID);
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        chunk({ content: 'x', seq: 2, complete: false }),
        'the first chunk (without messageUID) must have seq 1, received 2',
      ],
      [chunk({ content: 'x', complete: false }), 'content.seq is required'],
      [chunk({ content: 'x', seq: 0 }), 'content.seq must be 1 to 9007199254740991, received 0'],
      [chunk({ seq: 1 }), 'content.content must be a string'],
      [
        { ...chunk({ content: 'x', seq: 1 }), content: '{"content":"x","seq":1}' },
        'content must be a JSON object',
      ],
      [
        { ...chunk({ content: 'x', seq: 1 }), objectName: 'RC:TxtMsg' },
        'objectName must be RC:StreamMsg, received RC:TxtMsg',
      ],
      [
        chunk({ messageUID: 'AAAA-AAAA-AAAA-AAAA', content: 'x', seq: 2 }),
        'messageUID AAAA-AAAA-AAAA-AAAA is not a stream message of this conversation',
      ],
      [
        chunk({ messageUID, content: 'x', seq: 2 }, { toUserId: 'bob' }),
        `messageUID ${messageUID} is not a stream message of this conversation`,
      ],
    ];
    for (const [body, message] of cases) {
      expect((await call(local, PRIVATE_STREAM, body)).body).toEqual({
        code: 1002,
        errorMessage: message,
      });
    }
    expect(
      (await call(local, PRIVATE_STREAM, chunk({ messageUID, content: 'y', seq: 4 }))).body.code,
    ).toBe(200);
    expect(local.messages[0]?.stream).toMatchObject({ text: 'xy', lastSeq: 4, complete: false });
  });

  it('caps one call at 128 KB of content', async () => {
    const local = await startLocal();
    const overhead = JSON.stringify({ content: '', seq: 1, complete: false }).length;
    const fits = chunk({ content: 'a'.repeat(128 * 1024 - overhead), seq: 1, complete: false });
    expect((await call(local, PRIVATE_STREAM, fits)).body.code).toBe(200);
    const over = chunk({ content: 'a'.repeat(128 * 1024 - overhead + 1), seq: 1, complete: false });
    expect((await call(local, PRIVATE_STREAM, over)).body).toEqual({
      code: 1002,
      errorMessage: 'content must be at most 131072 bytes, received 131073',
    });
    expect(local.messages).toHaveLength(1);
  });

  it('streams to a group with toGroupId', async () => {
    const local = await startLocal();
    local.createGroup({ groupId: 'team', memberIds: ['alice', 'bot'] });
    const target = { toGroupId: 'team' };
    const first = await call(
      local,
      GROUP_STREAM,
      chunk({ content: 'Hi', seq: 1, complete: false }, target),
    );
    const messageUID = String(first.body.messageUID);
    await call(
      local,
      GROUP_STREAM,
      chunk({ messageUID, content: ' all', seq: 2, complete: true }, target),
    );
    expect(local.conversation({ groupId: 'team' })).toMatchObject([
      { groupId: 'team', objectName: 'RC:StreamMsg', stream: { text: 'Hi all', complete: true } },
    ]);
    const unknown = await call(
      local,
      GROUP_STREAM,
      chunk({ content: 'x', seq: 1 }, { toGroupId: 'nope' }),
    );
    expect(unknown.body.errorMessage).toBe('group nope does not exist');
  });
});
