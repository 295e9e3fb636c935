import type { ChatAdapter, ReplySink } from '../spec/chat-adapter.ts';

/**
 * The parts of an OpenTelemetry span imbridge uses. Structurally typed, so `@opentelemetry/api`
 * stays an optional peer: pass `trace.getTracer('imbridge')` as `telemetry.tracer`.
 */
export interface TelemetrySpan {
  /** Sets attributes. */
  setAttributes(attributes: Record<string, string | number | boolean>): unknown;
  /** `code` 2 is ERROR (`SpanStatusCode.ERROR`). */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Records an exception event. */
  recordException(exception: { name: string; message: string }): unknown;
  /** Ends the span. */
  end(): void;
}

/** The part of an OpenTelemetry `Tracer` imbridge uses. */
export interface TelemetryTracer {
  /**
   * Starts a span that is the active one while `fn` runs (child spans started inside nest under
   * it when a context manager is registered, as the Node SDK does).
   */
  startActiveSpan<F extends (span: TelemetrySpan) => unknown>(
    name: string,
    options: { attributes?: Record<string, string | number | boolean> },
    fn: F,
  ): ReturnType<F>;
}

/** Options of {@link BotOptions.telemetry}. */
export interface TelemetryOptions {
  /** The tracer, e.g. `trace.getTracer('imbridge')` from `@opentelemetry/api`. */
  tracer: TelemetryTracer;
  /**
   * Adds tool arguments and results to the tool spans. Off by default. Spans never carry
   * message text, answers, conversation or user ids, or secrets: only platform, message id,
   * model, tool name, outcome, counts and token usage.
   * @default false
   */
  recordContent?: boolean | undefined;
}

/** Span names imbridge uses. */
export type SpanName =
  | 'imbridge.webhook'
  | 'imbridge.turn'
  | 'imbridge.model'
  | 'imbridge.tool'
  | 'imbridge.vendor';

const ERROR = 2;

/** Runs `fn` inside a span when a tracer is configured; just runs it otherwise. */
export async function inSpan<T>(
  telemetry: TelemetryOptions | undefined,
  name: SpanName,
  attributes: Record<string, string | number | boolean>,
  fn: (span: TelemetrySpan | undefined) => Promise<T>,
): Promise<T> {
  if (telemetry === undefined) return fn(undefined);
  return telemetry.tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with the error's class and message (errors carry no secrets). */
export function failSpan(span: TelemetrySpan | undefined, error: unknown): void {
  if (span === undefined) return;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  span.recordException({ name, message });
  span.setStatus({ code: ERROR, message });
}

/**
 * The adapter as the reply writer sees it, with a `imbridge.vendor` span around each platform
 * call of a reply (`update`, `finish`). The writer only opens replies through it.
 */
export function tracedAdapter(adapter: ChatAdapter, telemetry: TelemetryOptions): ChatAdapter {
  const platform = adapter.platform;
  const traced = <T>(call: string, run: () => Promise<T>): Promise<T> =>
    inSpan(
      telemetry,
      'imbridge.vendor',
      { 'imbridge.platform': platform, 'imbridge.vendor.call': call },
      run,
    );
  const traceSink = (sink: ReplySink): ReplySink => ({
    get id() {
      return sink.id;
    },
    update: (text, options) => traced('update', () => sink.update(text, options)),
    finish: (text, options) => traced('finish', () => sink.finish(text, options)),
    ...(sink.snapshot === undefined ? {} : { snapshot: () => sink.snapshot?.() }),
  });
  return {
    platform,
    limits: adapter.limits,
    receive: (request) => adapter.receive(request),
    post: (target, text, options) => adapter.post(target, text, options),
    postError: (target, text, options) => adapter.postError(target, text, options),
    openReply: async (target, options) => traceSink(await adapter.openReply(target, options)),
  };
}
