/**
 * One measured run: a fresh local Tencent Chat (200 calls/s per API, signed webhooks), a fresh
 * bot child, N users in closed loops for a warm-up and a measured window, a drain, then the
 * figures of the window and the check of the store.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createTencentChatClient } from '@imbridge/tencent-chat';
import { createLocalTencentChat } from '@imbridge/tencent-chat/testing';
import { startBotChild } from './bot-child.ts';
import { ConversationTracker, driveConversations } from './conversations.ts';
import {
  type BotChildConfig,
  type ChildStats,
  DOCUMENTED_CALLS_PER_SECOND,
  WEBHOOK_PATH,
} from './protocol.ts';
import { type ObservedCall, observeRestCalls, observeWebhookPosts } from './traffic-observer.ts';
import { checkStore, type StoreCheck } from './verify.ts';

/** Tencent's "over the rate limit" code. */
export const RATE_LIMITED_CODE = 60007;

const SDK_APP_ID = 1_400_000_000;
const SECRET_KEY = 'saturation-bench-secret-key-0123456789abcdef';
const CALLBACK_TOKEN = 'saturation-bench-callback-token';
const ROBOT_ID = '@RBT#saturation';

/** The bots: imbridge, the hand-written reference, and the same reference sending with ky. */
export type BotKind = 'imbridge' | 'reference' | 'reference-ky';

/** What one run is. */
export interface ScenarioSettings {
  bot: BotKind;
  /** The transpiled child to start. */
  entry: string;
  conversations: number;
  warmupMs: number;
  measureMs: number;
  /** Longest wait for the last replies after the window. */
  drainTimeoutMs: number;
  /** Extra Node flags of the child (e.g. `--cpu-prof`). */
  execArgv?: string[] | undefined;
  /** `reference-ky`: ky's ESM entry, as a file URL. */
  kyModuleUrl?: string | undefined;
}

/** Calls of one API within the window. */
export interface ApiFigures {
  calls: number;
  accepted: number;
  /** Answered 60007. */
  rateLimited: number;
  /** Answered any other error. */
  otherErrors: number;
  /** Repeats of an earlier call with the same body (HTTP-layer retries). */
  retries: number;
}

/** The figures of one run; rates are over the measured window only. */
export interface ScenarioResult {
  settings: ScenarioSettings;
  /** Replies finished within the window. */
  completed: number;
  apis: Map<string, ApiFigures>;
  /** CPU time of the bot process within the window (user + system), in microseconds. */
  cpuMicros: number;
  /** Webhook posted → first REST call for that user, for questions posted in the window. */
  latenciesMs: number[];
  /** Webhook posted → the bot's 200 received, for questions posted in the window. */
  acknowledgementsMs: number[];
  /** Whole run, after the drain. */
  store: StoreCheck;
  /** Questions still unanswered when the drain ended. */
  unanswered: number;
  /** Webhooks not answered 200, by reason (`HTTP 503`, `UND_ERR_SOCKET`, `TimeoutError`…). */
  webhookFailures: Map<string, number>;
  childStats: ChildStats;
  /** REST calls the observer saw and the emulator's own request log holds (whole run). */
  callCounts: { observed: number; logged: number };
  /** The machine's 1-minute load average when the run started and when it ended. */
  loadAverage: [number, number];
  /**
   * Every REST call of the run: its API, its arrival in ms from the window's start (negative in
   * the warm-up), whether it was answered 60007 and whether it repeated an earlier call.
   */
  timeline: { api: string; atMs: number; rejected: boolean; retry: boolean }[];
}

