import { afterEach, describe, expect, it } from 'vitest';
import { createLocalTencentChat, type LocalTencentChat } from '../testing/local-tencent-chat.ts';
import { createTencentChatClient } from './client.ts';
import { newMessageKeys, REPLY_SEQUENCE_BASE, replySequence } from './message-keys.ts';
import type { TencentChatClient } from './types.ts';

const SDK_APP_ID = 1400000000;
const SECRET_KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const ROBOT = '@RBT#001';
const UINT32_MAX = 4_294_967_295;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(
  now?: () => number,
): Promise<{ local: LocalTencentChat; client: TencentChatClient }> {
  const local = await createLocalTencentChat({ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, now });
  cleanups.push(() => local.close());
  const client = createTencentChatClient({
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET_KEY,
    adminUserId: local.adminUserId,
    baseUrl: local.baseUrl,
    retry: { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 10 },
  });
  local.importAccount('alice');
  await client.createRobot({ robotId: ROBOT });
  local.createGroup({ groupId: 'team', memberIds: ['alice', ROBOT] });
  return { local, client };
}

/** Tencent's C2C history order: `MsgTime`, then `MsgSeq`. */
function historyOrder(local: LocalTencentChat): string[] {
  return [...local.conversation({ userId: 'alice', robotId: ROBOT })]
    .sort((a, b) => a.msgTimeSeconds - b.msgTimeSeconds || a.msgSeq - b.msgSeq)
    .map((message) => message.from);
}

describe('message keys', () => {
  it('puts MsgSeq in the top 1000 of the uint32 range, ordered by the millisecond within the second', () => {
    expect(replySequence(1_700_000_000_000)).toBe(REPLY_SEQUENCE_BASE);
    expect(replySequence(1_700_000_000_123)).toBe(REPLY_SEQUENCE_BASE + 123);
    expect(replySequence(1_700_000_000_999)).toBe(UINT32_MAX);
    const keys = newMessageKeys();
    expect(keys.sequence).toBeGreaterThanOrEqual(REPLY_SEQUENCE_BASE);
    expect(keys.sequence).toBeLessThanOrEqual(UINT32_MAX);
    expect(Number.isInteger(keys.random) && keys.random >= 0 && keys.random <= UINT32_MAX).toBe(
      true,
    );
  });

  it("sorts the bot's message after the user's question of the same second in Tencent's history order", async () => {
    // Tencent's clock stands still: the question and both answers share one MsgTime.
    const frozenMs = Date.now();
    const { local, client } = await start(() => frozenMs);
    await local.userSends({ from: 'alice', to: ROBOT, text: 'question' });
    await client.sendC2CMessage({
      fromUserId: ROBOT,
      toUserId: 'alice',
      elements: [{ type: 'text', text: 'answer' }],
    });
    await client.sendC2CMessage({
      fromUserId: ROBOT,
      toUserId: 'alice',
      elements: [{ type: 'text', text: 'follow-up' }],
    });
    const [question, answer, followUp] = local.conversation({ userId: 'alice', robotId: ROBOT });
    expect(
      new Set([question, answer, followUp].map((message) => message?.msgTimeSeconds)).size,
    ).toBe(1);
    expect(question?.msgSeq).toBeLessThan(REPLY_SEQUENCE_BASE);
    expect(answer?.msgSeq).toBeGreaterThanOrEqual(REPLY_SEQUENCE_BASE);
    expect(followUp?.msgSeq ?? 0).toBeGreaterThanOrEqual(answer?.msgSeq ?? 0);
    expect(historyOrder(local)).toEqual(['alice', ROBOT, ROBOT]);
  });
});

describe("the client's retries repeat the same keys and body: a lost answer never stores twice", () => {
  it('sendC2CMessage: a reset after the store is retried into the stored message', async () => {
    const { local, client } = await start();
    local.failNext('openim/sendmsg', 0, 1, { after: 'store', reset: true });
    const result = await client.sendC2CMessage({
      fromUserId: ROBOT,
      toUserId: 'alice',
      elements: [{ type: 'text', text: 'once' }],
    });
    const stored = local.conversation({ userId: 'alice', robotId: ROBOT });
    expect(stored).toHaveLength(1);
    expect(result.msgKey).toBe(stored[0]?.msgKey);
    expect(local.requests.filter((request) => request.api === 'openim/sendmsg')).toHaveLength(2);
  });

  it('sendC2CMessage: an answer later than the timeout is retried into the stored message', async () => {
    const { local, client } = await start();
    local.failNext('openim/sendmsg', 0, 1, { after: 'store', delayMs: 400 });
    await client.sendC2CMessage({
      fromUserId: ROBOT,
      toUserId: 'alice',
      elements: [{ type: 'text', text: 'once' }],
      timeoutMs: 150,
    });
    expect(local.conversation({ userId: 'alice', robotId: ROBOT })).toHaveLength(1);
  });

  it('sendGroupMessage: a reset after the store is retried into the stored message', async () => {
    const { local, client } = await start();
    local.failNext('group_open_http_svc/send_group_msg', 0, 1, { after: 'store', reset: true });
    const result = await client.sendGroupMessage({
      groupId: 'team',
      fromUserId: ROBOT,
      elements: [{ type: 'text', text: 'once' }],
    });
    const stored = local.conversation({ groupId: 'team' });
    expect(stored).toHaveLength(1);
    expect(result.sequence).toBe(stored[0]?.msgSeq);
  });

  it('native stream first calls (C2C and group): a reset after the store is retried into the started stream', async () => {
    const { local, client } = await start();
    local.failNext('stream_msg/send_c2c_stream_msg', 0, 1, { after: 'store', reset: true });
    local.failNext('stream_msg/send_group_stream_msg', 0, 1, { after: 'store', reset: true });
    const first = { compatibleText: 'Hi', chunks: [{ index: 1, markdown: 'Hi', isLast: false }] };
    const c2c = await client.sendC2CStreamMessage({
      ...first,
      fromUserId: ROBOT,
      toUserId: 'alice',
    });
    const group = await client.sendGroupStreamMessage({
      ...first,
      fromUserId: ROBOT,
      groupId: 'team',
    });
    const [c2cStored, ...c2cMore] = local.conversation({ userId: 'alice', robotId: ROBOT });
    const [groupStored, ...groupMore] = local.conversation({ groupId: 'team' });
    expect([c2cMore, groupMore]).toEqual([[], []]);
    expect(c2c.streamMessageId).toBe(c2cStored?.stream?.streamMessageId);
    expect(group.streamMessageId).toBe(groupStored?.stream?.streamMessageId);
  });
});
