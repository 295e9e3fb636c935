/**
 * Webhook delivery of the local TRTC: the AI service events (event group 9) of a task, POSTed to
 * `callbackUrl` with TRTC's headers (`Content-Type`, `SdkAppId`, and `Sign` when a callback key
 * is set), one attempt each, in the background.
 *
 * @module
 */
import { computeTrtcWebhookSignature } from '../webhooks/sign.ts';
import { AI_SERVICE_EVENT_GROUP } from '../webhooks/wire-schemas.ts';
import { WEBHOOK_TIMEOUT_MS } from './options.ts';
import type { StoredTask } from './task-store.ts';
import type { LocalTRTCWebhookRecord } from './types.ts';

/** Where and how webhooks go. */
export interface WebhookTarget {
  readonly callbackUrl: string | undefined;
  readonly callbackKey: string | undefined;
  readonly sdkAppId: number;
  readonly now: () => number;
}

/** Sends webhooks and records them. */
export interface WebhookSender {
  /** Posts event `eventType` of `task` with `payload`, in the background (nothing without a URL). */
  send(eventType: number, task: StoredTask, payload: Record<string, unknown>): void;
  /** The webhooks whose POST has ended, oldest first (copies). */
  records(): LocalTRTCWebhookRecord[];
  /** Resolves once every POST started so far has ended. */
  flush(): Promise<void>;
}

/** The exact body TRTC posts for a group-9 event. */
export function webhookBody(
  eventType: number,
  task: StoredTask,
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

async function post(
  target: WebhookTarget & { callbackUrl: string },
  eventType: number,
  task: StoredTask,
  body: string,
): Promise<LocalTRTCWebhookRecord> {
  const sign =
    target.callbackKey === undefined
      ? undefined
      : await computeTrtcWebhookSignature(body, { callbackKey: target.callbackKey });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    sdkappid: String(target.sdkAppId),
  };
  if (sign !== undefined) headers.sign = sign;
  const record = { eventType, taskId: task.taskId, body, sign };
  try {
    const response = await fetch(target.callbackUrl, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { ...record, status: response.status, error: undefined };
  } catch (error) {
    const reason = error instanceof Error ? error.name : 'Error';
    return { ...record, status: undefined, error: reason };
  }
}

/** Creates a {@link WebhookSender} for `target`. */
export function createWebhookSender(target: WebhookTarget): WebhookSender {
  const records: LocalTRTCWebhookRecord[] = [];
  const pending = new Set<Promise<void>>();
  // Events of one task go out in order: each POST waits for the one before it.
  let previous: Promise<void> = Promise.resolve();
  return {
    send: (eventType, task, payload) => {
      const callbackUrl = target.callbackUrl;
      if (callbackUrl === undefined) return;
      const body = webhookBody(eventType, task, payload, target.now());
      const delivery = previous.then(async () => {
        records.push(await post({ ...target, callbackUrl }, eventType, task, body));
      });
      previous = delivery;
      pending.add(delivery);
      void delivery.finally(() => pending.delete(delivery));
    },
    records: () => records.map((record) => ({ ...record })),
    flush: async () => {
      await Promise.all([...pending]);
    },
  };
}
