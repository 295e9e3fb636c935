/**
 * One scenario's world: a local Tencent Chat with a robot and users, bots (in this process or in
 * child processes) wired to it over loopback HTTP, and the users' questions, each tagged so its
 * answer can be found again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Bot,
  type BotOptions,
  createBot,
  type StateAdapter,
  toNodeListener,
} from '@imbridge/core';
import { type LoggedEntry, memoryLogger } from '@imbridge/core/testing';
import {
  createTencentChatAdapter,
  type TencentChatAdapter,
  type TencentChatAdapterOptions,
} from '@imbridge/tencent-chat';
import { createLocalTencentChat, type LocalTencentChat } from '@imbridge/tencent-chat/testing';
import { type ModelOptions, taggedModel } from './tagged-model.ts';

/** The app of every scene. */
export const SDK_APP_ID = 1400000088;
/** Its secret key. */
export const SECRET = 'reliability-secret-key-0123456789abcdef0123456789abcdef0123456789';
/** Its callback token. */
export const TOKEN = 'reliability-callback-token';
/** The robot that answers. */
export const ROBOT = '@RBT#reliable';
/** The users who ask. */
export const USERS = ['alice', 'bob', 'carol', 'dave'] as const;

/** A question a user sent, and whether the bot's webhook accepted it (2xx). */
export interface Question {
  userId: string;
  tag: string;
  accepted: boolean;
}

/** Settings of a bot in a scene. */
export interface SceneBotOptions {
  state: StateAdapter;
  model?: ModelOptions | undefined;
  bot?: Partial<Omit<BotOptions, 'model' | 'state' | 'logger'>> | undefined;
  adapter?: Partial<TencentChatAdapterOptions> | undefined;
}

/** A bot serving the scene's webhooks from this process. */
export interface SceneBot {
  bot: Bot;
  adapter: TencentChatAdapter;
  logs: LoggedEntry[];
  url: string;
  /** Stops serving (the bot is closed with `timeoutMs`, default 0: at once). */
  stop(closeTimeoutMs?: number): Promise<void>;
}

/** The adapter options every bot of a scene uses (in-process and child bots alike). */
export function adapterOptions(
  chat: Pick<LocalTencentChat, 'baseUrl' | 'adminUserId'>,
  extra: Partial<TencentChatAdapterOptions> = {},
): TencentChatAdapterOptions {
  return {
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET,
    adminUserId: chat.adminUserId,
    baseUrl: chat.baseUrl,
    callbackToken: TOKEN,
    robotIds: [ROBOT],
    streamMode: 'custom-message',
    minUpdateIntervalMs: 30,
    ...extra,
  } as TencentChatAdapterOptions;
}

/** Serves a bot's webhook on a loopback port. */
export async function serveBot(
  bot: Bot,
  adapter: TencentChatAdapter,
): Promise<{ url: string; server: Server }> {
  const server = createServer(toNodeListener(bot.webhook(adapter)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, server };
}

/** A scene: the local Tencent Chat, its bots and the questions asked. */
export class Scene {
  readonly chat: LocalTencentChat;
  readonly questions: Question[] = [];
  private readonly bots: SceneBot[] = [];
  private sequence = 0;

  private constructor(chat: LocalTencentChat) {
    this.chat = chat;
  }

  /** Starts the local Tencent Chat with the robot and the users (friends of the robot). */
  static async create(
    options: {
      streamIdleLimitMs?: number;
      apiCallsPerSecond?: number;
      /** The users who ask. @default USERS */
      users?: readonly string[];
    } = {},
  ): Promise<Scene> {
    const { users = USERS, ...chatOptions } = options;
    const chat = await createLocalTencentChat({
      sdkAppId: SDK_APP_ID,
      secretKey: SECRET,
      callbackToken: TOKEN,
      ...chatOptions,
    });
    const scene = new Scene(chat);
    const setup = createTencentChatAdapter(adapterOptions(chat, { logger: false }));
    await setup.client.createRobot({ robotId: ROBOT, nick: 'Reliable' });
    for (const userId of users) {
      chat.importAccount(userId);
      await setup.client.addFriends({ userId, friends: [{ userId: ROBOT }] });
    }
    return scene;
  }

  /** Starts a bot in this process and points the webhooks at it. */
  async startBot(options: SceneBotOptions): Promise<SceneBot> {
    const logger = memoryLogger();
    const bot = createBot({
      lock: { ttlMs: 1_000 },
      recovery: { intervalMs: 200 },
      stateTimeoutMs: 500,
      ...options.bot,
      model: taggedModel(options.model),
      state: options.state,
      logger,
      errorMessage: (_error, context) => `error for ${context.message.text}`,
    });
    const adapter = createTencentChatAdapter(
      adapterOptions(this.chat, { logger, ...options.adapter }),
    );
    const { url, server } = await serveBot(bot, adapter);
    this.chat.setCallbackUrl(url);
    let stopped = false;
    const running: SceneBot = {
      bot,
      adapter,
      logs: logger.entries,
      url,
      async stop(closeTimeoutMs = 0) {
        if (stopped) return;
        stopped = true;
        await bot.close({ timeoutMs: closeTimeoutMs });
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
    this.bots.push(running);
    return running;
  }

  /** A user asks a tagged question; returns it (accepted when the webhook answered 2xx). */
  async ask(userId: string, options: { prefix?: string } = {}): Promise<Question> {
    this.sequence += 1;
    const tag = `${options.prefix ?? 'q'}${this.sequence}`;
    const delivery = await this.chat.userSends({ from: userId, to: ROBOT, text: tag });
    const question: Question = {
      userId,
      tag,
      accepted: delivery.status >= 200 && delivery.status < 300,
    };
    this.questions.push(question);
    return question;
  }

  /** Stops every bot and the local Tencent Chat. */
  async close(): Promise<void> {
    await Promise.all(this.bots.map((running) => running.stop(0)));
    await this.chat.close();
  }
}
