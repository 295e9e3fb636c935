/**
 * Live updates for the page: a server-sent event stream per open page. While a page is
 * connected, the hub looks at the conversations and the wire log ten times a second and sends
 * each page what changed since it last heard — a `conversation` event with the whole
 * conversation (they are small), an `activity` event with the new log entries. A page that
 * reconnects (EventSource does so by itself) gets everything again.
 *
 * @module
 */
import type { ActivityLog } from './activity-log.ts';
import type { ConversationView } from './chat-items.ts';

/** Options of {@link createLiveHub}. */
export interface LiveHubOptions {
  /** Every conversation with its items. */
  snapshot: () => ConversationView[];
  /** The wire log. */
  log: ActivityLog;
  /** Runs before each look (the TRTC request records are copied into the log then). */
  beforeTick?: (() => void) | undefined;
  /** Time between two looks, in milliseconds. @default 100 */
  intervalMs?: number | undefined;
}

/** The hub. */
export interface LiveHub {
  /** The event stream of one page; it ends when `signal` aborts or the hub closes. */
  connect(signal: AbortSignal): Response;
  /** Ends every stream and stops looking. */
  close(): void;
}

interface Client {
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  readonly sent: Map<string, string>;
  lastActivityId: number;
}

/** A comment line every 15 s keeps proxies and idle timeouts from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/** Creates the hub. */
export function createLiveHub(options: LiveHubOptions): LiveHub {
  const intervalMs = options.intervalMs ?? 100;
  const encoder = new TextEncoder();
  const clients = new Set<Client>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let lastHeartbeatMs = Date.now();
  let closed = false;

  const write = (client: Client, text: string): void => {
    try {
      client.controller.enqueue(encoder.encode(text));
    } catch {
      clients.delete(client);
    }
  };

  const event = (name: string, data: unknown): string =>
    `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

  const update = (targets: Iterable<Client>): void => {
    options.beforeTick?.();
    const views = options.snapshot().map((view) => ({ key: view.key, json: JSON.stringify(view) }));
    for (const client of targets) {
      for (const view of views) {
        if (client.sent.get(view.key) === view.json) continue;
        client.sent.set(view.key, view.json);
        write(client, `event: conversation\ndata: ${view.json}\n\n`);
      }
      const entries = options.log.since(client.lastActivityId);
      if (entries.length > 0) {
        client.lastActivityId = entries.at(-1)?.id ?? client.lastActivityId;
        write(client, event('activity', entries));
      }
    }
  };

  const tick = (): void => {
    if (clients.size === 0) return;
    update(clients);
    if (Date.now() - lastHeartbeatMs >= HEARTBEAT_MS) {
      lastHeartbeatMs = Date.now();
      for (const client of clients) write(client, ': ping\n\n');
    }
  };

  const remove = (client: Client): void => {
    clients.delete(client);
    if (clients.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };

  return {
    connect(signal) {
      let client: Client | undefined;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          if (closed) {
            controller.close();
            return;
          }
          const added: Client = { controller, sent: new Map(), lastActivityId: 0 };
          client = added;
          clients.add(added);
          write(added, 'retry: 1000\n\n');
          update([added]);
          timer ??= setInterval(tick, intervalMs);
          signal.addEventListener('abort', () => {
            remove(added);
            try {
              controller.close();
            } catch {
              // already closed
            }
          });
        },
        cancel() {
          if (client !== undefined) remove(client);
        },
      });
      return new Response(stream, {
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
        },
      });
    },
    close() {
      closed = true;
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      for (const client of clients) {
        try {
          client.controller.close();
        } catch {
          // already closed
        }
      }
      clients.clear();
    },
  };
}
