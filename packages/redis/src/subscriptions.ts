import type { StateMessageListener } from '@imbridge/core';
import type { CallState } from './call.ts';
import { decodeJson } from './codec.ts';
import type { SubscriberConnection } from './connection/connection.ts';

interface Entry {
  listener: StateMessageListener;
}

/** Options of {@link ChannelRegistry}. */
export interface ChannelRegistryOptions {
  /** Opens the dedicated subscriber connection (on the first subscription). */
  open: (onMessage: (channel: string, message: string) => void) => SubscriberConnection;
  /** Told about a listener that threw or a message that is not JSON (never throws). */
  report: (error: unknown) => void;
}

const noop = (): void => undefined;

/**
 * The listeners of every channel on one dedicated subscriber connection. Redis is subscribed to
 * a channel once, whatever the number of listeners, and unsubscribed when the last one leaves;
 * operations on one channel run one after the other. A listener leaving stops its deliveries at
 * once, even while Redis is unreachable.
 */
export class ChannelRegistry {
  readonly #options: ChannelRegistryOptions;
  readonly #listeners = new Map<string, Set<Entry>>();
  readonly #chains = new Map<string, Promise<void>>();
  #subscriber: SubscriberConnection | undefined;
  #closed = false;

  constructor(options: ChannelRegistryOptions) {
    this.#options = options;
  }

  /** The subscriber connection, opened on first use. */
  subscriber(): SubscriberConnection {
    this.#subscriber ??= this.#options.open((channel, message) => this.#dispatch(channel, message));
    return this.#subscriber;
  }

  /**
   * Adds a listener; `ready` waits until the subscriber connection can be used (or throws).
   * When the call timed out meanwhile, the listener is not added.
   */
  add(
    channel: string,
    listener: StateMessageListener,
    ready: (subscriber: SubscriberConnection) => Promise<void>,
    call: CallState,
  ): Promise<() => void> {
    return this.#serial(channel, async () => {
      if (call.timedOut) throw new Error('subscribe timed out');
      if (this.#closed) throw new Error('subscribe after close');
      let entries = this.#listeners.get(channel);
      if (entries === undefined) {
        const subscriber = this.subscriber();
        await ready(subscriber);
        await subscriber.subscribe(channel);
        if (call.timedOut || this.#closed) {
          subscriber.unsubscribe(channel).catch(noop);
          throw new Error('subscribe timed out');
        }
        entries = new Set();
        this.#listeners.set(channel, entries);
      }
      const entry: Entry = { listener };
      const joined = entries;
      joined.add(entry);
      return () => {
        joined.delete(entry);
      };
    });
  }

  /**
   * Unsubscribes Redis from the channel when no listener is left. A failure is dropped: no
   * listener hears the channel any more, and the client forgets it on close.
   */
  release(channel: string): Promise<void> {
    return this.#serial(channel, async () => {
      const entries = this.#listeners.get(channel);
      if (entries === undefined || entries.size > 0) return;
      this.#listeners.delete(channel);
      await this.#subscriber?.unsubscribe(channel).catch(noop);
    });
  }

  /** Drops every listener and closes the subscriber connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    await subscriber?.close();
  }

  #dispatch(channel: string, message: string): void {
    const entries = this.#listeners.get(channel);
    if (entries === undefined) return;
    for (const entry of [...entries]) {
      if (!entries.has(entry)) continue;
      try {
        // Decoded for each listener: every listener gets its own copy, as from memoryState.
        entry.listener(decodeJson(message, 'subscribe'));
      } catch (error) {
        this.#options.report(error);
      }
    }
  }

  #serial<T>(channel: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#chains.get(channel) ?? Promise.resolve();
    const result = previous.then(task);
    const settled = result.then(noop, noop);
    this.#chains.set(channel, settled);
    void settled.then(() => {
      if (this.#chains.get(channel) === settled) this.#chains.delete(channel);
    });
    return result;
  }
}
