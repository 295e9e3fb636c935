import { AbortedError } from '../errors/errors.ts';
import { describeError } from '../logging/logger.ts';
import type { ChatAdapter, InboundMessage } from '../spec/chat-adapter.ts';
import type { JsonValue, LanguageModel, ModelEvent, ModelMessage } from '../spec/language-model.ts';
import type { RuntimeContext } from './context.ts';
import {
  endHandoff,
  postMessage,
  saveAssistantMessage,
  startHandoff,
} from './conversation-actions.ts';
import type { MessageContext, ReplyContent, ReplySummary } from './middleware.ts';
import { streamReply } from './reply-stream.ts';
import { toolLoopModel } from './tool-loop.ts';
import type { TurnJournal } from './turn-journal.ts';
import type { RunningTurn } from './turn-registry.ts';

/** What one turn's handlers share with the turn runner. */
export interface TurnHandlerState {
  /** Set when a reply was handed back (`close()`, lock lost): the turn record stays in state. */
  handedBack: boolean;
}

/** What {@link createMessageContext} needs. */
export interface MessageContextInput {
  adapter: ChatAdapter;
  message: InboundMessage;
  turn: RunningTurn;
  journal: TurnJournal;
  history: ModelMessage[];
  providerState: JsonValue | undefined;
  handedOff: boolean;
}

const HANDLER_MODEL = { provider: 'handler', modelId: 'reply' } as const;

/** Events of a handler's reply content; strings become text deltas. */
async function* contentEvents(content: ReplyContent): AsyncGenerator<ModelEvent> {
  if (typeof content === 'string') {
    yield { type: 'text-delta', text: content };
    yield { type: 'finish', reason: 'stop' };
    return;
  }
  let modelEvents = false;
  for await (const item of content as AsyncIterable<string | ModelEvent>) {
    if (typeof item === 'string') {
      yield { type: 'text-delta', text: item };
      continue;
    }
    modelEvents = true;
    yield item;
    if (item.type === 'finish' || item.type === 'error') return;
  }
  // A model stream that ended without `finish` stays truncated (reported as an error).
  if (!modelEvents) yield { type: 'finish', reason: 'stop' };
}

function contentModel(content: ReplyContent): LanguageModel {
  if (typeof content !== 'string' && !(Symbol.asyncIterator in Object(content))) {
    throw new TypeError('reply: content must be a string or an async iterable');
  }
  return { specificationVersion: 'v1', ...HANDLER_MODEL, stream: () => contentEvents(content) };
}

const hexByte = (byte: number): string => byte.toString(16).padStart(2, '0');

/** The end user's id as the bot sends it to the model vendor (`endUserId` option). */
async function endUserId(context: RuntimeContext, id: string): Promise<string | undefined> {
  const { endUserId: mode, endUserIdSalt } = context.settings;
  if (mode === 'send') return id;
  if (mode === 'drop') return undefined;
  const bytes = new TextEncoder().encode(`${endUserIdSalt}:${id}`);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest.subarray(0, 16), hexByte).join('');
}

/**
 * Builds the context handlers receive for one turn. Replies go through {@link streamReply}
 * (pacing, size limits, interrupts, error messages), are recorded in history, logged
 * (`reply-started`, `reply-finished`) and reported to the hooks.
 */
export function createMessageContext(
  context: RuntimeContext,
  input: MessageContextInput,
  shared: TurnHandlerState,
): MessageContext {
  const { adapter, message, turn, journal } = input;
  const platform = adapter.platform;
  const conversationId = message.target.conversationId;
  const where = { platform, conversationId };
  const fields = { ...where, messageId: message.id };
  let providerState = input.providerState;

  const usable = (what: string): void => {
    if (shared.handedBack || turn.lockLost) {
      throw new AbortedError({ message: `${what}: the turn was handed to another instance` });
    }
  };

  const sendReply = async (
    model: LanguageModel,
    request: Parameters<typeof streamReply>[1]['request'],
  ): Promise<ReplySummary> => {
    usable('reply');
    if (turn.controller.signal.aborted) {
      return { reason: 'interrupted', text: '', replyId: undefined };
    }
    const startedAtMs = Date.now();
    context.log('info', { event: 'reply-started', ...fields });
    context.hook('onReplyStarted', { ...where, message });
    const result = await streamReply(context, { adapter, message, turn, journal, model, request });
    const replyId = [...turn.replyIds].at(-1);
    if (result.reason === 'handed-back') {
      shared.handedBack = true;
      return { reason: 'interrupted', text: result.text, replyId };
    }
    if (result.providerState !== undefined) providerState = result.providerState;
    await saveAssistantMessage(context, where, result.text, result.providerState);
    const timeToFirstTokenMs =
      result.firstTokenAtMs === undefined ? undefined : result.firstTokenAtMs - startedAtMs;
    const durationMs = Date.now() - startedAtMs;
    context.log(result.reason === 'error' ? 'warn' : 'info', {
      event: 'reply-finished',
      ...fields,
      replyId,
      reason: result.reason,
      interruptedBy: turn.interruptedBy,
      timeToFirstTokenMs,
      updateCount: result.updateCount,
      durationMs,
      usage: result.usage,
    });
    context.hook('onReplyFinished', {
      ...where,
      message,
      replyId,
      text: result.text,
      reason: result.reason,
      interruptedBy: turn.interruptedBy,
      usage: result.usage,
      timeToFirstTokenMs,
      updateCount: result.updateCount,
      durationMs,
    });
    return { reason: result.reason, text: result.text, replyId };
  };

  const messageContext: MessageContext = {
    message,
    adapter,
    platform,
    conversationId,
    target: message.target,
    history: input.history,
    signal: turn.controller.signal,
    handedOff: input.handedOff,
    state: context.state,
    from: <R>(other: ChatAdapter<R>) =>
      (other as ChatAdapter) === adapter ? (messageContext as MessageContext<R>) : undefined,
    reply: (content) =>
      sendReply(contentModel(content), { messages: input.history, user: message.sender.id }),
    async answer(options = {}) {
      usable('answer');
      const configured = context.options.instructions;
      const instructions =
        options.instructions ??
        (typeof configured === 'function' ? await configured({ message, platform }) : configured);
      const user = await endUserId(context, message.sender.id);
      const baseModel = options.model ?? context.model;
      const model = toolLoopModel({
        model: baseModel,
        tools: baseModel.specificationVersion === 'v1' ? undefined : context.tools,
        maxSteps: context.settings.maxSteps,
        message,
        platform,
        telemetry: context.options.telemetry,
        onToolCall: (call) => {
          context.log(call.isError ? 'warn' : 'info', {
            event: call.isError ? 'tool-failed' : 'tool-called',
            ...fields,
            toolName: call.toolName,
            durationMs: call.durationMs,
            error: call.error === undefined ? undefined : describeError(call.error),
          });
          context.hook('onToolCall', { ...where, message, ...call });
          if (call.error !== undefined) {
            context.hook('onError', { ...where, message, phase: 'tool', error: call.error });
          }
        },
      });
      const ids = { platform, conversationId, messageId: message.id };
      const metadata = user === undefined ? ids : { ...ids, userId: user };
      return sendReply(model, {
        messages: options.messages ?? input.history,
        user,
        metadata,
        instructions,
        providerState,
      });
    },
    post(text) {
      usable('post');
      return postMessage(context, adapter, message.target, text, turn.platformController.signal);
    },
    handoff: (options) => startHandoff(context, platform, conversationId, options),
    resume: () => endHandoff(context, platform, conversationId),
  };
  return messageContext;
}
