import { IMBridgeError } from '../errors/errors.ts';
import { describeError } from '../logging/logger.ts';
import type { ChatAdapter, InboundMessage } from '../spec/chat-adapter.ts';
import type { JsonValue, LanguageModel, ModelRequest, ModelUsage } from '../spec/language-model.ts';
import type { RuntimeContext } from './context.ts';
import { readModel } from './model-reader.ts';
import { ReplyWriter } from './reply-writer.ts';
import { tracedAdapter } from './telemetry.ts';
import type { TurnJournal } from './turn-journal.ts';
import type { RunningTurn } from './turn-registry.ts';

/** What one reply is made from. */
export interface ReplyInput {
  adapter: ChatAdapter;
  message: InboundMessage;
  turn: RunningTurn;
  /** Where the answer comes from: the bot's model (with its tools), or a handler's content. */
  model: LanguageModel;
  /** The call (without the signal, which the reply owns). */
  request: Omit<ModelRequest, 'signal'>;
  /** Keeps the turn record's open reply up to date. */
  journal: TurnJournal;
}

/**
 * How one reply went. `handed-back`: `close()` stopped it before anything was shown, or could
 * not finish it by its deadline, or the turn lock was lost; the turn record stays in state for
 * the next holder of the lock.
 */
export interface ReplyResult {
  reason: 'complete' | 'interrupted' | 'error' | 'handed-back';
  text: string;
  providerState: JsonValue | undefined;
  usage: ModelUsage | undefined;
  firstTokenAtMs: number | undefined;
  updateCount: number;
}

const DEFAULT_ERROR_MESSAGE = 'Sorry, something went wrong. Please try again later.';

/** The final text of a reply cut short by a shutdown. */
export function withShutdownNotice(text: string, notice: string): string {
  return text.length === 0 ? notice : `${text}\n\n${notice}`;
}

/**
 * Calls the model once and streams its answer into the platform through a {@link ReplyWriter}.
 * The model is not retried here: retries before the first token are the model's own (decision
 * 0010). Interrupts stop the model, never a platform call in flight (decision 0011).
 *
 * - model done: finished as `complete`;
 * - interrupted by the user or a newer message: finished as `interrupted` with the text so far;
 * - interrupted by `close()`: finished with the text so far and the shutdown notice, or handed
 *   back when nothing was shown yet;
 * - model error, a stream without `finish`, an empty answer, or a failed final update: finished
 *   as `error` (when a message is open) and a short, secret-free error message is posted.
 *
 * Intermediate update failures never end the reply: only the final update decides.
 */
