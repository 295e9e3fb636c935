/** Options of {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size (largest burst). @default ratePerSecond */
  burst?: number | undefined;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * An in-process token bucket with a FIFO wait queue and a single timer, shared by every reply of
 * an adapter (Tencent counts 200 calls/s per app, not per chat).
 *
 * `take()` returns `undefined` when a token was free (no promise allocated on the hot path), or a
 * promise that resolves once the caller's token is available.
 */
export class TokenBucket {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Bucket size. */
  readonly burst: number;
  private tokens: number;
  private updatedAtMs: number;
  private readonly waiters: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be positive');
    this.ratePerSecond = options.ratePerSecond;
    this.burst = Math.max(1, options.burst ?? options.ratePerSecond);
    this.tokens = this.burst;
    this.updatedAtMs = Date.now();
  }

  private refill(): void {
    const at = Date.now();
    const elapsedMs = at - this.updatedAtMs;
    if (elapsedMs > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
      this.updatedAtMs = at;
    }
  }

  /** Number of callers waiting for a token. */
  get pending(): number {
    return this.waiters.length;
  }

  /** Takes one token: `undefined` if taken now, else a promise resolved when it is taken. */
  take(signal?: AbortSignal): Promise<void> | undefined {
    if (this.waiters.length === 0) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return undefined;
      }
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        if (signal.aborted) {
          reject(signal.reason);
          return;
        }
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      this.schedule();
    });
  }

  /**
   * Returns a token taken but not spent (the call it was for was skipped), so a skipped update
   * costs nothing; it goes to the longest waiter first.
   */
  giveBack(): void {
    this.refill();
    this.tokens = Math.min(this.burst, this.tokens + 1);
    if (this.waiters.length > 0) this.drain();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waiters.length === 0) return;
    this.refill();
    const missing = 1 - this.tokens;
    const delayMs = missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.ratePerSecond);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, delayMs);
  }

  private drain(): void {
    this.refill();
    while (this.waiters.length > 0 && this.tokens >= 1) {
      this.tokens -= 1;
      const waiter = this.waiters.shift() as Waiter;
      if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    this.schedule();
  }
}