/** Runs one scenario; see the module comment. */
export async function runScenario(settings: ScenarioSettings): Promise<ScenarioResult> {
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const local = await createLocalTencentChat({
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET_KEY,
    callbackToken: CALLBACK_TOKEN,
    apiCallsPerSecond: DOCUMENTED_CALLS_PER_SECOND,
  });
  const tracker = new ConversationTracker();
  const calls: ObservedCall[] = [];
  const seenBodies = new Set<string>();
  const retryFlags: boolean[] = [];
  const stops: (() => void)[] = [
    observeRestCalls(Number(new URL(local.baseUrl).port), (call) => {
      const key = `${call.api}\n${call.bodyText}`;
      retryFlags.push(seenBodies.has(key));
      seenBodies.add(key);
      calls.push(call);
      tracker.onRestCall(call);
    }),
  ];
  try {
    const admin = createTencentChatClient({
      sdkAppId: SDK_APP_ID,
      secretKey: SECRET_KEY,
      adminUserId: local.adminUserId,
      baseUrl: local.baseUrl,
    });
    await admin.createRobot({ robotId: ROBOT_ID, nick: 'Saturation' });
    const userIds = Array.from({ length: settings.conversations }, (_, index) => `u${index}`);
    for (const userId of userIds) local.importAccount(userId);

    const config: BotChildConfig = {
      sdkAppId: SDK_APP_ID,
      secretKey: SECRET_KEY,
      adminUserId: local.adminUserId,
      callbackToken: CALLBACK_TOKEN,
      baseUrl: local.baseUrl,
      robotId: ROBOT_ID,
      callsPerSecondPerApi: DOCUMENTED_CALLS_PER_SECOND,
      kyModuleUrl: settings.kyModuleUrl,
    };
    const child = await startBotChild(settings.entry, config, settings.execArgv);
    stops.push(() => void child.stop());
    const callbackUrl = `http://127.0.0.1:${child.port}${WEBHOOK_PATH}`;
    local.setCallbackUrl(callbackUrl);

    stops.push(
      observeWebhookPosts(callbackUrl, (body, atMs) => tracker.onWebhookPosted(body, atMs)),
    );

    const startMs = performance.now();
    const windowStartMs = startMs + settings.warmupMs;
    const windowEndMs = windowStartMs + settings.measureMs;
    const cpuAt = (atMs: number) =>
      new Promise<number>((resolve, reject) => {
        setTimeout(() => {
          child.cpu().then((sample) => resolve(sample.userMicros + sample.systemMicros), reject);
        }, atMs - performance.now());
      });
    const cpuStart = cpuAt(windowStartMs);
    const cpuEnd = cpuAt(windowEndMs);
    const { failures } = await driveConversations({
      local,
      robotId: ROBOT_ID,
      userIds,
      tracker,
      // Everyone has started a second before the window opens.
      rampMs: Math.max(0, settings.warmupMs - 1_000),
      windowStartMs,
      stopAtMs: windowEndMs,
      giveUpAtMs: windowEndMs + settings.drainTimeoutMs,
    });
    const cpuMicros = (await cpuEnd) - (await cpuStart);
    const childStats = await child.stats();
    await child.stop();

    const inWindow = (atMs: number | undefined): boolean =>
      atMs !== undefined && atMs >= windowStartMs && atMs < windowEndMs;
    const apis = new Map<string, ApiFigures>();
    calls.forEach((call, index) => {
      if (!inWindow(call.atMs)) return;
      const figures = apis.get(call.api) ?? {
        calls: 0,
        accepted: 0,
        rateLimited: 0,
        otherErrors: 0,
        retries: 0,
      };
      figures.calls += 1;
      if (call.errorCode === 0) figures.accepted += 1;
      else if (call.errorCode === RATE_LIMITED_CODE) figures.rateLimited += 1;
      else figures.otherErrors += 1;
      if (retryFlags[index] === true) figures.retries += 1;
      apis.set(call.api, figures);
    });
    const latenciesMs: number[] = [];
    const acknowledgementsMs: number[] = [];
    for (const { postedAtMs = 0, firstCallAtMs, acknowledgedAtMs } of tracker.records) {
      if (!inWindow(postedAtMs)) continue;
      if (firstCallAtMs !== undefined) latenciesMs.push(firstCallAtMs - postedAtMs);
      if (acknowledgedAtMs !== undefined) acknowledgementsMs.push(acknowledgedAtMs - postedAtMs);
    }
    return {
      settings,
      completed: tracker.records.filter((record) => inWindow(record.answeredAtMs)).length,
      apis,
      cpuMicros,
      latenciesMs,
      acknowledgementsMs,
      store: checkStore(local.messages, ROBOT_ID),
      unanswered: tracker.unanswered,
      webhookFailures: failures,
      childStats,
      callCounts: { observed: calls.length, logged: local.requests.length },
      loadAverage: [loadBefore, loadavg()[0] ?? Number.NaN],
      timeline: calls.map((call, index) => ({
        api: call.api,
        atMs: call.atMs - windowStartMs,
        rejected: call.errorCode === RATE_LIMITED_CODE,
        retry: retryFlags[index] === true,
      })),
    };
  } finally {
    for (const stop of stops.reverse()) stop();
    await local.close();
  }
}
