/**
 * Webhook delivery of the local TRTC: the AI service events (event group 9) of a task, POSTed to
 * `callbackUrl` with TRTC's headers (`Content-Type`, `SdkAppId`, and `Sign` when a callback key
 * is set), in the background, and retried like TRTC: a failed POST (a network error, no answer
 * within 5 s, a non-2xx status) is retried at once, then every `intervalMs` while the message is
 * at most `maxAgeMs` old. Every POST is recorded.
 *
 * @module
 */
import { computeTrtcWebhookSignature } from '../webhooks/sign.ts';
import { AI_SERVICE_EVENT_GROUP } from '../webhooks/wire-schemas.ts';
import { WEBHOOK_TIMEOUT_MS, type WebhookRetryConfig } from './options.ts';
import type { StoredTask } from './task-store.ts';
import type { LocalTRTCWebhookRecord } from './types.ts';

/** Where and how webhooks go. */
export interface WebhookTarget {
  readonly callbackUrl: string | undefined;
  readonly callbackKey: string | undefined;
  readonly sdkAppId: number;
  readonly now: () => number;
  /** `undefined`: one try per webhook. */
  readonly webhookRetry: WebhookRetryConfig | undefined;
}

/** The task fields a webhook's `EventInfo` carries. */
export type WebhookTask = Pick<StoredTask, 'taskId' | 'roomId' | 'roomIdType'>;

/** Sends webhooks and records them. */
export interface WebhookSender {
  /** Posts event `eventType` of `task` with `payload`, in the background (nothing without a URL). */
  send(eventType: number, task: WebhookTask, payload: Record<string, unknown>): void;
  /** Every POST that has ended, oldest first (copies). */
  records(): LocalTRTCWebhookRecord[];
  /** Resolves once every webhook raised so far has been delivered or given up on. */
  flush(): Promise<void>;
  /** Schedules no more retries, drops the waiting ones, and waits for the POSTs under way. */
  close(): Promise<void>;
}

/** The exact body TRTC posts for a group-9 event. */
export function webhookBody(
  eventType: number,
  task: WebhookTask,
  payload: Record<string, unknown>,
  atMs: number,
): string {
  return JSON.stringify({
    EventGroupId: AI_SERVICE_EVENT_GROUP,
    EventType: eventType,
    CallbackTs: atMs,
    EventInfo: {
      EventMsTs: atMs,
      TaskId: task.taskId,
      RoomId: task.roomId,
      RoomIdType: task.roomIdType,
      Payload: payload,
    },
  });
}

/** One POST of a webhook: its status, or why it failed. */
async function post(
  callbackUrl: string,
  headers: Readonly<Record<string, string>>,
  body: string,
): Promise<{ status: number | undefined; error: string | undefined }> {
  try {
    const response = await fetch(callbackUrl, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { status: response.status, error: undefined };
  } catch (error) {
    return { status: undefined, error: error instanceof Error ? error.name : 'Error' };
  }
}

/** Creates a {@link WebhookSender} for `target`. */
export function createWebhookSender(target: WebhookTarget): WebhookSender {
  const records: LocalTRTCWebhookRecord[] = [];
  const pending = new Set<Promise<void>>();
  /** Waiting retries: `close` ends each wait early (with `false`). */
  const waits = new Set<{ timer: ReturnType<typeof setTimeout>; resolve(go: boolean): void }>();
  let closed = false;
  // First POSTs go out in the order the events were raised: each waits for the one before it
  // (and its immediate retry). Later retries run on their own and hold no other event back.
  let previous: Promise<void> = Promise.resolve();

  const wait = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (closed) {
        resolve(false);
        return;
      }
      const entry = {
        timer: setTimeout(() => {
          waits.delete(entry);
          resolve(true);
        }, ms),
        resolve,
      };
      waits.add(entry);
    });

  const deliver = async (
    callbackUrl: string,
    eventType: number,
    task: WebhookTask,
    body: string,
  ): Promise<void> => {
    const raisedAt = performance.now();
    // Take this event's place in the order now, before anything is awaited.
    const before = previous;
    let release = () => {};
    previous = new Promise<void>((resolve) => {
      release = resolve;
    });
    let attempt = 0;
    let headers: Record<string, string> = {};
    let sign: string | undefined;
    const tryOnce = async () => {
      attempt += 1;
      const outcome = await post(callbackUrl, headers, body);
      records.push({ eventType, taskId: task.taskId, body, sign, ...outcome, attempt });
      return outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
    };
    let done: boolean;
    try {
      sign =
        target.callbackKey === undefined
          ? undefined
          : await computeTrtcWebhookSignature(body, { callbackKey: target.callbackKey });
      headers = { 'content-type': 'application/json', sdkappid: String(target.sdkAppId) };
      if (sign !== undefined) headers.sign = sign;
      await before;
      done = (await tryOnce()) || target.webhookRetry === undefined || closed || (await tryOnce());
    } finally {
      release();
    }
    const retry = target.webhookRetry;
    while (!done && retry !== undefined && !closed) {
      if (performance.now() + retry.intervalMs - raisedAt > retry.maxAgeMs) break;
      if (!(await wait(retry.intervalMs))) break;
      done = await tryOnce();
    }
  };

  return {
    send: (eventType, task, payload) => {
      const callbackUrl = target.callbackUrl;
      if (callbackUrl === undefined) return;
      const body = webhookBody(eventType, task, payload, target.now());
      const delivery = deliver(callbackUrl, eventType, task, body);
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
    },
    records: () => records.map((record) => ({ ...record })),
    flush: async () => {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    close: async () => {
      closed = true;
      for (const entry of waits) {
        clearTimeout(entry.timer);
        entry.resolve(false);
      }
      waits.clear();
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
