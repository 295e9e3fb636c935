/**
 * `createPlayground`: the whole of `imbridge dev` but the terminal — the page's server on
 * 127.0.0.1, the local vendors with their webhooks aimed at its relay, the bot (yours, at its
 * URL, or the bundled example bot for each vendor without one), and the wire log. It composes
 * the parts; each lives in its own module.
 *
 * @module
 */
import type { LoggerOption } from '@imbridge/core';
import { createActivityLog } from './activity-log.ts';
import { createApiProxy } from './api-proxy.ts';
import { connectionSettings, type Setting, type VendorEndpoints } from './connection.ts';
import { createConversations } from './conversations.ts';
import { createExampleBot, type ExampleBot } from './example-bot.ts';
import type { ExampleModelOptions } from './example-model.ts';
import type { DevHost, DevRequestHandler } from './host.ts';
import { createLiveHub } from './live-hub.ts';
import {
  BOT_URL_FLAGS,
  PLAYGROUND_USERS,
  PLAYGROUND_VENDORS,
  type PlaygroundVendor,
  VENDOR_LABELS,
} from './local-setup.ts';
import { renderPage } from './page/page.ts';
import { createRoutes, LLM_ENDPOINT_BASE_PATH } from './routes.ts';
import { type LocalVendors, startLocalVendors } from './vendors.ts';
import { createVoiceCalls } from './voice-calls.ts';
import { createWebhookRelay, type WebhookTarget } from './webhook-relay.ts';

/** Options of {@link createPlayground}. */
export interface PlaygroundOptions {
  /** Listens on loopback (the bin passes Node's). */
  host: Pick<DevHost, 'listen'>;
  /** The page's port on 127.0.0.1; 0 takes a free one. @default 0 */
  port?: number | undefined;
  /** Your bot's webhook URL per vendor; vendors left out are answered by the example bot. */
  botUrls?: Partial<Record<PlaygroundVendor, string>> | undefined;
  /** The Tencent robot account. @default '@RBT#assistant' */
  robotId?: string | undefined;
  /** The RongCloud bot user. @default 'bot-assistant' */
  botUserId?: string | undefined;
  /** How the example bot's scripted model streams. */
  model?: ExampleModelOptions | undefined;
  /** Where the example bot logs. @default warnings and errors to the console */
  logger?: LoggerOption;
  /** The fetch webhooks and proxied calls go out with. @default globalThis.fetch */
  fetch?: typeof fetch | undefined;
}

/** A running playground. */
export interface Playground {
  /** The page, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Where a bot reaches the local vendors. */
  readonly endpoints: VendorEndpoints;
  /** The settings of a bot using the local vendors, per vendor. */
  readonly settings: Readonly<Record<PlaygroundVendor, Setting[]>>;
  /** Who answers each vendor's webhooks: `example bot`, or your bot's URL. */
  readonly bots: Readonly<Record<PlaygroundVendor, string>>;
  /** The stand-ins (tests read what they stored). */
  readonly vendors: LocalVendors;
  /** Finishes open replies, then stops the bot, the stand-ins and the server. Idempotent. */
  close(): Promise<void>;
}

const EXAMPLE_BOT = 'example bot';

/**
 * Starts the playground.
 *
 * @throws {Error} when the port is taken (`code: 'EADDRINUSE'`) or a stand-in cannot start.
 * @example
 * ```ts
 * const playground = await createPlayground({ host: nodeDevHost, port: 0 });
 * console.log(playground.url);
 * await playground.close();
 * ```
 */
