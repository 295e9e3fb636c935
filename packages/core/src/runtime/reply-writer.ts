import { ReplyPacer } from '../pacer/pacer.ts';
import type { SharedRateBudget } from '../pacer/shared-budget.ts';
import { findCutIndex, utf8ByteLength } from '../pacer/text-split.ts';
import type { TokenBucket } from '../pacer/token-bucket.ts';
import type {
  ChatAdapter,
  InboundMessage,
  ReplyFinishReason,
  ReplySink,
} from '../spec/chat-adapter.ts';

/** What to do with a reply that outgrows the platform's message size cap. */
export type OverflowPolicy = 'split' | 'stop';

/** Options of {@link ReplyWriter}. */
export interface ReplyWriterOptions {
  adapter: ChatAdapter;
  message: InboundMessage;
  bucket: TokenBucket;
  /** The bucket of the opening call. @default bucket */
  openBucket?: TokenBucket | undefined;
  /** The budgets shared by every instance (on a shared state). */
  sharedBudget?: SharedRateBudget | undefined;
  minIntervalMs: number;
  maxMessageBytes: number;
  overflow: OverflowPolicy;
  overflowNotice: string;
  /** Cancels platform calls (aborted only at a shutdown's deadline, never by an interrupt). */
  signal: AbortSignal;
  onReplyId: (replyId: string) => void;
  /** The open message now shows `text` (after every delivered update). */
  onShown: (sink: ReplySink, text: string) => void;
  /** The open message was finished (a split segment, or the whole reply). */
  onSegmentFinished: () => void;
  onPaused: (error: unknown, waitMs: number) => void;
  onFailure: (error: unknown) => void;
  onSplit: (segmentIndex: number) => void;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

interface Segment {
  sink: ReplySink;
  pacer: ReplyPacer;
  reportedId: boolean;
}

/**
 * Streams one answer into one or more platform messages: opens the first sink lazily (no empty
 * message), paces updates through a {@link ReplyPacer}, and when the text outgrows the size cap
 * either continues in a follow-up message (`split`) or ends with a notice (`stop`).
 */
export class ReplyWriter {
  private readonly options: ReplyWriterOptions;
  private segment: Segment | undefined;
  private offset = 0;
  private measured = false;
  private measuredBytes = 0;
  private endsWithHighSurrogate = false;
  private calls = 0;
  /** True once the `stop` policy ended the reply. */
  stopped = false;
  /** Follow-up messages opened by the `split` policy. */
  splits = 0;

  constructor(options: ReplyWriterOptions) {
    this.options = options;
  }

  /** Platform calls delivered across all segments. */
  get callCount(): number {
    return this.calls + (this.segment?.pacer.callCount ?? 0);
  }

  /** True once a platform message exists for this reply. */
  get opened(): boolean {
    return this.segment !== undefined;
  }

  private async open(): Promise<Segment> {
    const { adapter, message, signal } = this.options;
    const sink = await adapter.openReply(message.target, { replyTo: message, signal });
    const segment: Segment = { sink, reportedId: false, pacer: undefined as unknown as ReplyPacer };
    segment.pacer = new ReplyPacer({
      sink,
      minIntervalMs: this.options.minIntervalMs,
      bucket: this.options.bucket,
      openBucket: this.options.openBucket,
      sharedBudget: this.options.sharedBudget,
      signal,
      onDelivered: (text) => {
        if (!segment.reportedId && sink.id !== undefined) {
          segment.reportedId = true;
          this.options.onReplyId(sink.id);
        }
        if (this.segment === segment) this.options.onShown(sink, text);
      },
      // A failed call may still have reached the platform (a lost answer): the sink's snapshot
      // then holds what another process needs to settle it, so it is recorded too.
      onPaused: (error, waitMs) => {
        this.noteAttempt(segment);
        this.options.onPaused(error, waitMs);
      },
      onFailure: (error) => {
        this.noteAttempt(segment);
        this.options.onFailure(error);
      },
    });
    this.segment = segment;
    this.measured = false;
    return segment;
  }

  private noteAttempt(segment: Segment): void {
    if (this.segment === segment && segment.sink.snapshot?.() !== undefined) {
      this.options.onShown(segment.sink, segment.pacer.sentText);
    }
  }

