/**
 * What the saturation bench and its bot children share: the child's settings, the IPC messages,
 * and the instant model's answer (the reference bot builds the same text by hand, and the bench
 * reads the question back out of every stored reply).
 *
 * Imported by the children too: it imports nothing.
 */

/** Settings of a bot child, passed as JSON in `argv[2]`. */
export interface BotChildConfig {
  sdkAppId: number;
  secretKey: string;
  adminUserId: string;
  callbackToken: string;
  /** The local Tencent Chat, `http://127.0.0.1:PORT`. */
  baseUrl: string;
  robotId: string;
  /** Tencent's documented rate limit, per API. */
  callsPerSecondPerApi: number;
  /**
   * Reference bot only: the file URL of ky's ESM entry when it sends its calls with ky (the HTTP
   * library issue 7 asks imbridge to build on) instead of `fetch`.
   */
  kyModuleUrl?: string | undefined;
}

/** Parent → child. */
export type ParentMessage = { type: 'cpu' } | { type: 'stats' } | { type: 'stop' };

/** Counters a child reports: name → value. */
export type ChildStats = Record<string, number>;

/** Child → parent. */
export type ChildMessage =
  | { type: 'ready'; port: number }
  | { type: 'cpu'; userMicros: number; systemMicros: number }
  | { type: 'stats'; stats: ChildStats };

/** Tencent's documented limit: 200 calls per second per API per app. */
export const DOCUMENTED_CALLS_PER_SECOND = 200;

/** The path webhooks are posted to. */
export const WEBHOOK_PATH = '/tencent-chat/webhook';

/**
 * The instant model's answer to `question`, as the deltas it yields at once: three pieces, the
 * first naming the question so each stored reply can be matched to it.
 */
export function answerDeltas(question: string): string[] {
  return [`Re ${question}: `, 'a short answer ', 'from an instant model.'];
}

/** The question a reply text answers (see {@link answerDeltas}), or undefined. */
export function questionOf(replyText: string): string | undefined {
  const match = /^Re (\S+): /.exec(replyText);
  return match?.[1];
}
