/**
 * The adapter alone against a local Tencent Chat over loopback HTTP, driven call by call (no bot
 * runtime): tests open replies, update and finish them, and inspect what Tencent stored.
 */
import type { ReplyTarget } from '@imbridge/core';
import { decodeChatbotPayload } from '../../chatbot/payload.ts';
import type { MessageElement } from '../../messages/elements.ts';
import {
  createLocalTencentChat,
  type LocalConversationSelector,
  type LocalMessage,
  type LocalTencentChat,
} from '../../testing/local-tencent-chat.ts';
import { createTencentChatAdapter, type TencentChatAdapter } from '../adapter.ts';
import type { TencentChatAdapterOptions } from '../options.ts';

const SDK_APP_ID = 1400000002;
const SECRET = 'local-adapter-secret-0123456789abcdef0123456789abcdef0123456789';
/** The robot that answers. */
export const ROBOT = '@RBT#assistant';

/** A one-to-one reply target (alice and the robot). */
export const DIRECT: ReplyTarget = {
  conversationId: `c2c:${ROBOT}:alice`,
  type: 'direct',
  userId: 'alice',
  botId: ROBOT,
};

/** A group reply target (group `team`). */
export const GROUP: ReplyTarget = {
  conversationId: 'group:team',
  type: 'group',
  userId: 'alice',
  groupId: 'team',
  botId: ROBOT,
};

/** What {@link startAdapter} started. */
export interface LocalAdapter {
  chat: LocalTencentChat;
  adapter: TencentChatAdapter;
  /** The robot's messages in the target's conversation. */
  robotMessages(target: ReplyTarget): LocalMessage[];
  /** REST calls made to one API so far. */
  callsTo(api: string): number;
  /** A second adapter with the same options (another process serving the same bot). */
  another(): TencentChatAdapter;
}

const running: LocalTencentChat[] = [];

/** Closes what {@link startAdapter} started (call it in `afterEach`). */
export async function stopAdapters(): Promise<void> {
  await Promise.all(running.splice(0).map((chat) => chat.close()));
}

/**
 * Starts a local Tencent Chat with alice, the robot and group `team`, and an adapter on it with
 * short timings: 300 ms per attempt, client retries 5–10 ms apart.
 */
export async function startAdapter(
  options: Partial<TencentChatAdapterOptions> = {},
): Promise<LocalAdapter> {
  const chat = await createLocalTencentChat({ sdkAppId: SDK_APP_ID, secretKey: SECRET });
  running.push(chat);
  const create = (): TencentChatAdapter =>
    createTencentChatAdapter({
      sdkAppId: SDK_APP_ID,
      secretKey: SECRET,
      adminUserId: chat.adminUserId,
      baseUrl: chat.baseUrl,
      verifySignatures: false,
      logger: false,
      robotIds: [ROBOT],
      timeoutMs: 300,
      retry: { maxRetries: 2, initialDelayMs: 5, maxDelayMs: 10 },
      ...options,
    });
  const adapter = create();
  await adapter.client.createRobot({ robotId: ROBOT });
  chat.importAccount('alice');
  chat.createGroup({ groupId: 'team', memberIds: ['alice', ROBOT] });
  const selector = (target: ReplyTarget): LocalConversationSelector =>
    target.groupId !== undefined
      ? { groupId: target.groupId }
      : { userId: target.userId, robotId: ROBOT };
  return {
    chat,
    adapter,
    robotMessages: (target) =>
      chat.conversation(selector(target)).filter((message) => message.from === ROBOT),
    callsTo: (api) => chat.requests.filter((request) => request.api === api).length,
    another: create,
  };
}

/** What a client shows for a stored message, in any stream mode. */
export function shownText(elements: ReadonlyArray<MessageElement>): {
  text: string;
  finished: boolean;
  kind: 'stream' | 'error' | 'text' | 'stream-elem';
} {
  const [first] = elements;
  if (first?.type === 'stream') {
    return {
      text: first.chunks.map((chunk) => chunk.markdown).join(''),
      finished: first.chunks.at(-1)?.isLast === true,
      kind: 'stream-elem',
    };
  }
  if (first?.type === 'custom') {
    const payload = decodeChatbotPayload(first.data);
    if (payload?.kind === 'stream') {
      return { text: payload.chunks.join(''), finished: payload.isFinished, kind: 'stream' };
    }
    if (payload?.kind === 'error')
      return { text: payload.errorInfo, finished: true, kind: 'error' };
  }
  const text = elements.map((element) => (element.type === 'text' ? element.text : '')).join('');
  return { text, finished: true, kind: 'text' };
}

/** The API a target's first send goes to in a stream mode. */
export function sendApi(target: ReplyTarget, streamMode: string): string {
  if (streamMode === 'stream-elem') {
    return target.type === 'group'
      ? 'stream_msg/send_group_stream_msg'
      : 'stream_msg/send_c2c_stream_msg';
  }
  return target.type === 'group' ? 'group_open_http_svc/send_group_msg' : 'openim/sendmsg';
}

/** The API that modifies a target's message (stream-elem continues the stream instead). */
export function updateApi(target: ReplyTarget, streamMode: string): string {
  if (streamMode === 'stream-elem') return sendApi(target, streamMode);
  return target.type === 'group' ? 'openim/modify_group_msg' : 'openim/modify_c2c_msg';
}
