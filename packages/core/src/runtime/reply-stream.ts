import { IMBridgeError } from '../errors/errors.ts';
import { describeError } from '../logging/logger.ts';
import type { ChatAdapter, InboundMessage } from '../spec/chat-adapter.ts';
import type { JsonValue, ModelMessage, ModelUsage } from '../spec/language-model.ts';
import type { RuntimeContext } from './context.ts';
import { readModel } from './model-reader.ts';
import { ReplyWriter } from './reply-writer.ts';
import type { RunningTurn } from './turn-registry.ts';

/** What one reply is made from. */
export interface ReplyInput {
  adapter: ChatAdapter;
  message: InboundMessage;
  turn: RunningTurn;
  messages: ModelMessage[];
  instructions: string | undefined;
  providerState: JsonValue | undefined;
}

/** How one reply went. */
export interface ReplyResult {
  reason: 'complete' | 'interrupted' | 'error';
  text: string;
  providerState: JsonValue | undefined;
  usage: ModelUsage | undefined;
  firstTokenAtMs: number | undefined;
  updateCount: number;
}

const DEFAULT_ERROR_MESSAGE = 'Sorry, something went wrong. Please try again later.';

/**
 * Calls the model once and streams its answer into the platform through a {@link ReplyWriter}.
 * The model is not retried here: retries before the first token are the model's own (decision
 * 0010). On a model or platform failure the reply is finished as `error` and a short,
 * secret-free error message is posted; on an interrupt it is finished as `interrupted`.
 */
export async function streamReply(
  context: RuntimeContext,
  input: ReplyInput,
): Promise<ReplyResult> {
  const { adapter, message, turn } = input;
  const platform = adapter.platform;
  const conversationId = message.target.conversationId;
  const where = { platform, conversationId };
  const turnSignal = turn.controller.signal;
  const controller = new AbortController();
  const onTurnAbort = (): void => controller.abort(turnSignal.reason);
  if (turnSignal.aborted) controller.abort(turnSignal.reason);
  else turnSignal.addEventListener('abort', onTurnAbort, { once: true });
  let platformFailure: unknown;

  const writer = new ReplyWriter({
    adapter,
    message,
    bucket: context.bucketFor(adapter),
    minIntervalMs: context.settings.minIntervalMs ?? adapter.limits.minUpdateIntervalMs,
    maxMessageBytes: adapter.limits.maxMessageBytes,
    overflow: context.settings.overflow,
    overflowNotice: context.settings.overflowNotice,
    signal: turnSignal,
    onReplyId: (replyId) => context.turns.addReplyId(turn, replyId),
    onPaused: (error, waitMs) =>
      context.log('warn', {
        event: 'update-paused',
        ...where,
        waitMs,
        error: describeError(error),
      }),
    onFailure: (error) => {
      platformFailure ??= error;
      context.log('error', {
        event: 'update-failed',
        ...where,
        final: false,
        error: describeError(error),
      });
      controller.abort(error);
    },
    onSplit: (segmentIndex) =>
      context.log('info', { event: 'reply-split', ...where, segmentIndex }),
  });

  let text = '';
  let providerState: JsonValue | undefined;
  let usage: ModelUsage | undefined;
  let firstTokenAtMs: number | undefined;
  const request = {
    messages: input.messages,
    user: message.sender.id,
    metadata: {
      platform,
      conversationId,
      messageId: message.id,
      userId: message.sender.id,
    },
    instructions: input.instructions,
    providerState: input.providerState,
  };
  const outcome = await readModel(context.model, request, controller, (event) => {
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

  let failure: unknown;
  if (outcome.kind === 'stopped') {
    context.log('info', { event: 'reply-stopped', ...where, reason: 'too-long' });
  } else if (outcome.kind === 'failed' && !turnSignal.aborted && platformFailure === undefined) {
    failure = outcome.error;
  } else if (outcome.kind === 'done' && !outcome.finished) {
    context.log('warn', {
      event: 'model-error',
      ...where,
      messageId: message.id,
      error: { message: 'the model stream ended without a finish event' },
    });
  }
  if (failure !== undefined) {
    context.log('error', {
      event: 'model-error',
      ...where,
      messageId: message.id,
      error: describeError(failure),
    });
  }

  let reason: ReplyResult['reason'] = turnSignal.aborted
    ? 'interrupted'
    : platformFailure !== undefined || failure !== undefined
      ? 'error'
      : 'complete';
  if (reason === 'complete' && text.length === 0 && outcome.kind !== 'stopped') {
    failure = new IMBridgeError({
      message: 'The model returned an empty answer',
      code: 'empty-response',
    });
    context.log('error', {
      event: 'model-error',
      ...where,
      messageId: message.id,
      error: describeError(failure),
    });
    reason = 'error';
  }
  if (reason === 'error') {
    await finishQuietly(context, writer, text, where);
    await postErrorMessage(context, adapter, message, platformFailure ?? failure);
  } else {
    try {
      await writer.finish(text, reason);
    } catch (error) {
      context.log('error', {
        event: 'update-failed',
        ...where,
        final: true,
        error: describeError(error),
      });
      if (reason === 'complete') {
        reason = 'error';
        await postErrorMessage(context, adapter, message, error);
      }
    }
  }
  return {
    reason,
    text,
    providerState,
    usage,
    firstTokenAtMs,
    updateCount: writer.callCount,
  };
}

/** Finishes an opened reply as `error`; a failure here is logged, the error message follows anyway. */
async function finishQuietly(
  context: RuntimeContext,
  writer: ReplyWriter,
  text: string,
  where: { platform: string; conversationId: string },
): Promise<void> {
  if (!writer.opened) return;
  try {
    await writer.finish(text, 'error');
  } catch (error) {
    context.log('error', {
      event: 'update-failed',
      ...where,
      final: true,
      error: describeError(error),
    });
  }
}

/** Posts the configured error message (never the error's own text) and logs if that fails. */
export async function postErrorMessage(
  context: RuntimeContext,
  adapter: ChatAdapter,
  message: InboundMessage,
  error: unknown,
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
    await adapter.postError(message.target, userMessage);
  } catch (postError) {
    context.log('error', {
      event: 'error-message-failed',
      platform,
      conversationId: message.target.conversationId,
      error: describeError(postError),
    });
  }
}
