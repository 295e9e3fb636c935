import { APICallError, isAbortError, isRetryableError } from '../errors/errors.ts';
import type { ReplyFinishReason, ReplySink } from '../spec/chat-adapter.ts';
import { delay } from '../util/delay.ts';
import type { SharedRateBudget } from './shared-budget.ts';
import type { TokenBucket } from './token-bucket.ts';

/** Options of {@link ReplyPacer}. */
export interface ReplyPacerOptions {
  /** Where updates go. */
  sink: ReplySink;
  /** At most one platform call per this many milliseconds for this reply. */
  minIntervalMs: number;
  /**
   * App-wide bucket shared by all replies of the adapter, for the calls that change a reply
   * message once it exists (updates, the final call).
   */
  bucket?: TokenBucket | undefined;
  /**
   * App-wide bucket for the call that opens the reply message (the first update, or the final
   * call when nothing was shown yet), when the platform counts it under another API (Tencent:
   * `sendmsg` opens, `modify_c2c_msg` changes). @default bucket
   */
  openBucket?: TokenBucket | undefined;
  /**
   * The same budgets shared by every instance (on a shared state). Taken after the local token,
   * right before the call: an intermediate update is skipped when it has no token free, the
   * opening and the final call wait for one.
   */
  sharedBudget?: SharedRateBudget | undefined;
  /**
   * Cancels the platform calls of this reply: waits, intermediate updates, and the final call
   * unless {@link ReplyPacer.finish} is given its own signal. The runtime aborts it only at a
   * shutdown's deadline; an interrupt stops the model, never a platform call in flight (an
   * aborted send may have been stored by the vendor, and the reply would stay "generating").
   */
  signal?: AbortSignal | undefined;
  /** First pause of intermediate updates after a transient error without `retryAfterMs`. @default 1000 */
  rateLimitBackoffMs?: number | undefined;
  /** Longest pause, in milliseconds. @default 30000 */
  maxRateLimitBackoffMs?: number | undefined;
  /** Called after each delivered call (update or final) with the text the platform now shows. */
  onDelivered?: ((text: string) => void) | undefined;
  /**
   * Called when an intermediate update failed transiently (rate limit, timeout, 5xx): updates
   * pause for `waitMs`, then the newest text is sent.
   */
  onPaused?: ((error: unknown, waitMs: number) => void) | undefined;
  /**
   * Called once when an intermediate update fails for good (not retryable). Intermediate updates
   * stop; the reply is not broken: {@link ReplyPacer.finish} still delivers the final text.
   */
  onFailure?: ((error: unknown) => void) | undefined;
}

/**
 * Turns "the whole text so far" into paced platform updates for one reply:
 * - never two calls in flight;
 * - at most one call per `minIntervalMs` (the final one included);
 * - no call for unchanged text; intermediate texts are coalesced (only the newest is sent);
 * - a token from the app-wide buckets before every call (decision 0014): the call that opens the
 *   message waits for one; an intermediate update takes one only if it is free now — otherwise it
 *   is skipped, spends nothing and is tried again when a token is due; the final call waits ahead
 *   of every intermediate one, so under saturation replies still finish;
 * - on a transient error of an intermediate update (rate limit, timeout, 5xx: `retryable`): pause
 *   intermediate updates (`retryAfterMs` or exponential), then send the newest text; the final
 *   call waits out the pause too. After a non-retryable error no more intermediate updates are
 *   sent (`onFailure`), but the final call is still made: intermediate updates may be skipped,
 *   the final one decides whether the reply failed.
 *
 * The pacer never retries a call: the adapter's client owns retries of platform calls (and gives
 * the final update the longer retry budget), so one update never multiplies into retries of
 * retries (decision 0010).
 *
 * `push` is synchronous and allocation-free when an update is already scheduled, so it can be
 * called for every token.
 */
export class ReplyPacer {
  private readonly options: ReplyPacerOptions;
  private latest = '';
  private sent = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight: Promise<void> | undefined;
  private nextAllowedAtMs = 0;
  private cooldownUntilMs = 0;
  /** When a skipped intermediate update (no free token) is tried again; not a wait for finish. */
  private retryAtMs = 0;
  private backoffMs: number;
  private finishing = false;
  private readonly flushCallback = (): void => {
    this.timer = undefined;
    if (this.finishing) return;
    // Timers can fire a little early by the wall clock (libuv measures from a cached loop time):
    // schedule() re-checks and waits out any remainder, so the interval holds strictly.
    this.schedule();
  };
  /** Platform calls delivered (intermediate updates and the final one). */
  callCount = 0;
  /** The non-retryable failure that stopped intermediate updates, if any. */
  failure: unknown;

  constructor(options: ReplyPacerOptions) {
    this.options = options;
    this.backoffMs = options.rateLimitBackoffMs ?? 1000;
  }

  /** The newest text pushed. */
  get text(): string {
    return this.latest;
  }

  /** The text the platform shows (the last delivered call's). */
  get sentText(): string {
    return this.sent;
  }

