import {
  type ChatbotPayload,
  decodeChatbotPayload,
  type MessageElement,
} from '@imbridge/tencent-chat';
import { createLocalTencentChat, type LocalMessage } from '@imbridge/tencent-chat/testing';
import type { BotConfig } from './config.ts';
import { createOfflineModel } from './model.ts';
import { startBotServer } from './server.ts';
import { setupRobot } from './setup-robot.ts';

/** One thing a chat client saw. */
export interface ClientView {
  /** `user` sent something; `robot` message appeared or changed. */
  from: 'user' | 'robot';
  /** For the robot: `stream` (chatbot reply), `error` (src 23), `text`. For the user: `message`, `interrupt`. */
  kind: 'stream' | 'error' | 'text' | 'message' | 'interrupt';
  /** Text shown. */
  text: string;
  /** For robot stream messages: marked finished (`isFinished: 1`). */
  finished?: boolean;
  /** Robot message key (C2C). */
  msgKey?: string;
  /** Robot message id (unique per message, C2C and group). */
  messageId?: string;
  /** Version number of the robot message (1 = first send, then each modification). */
  version?: number;
  /** Conversation label, e.g. `alice ↔ @RBT#assistant` or `group @TGS#demo`. */
  conversation: string;
  /** Milliseconds since the demo started. */
  atMs: number;
}

function view(
  elements: ReadonlyArray<MessageElement>,
): Pick<ClientView, 'kind' | 'text' | 'finished'> {
  const custom = elements.find((element) => element.type === 'custom');
  const payload: ChatbotPayload | undefined =
    custom?.type === 'custom' ? decodeChatbotPayload(custom.data) : undefined;
  if (payload?.kind === 'stream')
    return { kind: 'stream', text: payload.chunks.join(''), finished: payload.isFinished };
  if (payload?.kind === 'error') return { kind: 'error', text: payload.errorInfo, finished: true };
  return {
    kind: 'text',
    text: elements.map((element) => (element.type === 'text' ? element.text : '')).join(''),
  };
}

/**
 * The offline demo: a local Tencent Cloud Chat (REST API + webhooks on 127.0.0.1), the example's
 * bot server, and a simulated user. Shows a streamed reply, an interrupted reply, an error reply,
 * a group @-mention, a command (`/help`) and an answer that used a tool, as a chat client sees them.
 */
export async function runTencentDemo(
  options: {
    onView?: (view: ClientView) => void;
    chunkDelayMs?: number;
    minUpdateIntervalMs?: number;
  } = {},
): Promise<ClientView[]> {
  const started = Date.now();
  const views: ClientView[] = [];
  const emit = (item: Omit<ClientView, 'atMs'>): void => {
    const full = { ...item, atMs: Date.now() - started };
    views.push(full);
    options.onView?.(full);
  };
  const sdkAppId = 1400000000;
  const secretKey = 'local-demo-secret-key-not-a-real-one';
  const callbackToken = 'local-demo-callback-token';
  const robotId = '@RBT#assistant';
  const chat = await createLocalTencentChat({ sdkAppId, secretKey, callbackToken });
  const config: BotConfig = {
    robotId,
    port: 0,
    adapter: {
      sdkAppId,
      secretKey,
      adminUserId: chat.adminUserId,
      baseUrl: chat.baseUrl,
      callbackToken,
      robotIds: [robotId],
      minUpdateIntervalMs: options.minUpdateIntervalMs ?? 300,
    },
  };
  const server = await startBotServer({
    config,
    model: createOfflineModel({ chunkDelayMs: options.chunkDelayMs ?? 60 }),
  });
  chat.setCallbackUrl(server.webhookUrl);

  // Watch the robot's messages as a client would be notified of them (new message, modified).
  const seenVersions = new Map<string, number>();
  const label = (message: LocalMessage): string =>
    message.conversation.type === 'group'
      ? `group ${message.conversation.groupId}`
      : `alice ↔ ${robotId}`;
  const poll = (): void => {
    for (const message of chat.messages) {
      if (message.from !== robotId) continue;
      const seen = seenVersions.get(message.msgId) ?? 0;
      for (let index = seen; index < message.versions.length; index += 1) {
        emit({
          from: 'robot',
          ...view(message.versions[index] ?? []),
          ...(message.msgKey !== undefined ? { msgKey: message.msgKey } : {}),
          messageId: message.msgId,
          version: index + 1,
          conversation: label(message),
        });
      }
      seenVersions.set(message.msgId, message.versions.length);
    }
  };
  const watcher = setInterval(poll, 10);
  const settle = async (): Promise<void> => {
    await server.bot.idle();
    poll();
  };
  const waitFor = async (predicate: () => boolean): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('the demo timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const direct = { userId: 'alice', robotId };
  const say = async (text: string): Promise<void> => {
    emit({ from: 'user', kind: 'message', text, conversation: `alice ↔ ${robotId}` });
    const delivery = await chat.userSends({ from: 'alice', to: robotId, text });
    if (delivery.status !== 200)
      throw new Error(`the bot answered the webhook with ${delivery.status}`);
  };

  try {
    await setupRobot({ config, userIds: ['alice', 'bob'] });

    // 1. A streamed reply: a chatbot message appears, grows, and is marked finished.
    await say('What is imbridge?');
    await settle();

    // 2. The user presses "stop" while the reply streams: a src 22 message naming the reply.
    const before = chat.conversation(direct).length;
    await say('Tell me a story');
    await waitFor(() => (chat.conversation(direct)[before + 1]?.versions.length ?? 0) >= 3);
    const reply = chat.conversation(direct)[before + 1];
    emit({
      from: 'user',
      kind: 'interrupt',
      text: '(stop generating)',
      conversation: `alice ↔ ${robotId}`,
    });
    await chat.userInterrupts({ from: 'alice', robotId, msgKey: reply?.msgKey ?? '' });
    await settle();

    // 3. The model fails mid-answer: the partial reply is finished and a src 23 error follows.
    await say('Please fail');
    await settle();

    // 4. A group @-mention is answered in the group.
    chat.createGroup({
      groupId: '@TGS#demo',
      type: 'Public',
      memberIds: ['alice', 'bob', robotId],
    });
    emit({
      from: 'user',
      kind: 'message',
      text: `@${robotId} hello group`,
      conversation: 'group @TGS#demo',
    });
    await chat.userSendsToGroup({
      from: 'bob',
      groupId: '@TGS#demo',
      text: `@${robotId} hello group`,
      atUserIds: [robotId],
    });
    await settle();

    // 5. A command answered by a handler, without the model.
    await say('/help');
    await settle();

    // 6. A question the model answers with a tool: it calls lookUpOrder, then answers from it.
    await say('Where is order 1001?');
    await settle();
  } finally {
    clearInterval(watcher);
    await server.close();
    await chat.close();
  }
  return views;
}
