import type { LoggerOption } from '@imbridge/core';
import type { LocalDifyAnswerRequest } from '@imbridge/llm/testing';
import { REDACTED } from '@imbridge/provider-utils';
import type { LocalDifyCall } from '@imbridge/rongcloud/testing';
import { DEMO_DIFY_BOT, DEMO_WEBHOOK_BOT, startLocalServices } from './local-services.ts';
import { startBotServer } from './server.ts';
import { type BotSetupStep, setupBots } from './setup-bots.ts';

/** A user's message, as their client shows it. */
export interface UserView {
  from: 'user';
  user: string;
  botUserId: string;
  text: string;
  /** Milliseconds since the demo started. */
  atMs: number;
}

/** One chunk of the bot's `RC:StreamMsg` reply, as the user's client sees the message then. */
export interface BotView {
  from: 'bot';
  botUserId: string;
  user: string;
  messageUID: string;
  /** The chunk's `seq` (1 creates the message). */
  seq: number;
  /** The text this chunk added. */
  delta: string;
  /** The whole text shown so far. */
  text: string;
  /** True on the chunk that completes the message. */
  complete: boolean;
  /** When RongCloud received the chunk, in milliseconds since the demo started. */
  atMs: number;
}

/** A run of the Dify app, as the local Dify saw it: who asked, which conversation, which turn. */
export interface DifyView {
  from: 'dify';
  user: string;
  /**
   * The bot the run answers for: `bot-dify` when RongCloud's own `dify_chatflow` integration
   * called Dify (its `inputs.bot_userId`), else the webhook bot, whose server called it.
   */
  botUserId: string;
  conversationId: string;
  /** 1-based number of this message in its Dify conversation. */
  turn: number;
  /** True when the caller sent the conversation's id (a conversation kept, not a new one). */
  continued: boolean;
  atMs: number;
}

/** One thing the demo shows, in the order it happened. */
export type ClientView = UserView | BotView | DifyView;

/** What `setup-bots` did against the local RongCloud. */
export interface DemoSetup {
  steps: BotSetupStep[];
  /**
   * The `dify_chatflow` bot as the local RongCloud stored it — the exact JSON body of
   * `/v3/bot/create.json` — with the Dify API key redacted (what the demo prints).
   */
  difyBotBody: Record<string, unknown>;
}

/** What {@link runRongCloudDemo} returns. */
export interface DemoResult {
  setup: DemoSetup;
  views: ClientView[];
  /** The stored body with the key, for tests. */
  difyBotCreateBody: Readonly<Record<string, unknown>>;
  /** The local Dify's base URL (the `dify_chatflow` integration's `callbackUrl`). */
  difyBaseUrl: string;
  /** The calls the local RongCloud's own Dify integration made for `bot-dify`. */
  rongcloudDifyCalls: LocalDifyCall[];
}

/** A bot body with every integration's `auth.apiKey` replaced by `[redacted]`. */
export function redactBotBody(body: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy = structuredClone(body) as Record<string, unknown>;
  if (!Array.isArray(copy.integrations)) return copy;
  for (const integration of copy.integrations as unknown[]) {
    if (typeof integration !== 'object' || integration === null) continue;
    const auth = (integration as { auth?: unknown }).auth;
    if (typeof auth === 'object' && auth !== null && 'apiKey' in auth) {
      (auth as { apiKey: unknown }).apiKey = REDACTED;
    }
  }
  return copy;
}

/**
 * The demo's Dify app: it answers with the conversation and the turn, and remembers the
 * questions of each conversation, as a chatflow with memory would. RongCloud's own integration
 * passes the message's fields as `inputs` (`bot_userId`…), so the app can tell who asked.
 */
function createDifyApp(): (request: LocalDifyAnswerRequest) => string {
  const questions = new Map<string, string[]>();
  return (request) => {
    const id = request.conversationId ?? 'none';
    const earlier = questions.get(id) ?? [];
    questions.set(id, [...earlier, request.query]);
    const conversation = `Dify conversation ${id.slice(0, 8)}, turn ${request.turn}`;
    const byRongCloud = request.inputs.bot_userId === DEMO_DIFY_BOT;
    const caller = byRongCloud ? 'RongCloud' : 'The bot server';
    const [first] = earlier;
    if (first === undefined) {
      return `Hi ${request.user}! ${conversation}. ${caller} asked this Dify chatflow and streams its answer back as one RC:StreamMsg.`;
    }
    const keeper = byRongCloud ? 'RongCloud' : 'The server';
    return `${conversation}: before, you asked "${first}". ${keeper} kept the conversation, so Dify remembers.`;
  };
}

/** The bot a Dify run answers for: RongCloud's own integration names it in `inputs.bot_userId`. */
function botOfRun(body: unknown): string {
  const inputs = (body as { inputs?: { bot_userId?: unknown } } | undefined)?.inputs;
  return typeof inputs?.bot_userId === 'string' ? inputs.bot_userId : DEMO_WEBHOOK_BOT;
}

/**
 * The offline demo: a local RongCloud (Server API, signed bot webhooks and its own Dify
 * integration on 127.0.0.1), a local Dify (the Service API of a Chatflow app), `setup-bots`
 * against them, the example's bot server, and simulated users. To the webhook bot, alice asks
 * two questions (the second continues her Dify conversation), bob one; then alice asks
 * `bot-dify` two, answered by the local RongCloud calling Dify itself, as the real one does.
 * Reports what a RongCloud client sees as it happens.
 */
