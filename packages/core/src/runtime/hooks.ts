import type { IMBridgeError } from '../errors/errors.ts';
import { describeError, type LogEmitter } from '../logging/logger.ts';
import type { InboundMessage } from '../spec/chat-adapter.ts';
import type { ModelUsage } from '../spec/language-model.ts';

/** What every hook learns about the message being answered. */
export interface HookMessageInfo {
  /** The adapter's platform id. */
  platform: string;
  /** The conversation. */
  conversationId: string;
  /** The message being answered. */
  message: InboundMessage;
}

/** {@link BotHooks.onReplyStarted}: a reply is about to stream (before the first token). */
export type ReplyStartedInfo = HookMessageInfo;

/** {@link BotHooks.onReplyFinished}: a reply ended. */
export interface ReplyFinishedInfo extends HookMessageInfo {
  /** The platform id of the (last) reply message, when one was shown. */
  replyId: string | undefined;
  /** The reply's final text. */
  text: string;
  /** Why it ended. */
  reason: 'complete' | 'interrupted' | 'error';
  /** Who interrupted it, for `interrupted`. */
  interruptedBy: 'user' | 'newer-message' | 'shutdown' | 'lock-lost' | undefined;
  /** Token usage the model reported (summed over tool steps). */
  usage: ModelUsage | undefined;
  /** From the start of the reply to its first text, in milliseconds. */
  timeToFirstTokenMs: number | undefined;
  /** Platform calls that showed the reply (opening, updates, final). */
  updateCount: number;
  /** From the start of the reply to its end, in milliseconds. */
  durationMs: number;
}

/** {@link BotHooks.onToolCall}: a tool call ended. */
export interface ToolCallInfo extends HookMessageInfo {
  /** The model's id of the call. */
  toolCallId: string;
  /** The tool. */
  toolName: string;
  /** The arguments the model sent (JSON text). */
  input: string;
  /** What the model was told (the result, or why the call failed). */
  output: string;
  /** True when the call failed (unknown tool, invalid arguments, the tool threw). */
  isError: boolean;
  /** The error the tool threw, if it did. */
  error: unknown;
  /** Time in the tool, in milliseconds. */
  durationMs: number;
}

/** Where a failure reported to {@link BotHooks.onError} happened. */
export type BotErrorPhase = 'model' | 'tool' | 'handler' | 'delivery';

/** {@link BotHooks.onError}: something failed while answering. */
export interface BotErrorInfo extends HookMessageInfo {
  /** Where. */
  phase: BotErrorPhase;
  /** The failure. */
  error: IMBridgeError | unknown;
}

/**
 * Lifecycle hooks: metrics, audit logs, analytics. Hooks are called without being awaited, so a
 * slow hook never delays a reply; a hook that throws (or rejects) is logged as `hook-failed`.
 */
export interface BotHooks {
  /** A reply is about to stream. */
  onReplyStarted?: ((info: ReplyStartedInfo) => unknown) | undefined;
  /** A reply ended: text, reason, usage, time to first token, updates sent. */
  onReplyFinished?: ((info: ReplyFinishedInfo) => unknown) | undefined;
  /** A tool call ended. */
  onToolCall?: ((info: ToolCallInfo) => unknown) | undefined;
  /** The model, a tool, a handler or the final delivery failed. */
  onError?: ((info: BotErrorInfo) => unknown) | undefined;
}

/** Calls the hooks safely: never throws, never waits. */
export type HookCaller = <Name extends keyof BotHooks>(
  name: Name,
  info: Parameters<NonNullable<BotHooks[Name]>>[0],
) => void;

/** Builds the bot's hook caller; a no-op when there are no hooks. */
export function createHookCaller(hooks: BotHooks | undefined, log: LogEmitter): HookCaller {
  if (hooks === undefined) return () => undefined;
  const failed = (hook: string, error: unknown): void =>
    log('warn', { event: 'hook-failed', hook, error: describeError(error) });
  return (name, info) => {
    const hook = hooks[name] as ((info: unknown) => unknown) | undefined;
    if (hook === undefined) return;
    try {
      const returned = hook(info);
      if (returned instanceof Promise) returned.catch((error: unknown) => failed(name, error));
    } catch (error) {
      failed(name, error);
    }
  };
}