  /**
   * UTF-8 bytes of the current segment's text. When the text only grew by `delta`, only the
   * delta is measured (reading the whole text again would flatten the concatenated string and
   * cost O(length) per token).
   */
  private segmentBytes(segmentText: string, delta: string | undefined): number {
    if (delta === undefined || !this.measured) {
      this.measuredBytes = utf8ByteLength(segmentText);
      this.endsWithHighSurrogate = isHighSurrogate(segmentText.charCodeAt(segmentText.length - 1));
      this.measured = true;
      return this.measuredBytes;
    }
    let bytes = utf8ByteLength(delta);
    // A surrogate pair split across deltas was counted as 3 + 3 bytes; it is 4.
    if (this.endsWithHighSurrogate && isLowSurrogate(delta.charCodeAt(0))) bytes -= 2;
    this.endsWithHighSurrogate = isHighSurrogate(delta.charCodeAt(delta.length - 1));
    this.measuredBytes += bytes;
    return this.measuredBytes;
  }

  private fits(segmentText: string, delta: string | undefined): boolean {
    const { maxMessageBytes } = this.options;
    if (segmentText.length * 3 <= maxMessageBytes) {
      // Certainly fits; the measurement (not updated here) must start afresh next time.
      this.measured = false;
      return true;
    }
    return this.segmentBytes(segmentText, delta) <= maxMessageBytes;
  }

  /**
   * Offers the whole answer so far. `delta` is what was appended since the last call, when the
   * text only grew (lets size checks run on the delta alone). Resolves to false once the reply
   * has been stopped.
   */
  push(fullText: string, delta?: string): Promise<boolean> | boolean {
    if (this.segment !== undefined && this.offset === 0 && !this.stopped) {
      // Hot path: no split so far and the text still fits; no promise allocated.
      if (this.fits(fullText, delta)) {
        this.segment.pacer.push(fullText);
        return true;
      }
    }
    return this.place(fullText, delta, true);
  }

  private async place(
    fullText: string,
    delta: string | undefined,
    deliver: boolean,
  ): Promise<boolean> {
    if (this.stopped) return false;
    if (fullText.length <= this.offset && this.segment === undefined) return true;
    for (;;) {
      const segmentText = this.offset === 0 ? fullText : fullText.slice(this.offset);
      if (segmentText.length === 0) return true;
      const segment = this.segment ?? (await this.open());
      if (this.fits(segmentText, delta)) {
        if (deliver) segment.pacer.push(segmentText);
        return true;
      }
      if (this.options.overflow === 'stop') {
        const notice = this.options.overflowNotice;
        const budget = Math.max(1, this.options.maxMessageBytes - utf8ByteLength(notice));
        const cut = findCutIndex(segmentText, budget);
        this.stopped = true;
        await this.finishSegment(segmentText.slice(0, cut) + notice, 'complete');
        return false;
      }
      const cut = findCutIndex(segmentText, this.options.maxMessageBytes);
      await this.finishSegment(segmentText.slice(0, cut), 'complete');
      this.offset += cut;
      this.splits += 1;
      this.options.onSplit(this.splits);
      delta = undefined;
    }
  }

  private async finishSegment(
    text: string,
    reason: ReplyFinishReason,
    signal?: AbortSignal | undefined,
  ): Promise<void> {
    const segment = this.segment;
    if (segment === undefined) return;
    this.segment = undefined;
    try {
      await segment.pacer.finish(text, reason, { signal });
      this.options.onSegmentFinished();
    } finally {
      this.calls += segment.pacer.callCount;
      if (!segment.reportedId && segment.sink.id !== undefined) {
        segment.reportedId = true;
        this.options.onReplyId(segment.sink.id);
      }
    }
  }

  /**
   * Ends the reply: delivers the final text (splitting it if needed) with the reason. Opens a
   * message only when there is text to show. No-op after a `stop`. `signal` cancels the final
   * call (default: the writer's).
   */
  async finish(
    fullText: string,
    reason: ReplyFinishReason,
    signal?: AbortSignal | undefined,
  ): Promise<void> {
    if (this.stopped) return;
    if (fullText.length > this.offset || this.segment !== undefined) {
      const open = await this.place(fullText, undefined, false);
      if (!open) return;
    }
    const segmentText = fullText.slice(this.offset);
    if (this.segment === undefined) {
      if (segmentText.length === 0) return;
      await this.open();
    }
    await this.finishSegment(segmentText, reason, signal);
  }
}
