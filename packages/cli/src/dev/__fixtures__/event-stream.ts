/**
 * A test's view of the playground's event stream: reads `/api/events` in the background and
 * keeps the latest items of each conversation, every conversation update and the wire log, so
 * a test can wait until something shows.
 */
import type { ActivityEntry } from '../activity-log.ts';
import type { ChatItem } from '../chat-items.ts';

/** What the page has seen so far. */
export interface WatchedPlayground {
  /** The latest items per conversation key. */
  readonly conversations: Map<string, readonly ChatItem[]>;
  /** Every conversation update received, in order. */
  readonly updates: Array<{ key: string; items: readonly ChatItem[] }>;
  /** The wire log received. */
  readonly activity: ActivityEntry[];
  /** Resolves once `predicate` holds (checked every 20 ms); rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Stops reading. */
  close(): void;
}

/** Follows the event stream of the playground at `url`. */
export async function watchPlayground(url: string): Promise<WatchedPlayground> {
  const controller = new AbortController();
  const response = await fetch(`${url}/api/events`, { signal: controller.signal });
  if (response.body === null) throw new Error('the event stream has no body');
  const watched: WatchedPlayground = {
    conversations: new Map(),
    updates: [],
    activity: [],
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`not seen within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () => controller.abort(),
  };
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          const name = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (name === undefined || data === undefined) continue;
          if (name === 'conversation') {
            const view = JSON.parse(data) as { key: string; items: ChatItem[] };
            watched.conversations.set(view.key, view.items);
            watched.updates.push(view);
          } else if (name === 'activity') {
            watched.activity.push(...(JSON.parse(data) as ActivityEntry[]));
          }
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return watched;
}

/** POSTs `body` as JSON to the playground's API. */
export async function postJson(
  url: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