export async function createPlayground(options: PlaygroundOptions): Promise<Playground> {
  const botUrls = options.botUrls ?? {};
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  let handler: DevRequestHandler | undefined;
  const listener = await options.host.listen(
    (request) =>
      handler === undefined
        ? Promise.resolve(new Response('starting', { status: 503 }))
        : handler(request),
    { port: options.port ?? 0 },
  );
  const { url } = listener;
  let vendors: LocalVendors | undefined;
  let example: ExampleBot | undefined;
  try {
    vendors = await startLocalVendors({
      webhookUrlOf: (vendor) => `${url}/relay/${vendor}`,
      robotId: options.robotId,
      botUserId: options.botUserId,
    });
    const endpoints: VendorEndpoints = {
      tencentChat: `${url}/vendor/tencent-chat`,
      rongCloud: `${url}/vendor/rongcloud`,
      trtc: vendors.trtc.baseUrl,
    };
    if (PLAYGROUND_VENDORS.some((vendor) => botUrls[vendor] === undefined)) {
      example = createExampleBot({
        tencentChatBaseUrl: endpoints.tencentChat,
        rongCloudBaseUrl: endpoints.rongCloud,
        trtcBaseUrl: endpoints.trtc,
        llmPublicUrl: `${url}${LLM_ENDPOINT_BASE_PATH}`,
        robotId: vendors.robotId,
        botUserId: vendors.botUserId,
        model: options.model,
        logger: options.logger,
      });
    }
    const running = { vendors, example };
    const log = createActivityLog();
    const calls = createVoiceCalls({
      trtc: vendors.trtc,
      agent: botUrls.trtc === undefined ? example?.voiceAgent : undefined,
    });
    const conversations = createConversations(vendors, calls);
    const refreshLog = (): void => calls.recordRequests(log);
    const hub = createLiveHub({ snapshot: conversations.snapshot, log, beforeTick: refreshLog });
    const bots = Object.fromEntries(
      PLAYGROUND_VENDORS.map((vendor) => [vendor, botUrls[vendor] ?? EXAMPLE_BOT]),
    ) as Record<PlaygroundVendor, string>;
    const targetOf = (vendor: PlaygroundVendor): WebhookTarget => {
      const botUrl = botUrls[vendor];
      if (botUrl !== undefined) return { url: botUrl, label: botUrl, send };
      const webhook = running.example?.webhooks[vendor];
      if (webhook === undefined) throw new Error(`no bot answers ${vendor}`);
      return { url: `http://example-bot/${vendor}/webhook`, label: EXAMPLE_BOT, send: webhook };
    };
    const settings = connectionSettings(endpoints, running.vendors);
    const agent = example?.voiceAgent;
    handler = createRoutes({
      page: renderPage(),
      info: () => ({
        url,
        users: PLAYGROUND_USERS,
        vendors: PLAYGROUND_VENDORS.map((vendor) => ({
          id: vendor,
          label: VENDOR_LABELS[vendor],
          bot: bots[vendor],
          flag: BOT_URL_FLAGS[vendor],
          settings: settings[vendor],
        })),
        robotId: running.vendors.robotId,
        botUserId: running.vendors.botUserId,
      }),
      conversations,
      log,
      refreshLog,
      hub,
      relay: createWebhookRelay({ log, targetOf }),
      proxy: createApiProxy({
        log,
        upstreamOf: (vendor) =>
          vendor === 'tencent-chat'
            ? running.vendors.tencentChat.baseUrl
            : running.vendors.rongCloud.primaryUrl,
        send,
      }),
      llmEndpoint:
        agent === undefined
          ? undefined
          : async (request) => {
              const startedAt = performance.now();
              const response = await agent.handler(request);
              log.add({
                atMs: Date.now(),
                kind: 'llm',
                vendor: 'trtc',
                label: 'chat/completions',
                method: request.method,
                path: new URL(request.url).pathname,
                target: EXAMPLE_BOT,
                status: response.status,
                durationMs: Math.round(performance.now() - startedAt),
              });
              return response;
            },
    });
    let closing: Promise<void> | undefined;
    return {
      url,
      endpoints,
      settings,
      bots,
      vendors,
      close() {
        closing ??= (async () => {
          hub.close();
          await running.example?.close();
          await running.vendors.close();
          await calls.settle();
          await listener.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await example?.close().catch(() => undefined);
    await vendors?.close();
    await listener.close();
    throw error;
  }
}
