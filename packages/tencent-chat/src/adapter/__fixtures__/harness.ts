/** The end-to-end harness: the real bot server over loopback HTTP against a local Tencent Chat. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BotOptions, createBot, memoryState, toNodeListener } from '@imbridge/core';
import {
  createScriptedModel,
  type LoggedEntry,
  memoryLogger,
  type Script,
  type ScriptedModel,
  textSteps,
} from '@imbridge/core/testing';
import { type ChatbotPayload, decodeChatbotPayload } from '../../chatbot/payload.ts';
import type { MessageElement } from '../../messages/elements.ts';
import {
  createLocalTencentChat,
  type LocalMessage,
  type LocalTencentChat,
} from '../../testing/local-tencent-chat.ts';
import { createTencentChatAdapter, type TencentChatAdapter } from '../adapter.ts';
import type { TencentChatAdapterOptions } from '../options.ts';

/** The app of the harness. */
export const SDK_APP_ID = 1400000001;
/** Its secret key. */
export const SECRET = 'e2e-secret-key-0123456789abcdef0123456789abcdef0123456789abcdef';
/** Its callback token. */
export const TOKEN = 'e2e-callback-token';
/** The robot that answers. */
export const ROBOT = '@RBT#assistant';

/** A running bot server wired to a local Tencent Chat. */
export interface Running {
  chat: LocalTencentChat;
  adapter: TencentChatAdapter;
  model: ScriptedModel;
  bot: ReturnType<typeof createBot>;
  logs: LoggedEntry[];
  close(): Promise<void>;
}

let running: Running | undefined;

/** Closes what {@link start} started (call it in `afterEach`). */
export async function stopRunning(): Promise<void> {
  await running?.close();
  running = undefined;
}

/** Starts the local Tencent Chat and the real bot server over loopback HTTP, wired together. */
export async function start(
  options: {
    scripts?: Script[];
    streamMode?: TencentChatAdapterOptions['streamMode'];
    /** More adapter options (override the harness's). */
    adapter?: Partial<TencentChatAdapterOptions>;
    /** More local Tencent Chat options. */
    local?: { streamIdleLimitMs?: number };
    bot?: Partial<Omit<BotOptions, 'model'>>;
    minUpdateIntervalMs?: number;
    maxTextBytes?: number;
  } = {},
): Promise<Running> {
  const chat = await createLocalTencentChat({
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET,
    callbackToken: TOKEN,
    ...options.local,
  });
  const model = createScriptedModel({
    scripts: options.scripts ?? [
      { steps: textSteps('Hello from the robot, streaming in pieces.', { delayMs: 15 }) },
    ],
  });
  const logger = memoryLogger();
  const logs = logger.entries;
  const bot = createBot({ model, state: memoryState(), logger, ...options.bot });
  const adapter = createTencentChatAdapter({
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET,
    adminUserId: chat.adminUserId,
    baseUrl: chat.baseUrl,
    callbackToken: TOKEN,
    logger,
    robotIds: [ROBOT],
    streamMode: options.streamMode ?? 'custom-message',
    minUpdateIntervalMs: options.minUpdateIntervalMs ?? 40,
    ...(options.maxTextBytes !== undefined ? { maxTextBytes: options.maxTextBytes } : {}),
    ...options.adapter,
  });
  const server: Server = createServer(toNodeListener(bot.webhook(adapter)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  chat.setCallbackUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`);
  // The robot and the users exist, as after the example's setup script.
  await adapter.client.createRobot({ robotId: ROBOT, nick: 'Assistant' });
  for (const userId of ['alice', 'bob']) chat.importAccount(userId);
  await adapter.client.addFriends({ userId: 'alice', friends: [{ userId: ROBOT }] });
  const result: Running = {
    chat,
    adapter,
    model,
    bot,
    logs,
    async close() {
      await bot.close();
      await new Promise((resolve) => server.close(resolve));
      await chat.close();
    },
  };
  running = result;
  return result;
}

/** The chatbot payload of a message's custom element. */
export function payloadOf(elements: ReadonlyArray<MessageElement>): ChatbotPayload | undefined {
  const custom = elements.find((element) => element.type === 'custom');
  return custom?.type === 'custom' ? decodeChatbotPayload(custom.data) : undefined;
}

/** What a chat client shows for a bot message version. */
export function shown(elements: ReadonlyArray<MessageElement>): {
  text: string;
  finished: boolean;
  kind: string;
} {
  const payload = payloadOf(elements);
  if (payload?.kind === 'stream')
    return { text: payload.chunks.join(''), finished: payload.isFinished, kind: 'stream' };
  if (payload?.kind === 'error') return { text: payload.errorInfo, finished: true, kind: 'error' };
  const text = elements.map((element) => (element.type === 'text' ? element.text : '')).join('');
  return { text, finished: true, kind: 'text' };
}

/** The robot's messages in a conversation. */
export function robotMessages(
  chat: LocalTencentChat,
  selector = { userId: 'alice', robotId: ROBOT },
): LocalMessage[] {
  return chat.conversation(selector).filter((message) => message.from === ROBOT);
}

/** Polls until the predicate holds. */
export function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}