  /** Offers the whole text so far; an update is scheduled as pacing allows. */
  push(textSoFar: string): void {
    if (this.finishing) return;
    this.latest = textSoFar;
    if (this.inFlight !== undefined || this.timer !== undefined || this.failure !== undefined) {
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    const readyAtMs = Math.max(this.nextAllowedAtMs, this.cooldownUntilMs, this.retryAtMs);
    const waitMs = readyAtMs - Date.now();
    if (waitMs <= 0) this.flush();
    else this.timer = setTimeout(this.flushCallback, waitMs);
  }

  private flush(): void {
    if (this.finishing || this.failure !== undefined || this.latest === this.sent) return;
    this.inFlight = this.runUpdate();
  }

  /** The bucket of the next call: the opening one until the message exists. */
  private bucketForNextCall(): TokenBucket | undefined {
    return this.options.sink.id === undefined
      ? (this.options.openBucket ?? this.options.bucket)
      : this.options.bucket;
  }

  private async runUpdate(): Promise<void> {
    const bucket = this.bucketForNextCall();
    try {
      if (bucket !== undefined && this.options.sink.id !== undefined) {
        // An intermediate update is optional: without a free token it is skipped, not queued.
        if (!bucket.tryTake()) {
          this.retryAtMs = Date.now() + Math.max(1, bucket.waitMs());
          return;
        }
      } else {
        const wait = bucket?.take(this.options.signal);
        if (wait !== undefined) await wait;
      }
      if (this.finishing) {
        // The token is not needed any more: the final call takes its own.
        bucket?.giveBack();
        return;
      }
      const text = this.latest;
      if (text === this.sent) {
        bucket?.giveBack();
        return;
      }
      const shared = this.options.sharedBudget;
      if (shared !== undefined) {
        if (this.options.sink.id === undefined) {
          await shared.take('open', this.options.signal);
        } else {
          const waitMs = await shared.tryTake('update');
          if (waitMs > 0) {
            // Skipped, as without a local token: the shared token is the one that was missing.
            bucket?.giveBack();
            this.retryAtMs = Date.now() + waitMs;
            return;
          }
        }
      }
      this.nextAllowedAtMs = Date.now() + this.options.minIntervalMs;
      await this.options.sink.update(text, { signal: this.options.signal as AbortSignal });
      this.sent = text;
      this.callCount += 1;
      this.backoffMs = this.options.rateLimitBackoffMs ?? 1000;
      this.options.onDelivered?.(text);
    } catch (error) {
      if (isRetryableError(error)) {
        // Rate-limited or briefly failing: skip this text; the next update carries newer text.
        const waitMs = this.nextBackoff(
          APICallError.isInstance(error) ? error.retryAfterMs : undefined,
        );
        this.cooldownUntilMs = Date.now() + waitMs;
        this.options.onPaused?.(error, waitMs);
      } else if (!(isAbortError(error) && this.options.signal?.aborted)) {
        this.failure = error;
        this.options.onFailure?.(error);
      }
    } finally {
      this.inFlight = undefined;
      if (!this.finishing && this.failure === undefined && this.latest !== this.sent) {
        this.schedule();
      }
    }
  }

  private nextBackoff(retryAfterMs: number | undefined): number {
    const maxMs = this.options.maxRateLimitBackoffMs ?? 30_000;
    if (retryAfterMs !== undefined && retryAfterMs > 0) return Math.min(retryAfterMs, maxMs);
    const waitMs = Math.min(this.backoffMs, maxMs);
    this.backoffMs = Math.min(this.backoffMs * 2, maxMs);
    return waitMs;
  }

  /**
   * Waits for any update in flight, then delivers the final text with the reason, once,
   * respecting the interval, any rate-limit pause and the bucket. Rejects with the platform
   * error if the call fails (the adapter's client has already retried what it could), or with an
   * `AbortedError` when `signal` (default: the pacer's) fires during a wait or the call.
   */
  async finish(
    finalText: string,
    reason: ReplyFinishReason,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<void> {
    const signal = options.signal ?? this.options.signal;
    this.finishing = true;
    this.latest = finalText;
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.inFlight !== undefined) await this.inFlight;
    for (;;) {
      const waitMs = Math.max(this.nextAllowedAtMs, this.cooldownUntilMs) - Date.now();
      if (waitMs <= 0) break;
      await delay(waitMs, { signal });
    }
    // The final call cannot be skipped: it waits ahead of every intermediate update.
    const opening = this.options.sink.id === undefined;
    const wait = this.bucketForNextCall()?.take(signal, { urgent: true });
    if (wait !== undefined) await wait;
    await this.options.sharedBudget?.take(opening ? 'open' : 'update', signal);
    this.nextAllowedAtMs = Date.now() + this.options.minIntervalMs;
    await this.options.sink.finish(finalText, { reason, signal });
    this.sent = finalText;
    this.callCount += 1;
    this.options.onDelivered?.(finalText);
  }
}