export async function runRongCloudDemo(
  options: {
    onSetup?: (setup: DemoSetup) => void;
    onView?: (view: ClientView) => void;
    /** Pause between two words of Dify's answer. @default 30 */
    chunkDelayMs?: number;
    /** Minimum time between two chunks of a reply. @default 200 */
    minUpdateIntervalMs?: number;
    logger?: LoggerOption;
  } = {},
): Promise<DemoResult> {
  const started = Date.now();
  const views: ClientView[] = [];
  const emit = (view: ClientView): void => {
    views.push(view);
    options.onView?.(view);
  };
  const local = await startLocalServices({
    answer: createDifyApp(),
    chunkDelayMs: options.chunkDelayMs ?? 30,
    minUpdateIntervalMs: options.minUpdateIntervalMs ?? 200,
  });
  const { rongcloud, dify } = local;
  const server = await startBotServer({ config: local.config, logger: options.logger }).catch(
    async (error: unknown) => {
      await local.close();
      throw error;
    },
  );

  // What a client would be shown: each new chunk of the bot's stream messages, and each Dify run.
  const seenChunks = new Map<string, number>();
  const seenRuns = new Set<number>();
  const poll = (): void => {
    const runs = dify.requests;
    runs.forEach((run, index) => {
      if (seenRuns.has(index) || run.route !== '/chat-messages' || run.status === undefined) return;
      seenRuns.add(index);
      if (run.conversationId === undefined || run.user === undefined) return;
      const body = run.body as { conversation_id?: unknown } | undefined;
      emit({
        from: 'dify',
        user: run.user,
        botUserId: botOfRun(run.body),
        conversationId: run.conversationId,
        turn: runs
          .slice(0, index + 1)
          .filter((other) => other.conversationId === run.conversationId && other.status === 200)
          .length,
        continued: typeof body?.conversation_id === 'string' && body.conversation_id !== '',
        atMs: run.atMs - started,
      });
    });
    for (const message of rongcloud.messages) {
      if (message.stream === undefined) continue;
      if (message.fromUserId !== DEMO_WEBHOOK_BOT && message.fromUserId !== DEMO_DIFY_BOT) continue;
      const seen = seenChunks.get(message.messageUID) ?? 0;
      let text = message.stream.chunks
        .slice(0, seen)
        .map((chunk) => chunk.delta)
        .join('');
      for (const chunk of message.stream.chunks.slice(seen)) {
        text += chunk.delta;
        emit({
          from: 'bot',
          botUserId: message.fromUserId,
          user: message.toUserId ?? '',
          messageUID: message.messageUID,
          seq: chunk.seq,
          delta: chunk.delta,
          text,
          complete: chunk.complete,
          atMs: chunk.atMs - started,
        });
      }
      seenChunks.set(message.messageUID, message.stream.chunks.length);
    }
  };
  const watcher = setInterval(poll, 10);
  const ask = async (user: string, text: string, toBot = DEMO_WEBHOOK_BOT): Promise<void> => {
    emit({ from: 'user', user, botUserId: toBot, text, atMs: Date.now() - started });
    // For bot-dify this resolves once RongCloud's call to Dify ended and its answer is stored.
    const delivery = await rongcloud.userSends({ from: user, toBot, text });
    if (toBot === DEMO_WEBHOOK_BOT && delivery.status !== 200) {
      throw new Error(`the bot server answered the webhook with ${delivery.status}`);
    }
    const failed = delivery.difyCalls.find((call) => call.error !== undefined);
    if (failed !== undefined) throw new Error(`RongCloud's call to Dify failed: ${failed.error}`);
    await server.bot.idle();
    poll();
  };

  try {
    // 1. setup-bots, as `pnpm setup-bots` runs it, against the local RongCloud.
    const config = { ...local.config, publicWebhookUrl: server.webhookUrl };
    const steps = await setupBots({ config });
    const stored = rongcloud.bot(DEMO_DIFY_BOT);
    if (stored === undefined) throw new Error(`${DEMO_DIFY_BOT} was not stored`);
    const setup: DemoSetup = { steps, difyBotBody: redactBotBody(stored.createBody) };
    options.onSetup?.(setup);

    // 2. Users write to the webhook bot; the server answers with Dify, streamed.
    rongcloud.registerUser('alice', { name: 'Alice' });
    rongcloud.registerUser('bob', { name: 'Bob' });
    await ask('alice', 'What does this bot run on?');
    await ask('alice', 'And what did I ask you before?');
    await ask('bob', 'Hello, who are you?');

    // 3. alice writes to bot-dify: RongCloud calls Dify itself, no server of ours in the loop.
    await ask('alice', 'Who answers you here?', DEMO_DIFY_BOT);
    await ask('alice', 'What did I ask you before?', DEMO_DIFY_BOT);
    return {
      setup,
      views,
      difyBotCreateBody: stored.createBody,
      difyBaseUrl: dify.baseUrl,
      rongcloudDifyCalls: [...rongcloud.difyCalls],
    };
  } finally {
    clearInterval(watcher);
    await server.close();
    await local.close();
  }
}