export async function streamReply(
  context: RuntimeContext,
  input: ReplyInput,
): Promise<ReplyResult> {
  const { adapter, message, turn, journal } = input;
  const platform = adapter.platform;
  const conversationId = message.target.conversationId;
  const where = { platform, conversationId };
  const turnSignal = turn.controller.signal;
  const platformSignal = turn.platformController.signal;
  const controller = new AbortController();
  const onTurnAbort = (): void => controller.abort(turnSignal.reason);
  if (turnSignal.aborted) controller.abort(turnSignal.reason);
  else turnSignal.addEventListener('abort', onTurnAbort, { once: true });

  const buckets = context.bucketFor(adapter);
  const telemetry = context.options.telemetry;
  const writer = new ReplyWriter({
    adapter: telemetry === undefined ? adapter : tracedAdapter(adapter, telemetry),
    message,
    bucket: buckets.update,
    openBucket: buckets.open,
    sharedBudget: buckets.shared,
    minIntervalMs: context.settings.minIntervalMs ?? adapter.limits.minUpdateIntervalMs,
    maxMessageBytes: adapter.limits.maxMessageBytes,
    overflow: context.settings.overflow,
    overflowNotice: context.settings.overflowNotice,
    signal: platformSignal,
    onReplyId: (replyId) => context.turns.addReplyId(turn, replyId),
    onShown: (sink, text) =>
      journal.setReply({ replyId: sink.id, snapshot: sink.snapshot?.(), text }),
    onSegmentFinished: () => journal.setReply(undefined),
    onPaused: (error, waitMs) =>
      context.log('warn', {
        event: 'update-paused',
        ...where,
        waitMs,
        error: describeError(error),
      }),
    onFailure: (error) =>
      context.log('warn', {
        event: 'update-failed',
        ...where,
        final: false,
        error: describeError(error),
      }),
    onSplit: (segmentIndex) =>
      context.log('info', { event: 'reply-split', ...where, segmentIndex }),
  });

  let text = '';
  let providerState: JsonValue | undefined;
  let usage: ModelUsage | undefined;
  let firstTokenAtMs: number | undefined;
  const outcome = await readModel(input.model, input.request, controller, (event) => {
    if (event.type === 'finish') {
      providerState = event.providerState;
      usage = event.usage;
      return undefined;
    }
    firstTokenAtMs ??= Date.now();
    if (event.type === 'text-delta') {
      text += event.text;
      return writer.push(text, event.text);
    }
    text = event.text;
    return writer.push(text);
  });
  turnSignal.removeEventListener('abort', onTurnAbort);

  const result = (reason: ReplyResult['reason']): ReplyResult => ({
    reason,
    text,
    providerState,
    usage,
    firstTokenAtMs,
    updateCount: writer.callCount,
  });
  const modelError = (error: unknown): void => {
    context.log('error', {
      event: 'model-error',
      ...where,
      messageId: message.id,
      error: describeError(error),
    });
    context.hook('onError', { ...where, message, phase: 'model', error });
  };

  let failure: unknown;
  if (outcome.kind === 'stopped') {
    context.log('info', { event: 'reply-stopped', ...where, reason: 'too-long' });
    return result('complete');
  }
  if (turn.lockLost) return result('handed-back');
  if (outcome.kind === 'failed' && turnSignal.aborted) {
    // Interrupted (the model's answer is cut where it was).
    if (turn.interruptedBy === 'shutdown') {
      if (!writer.opened) return result('handed-back');
      const failed = await finishOrLog(
        context,
        writer,
        withShutdownNotice(text, context.settings.shutdownNotice),
        'interrupted',
        where,
      );
      // Not finished by the deadline: the turn record keeps the open reply for the next instance.
      return result(failed === undefined ? 'interrupted' : 'handed-back');
    }
    await finishOrLog(context, writer, text, 'interrupted', where);
    return result('interrupted');
  }
  if (outcome.kind === 'failed') failure = outcome.error;
  else if (!outcome.finished) {
    failure = new IMBridgeError({
      message: 'The model stream ended without a finish event (truncated answer)',
      code: 'truncated-response',
    });
  } else if (text.length === 0) {
    failure = new IMBridgeError({
      message: 'The model returned an empty answer',
      code: 'empty-response',
    });
  }
  if (failure !== undefined) {
    modelError(failure);
    if (writer.opened) await finishOrLog(context, writer, text, 'error', where);
    await postErrorMessage(context, adapter, message, failure, platformSignal);
    return result('error');
  }
  const finalFailure = await finishOrLog(context, writer, text, 'complete', where);
  // The lock was lost during the final update: the new holder finishes the reply.
  if (turn.lockLost) return result('handed-back');
  if (finalFailure !== undefined) {
    context.hook('onError', { ...where, message, phase: 'delivery', error: finalFailure.error });
    await postErrorMessage(context, adapter, message, finalFailure.error, platformSignal);
    return result('error');
  }
  return result('complete');
}

/**
 * Delivers the final text; `undefined` when it was delivered, else `{ error }`. A failure (after
 * the adapter's own retries, until its deadline) is logged as a final `update-failed`.
 */
async function finishOrLog(
  context: RuntimeContext,
  writer: ReplyWriter,
  text: string,
  reason: 'complete' | 'interrupted' | 'error',
  where: { platform: string; conversationId: string },
): Promise<{ error: unknown } | undefined> {
  try {
    await writer.finish(text, reason);
    return undefined;
  } catch (error) {
    context.log('error', {
      event: 'update-failed',
      ...where,
      final: true,
      error: describeError(error),
    });
    return { error };
  }
}

/** Posts the configured error message (never the error's own text) and logs if that fails. */
export async function postErrorMessage(
  context: RuntimeContext,
  adapter: ChatAdapter,
  message: InboundMessage,
  error: unknown,
  signal?: AbortSignal | undefined,
): Promise<void> {
  const platform = adapter.platform;
  const configured = context.options.errorMessage;
  let userMessage = DEFAULT_ERROR_MESSAGE;
  if (typeof configured === 'function') {
    try {
      userMessage = configured(IMBridgeError.from(error), { message, platform });
    } catch {
      // Keep the default.
    }
  } else if (configured !== undefined) userMessage = configured;
  try {
    await adapter.postError(message.target, userMessage, { signal });
  } catch (postError) {
    context.log('error', {
      event: 'error-message-failed',
      platform,
      conversationId: message.target.conversationId,
      error: describeError(postError),
    });
  }
}
