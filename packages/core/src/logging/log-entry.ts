import type { ModelUsage } from '../spec/language-model.ts';
import type { ErrorDescription } from './logger.ts';

/** Fields every entry about one conversation carries. */
export interface ConversationLogFields {
  /** Adapter platform id, e.g. `'tencent-chat'`. */
  platform: string;
  /** The conversation. */
  conversationId: string;
}

/** Fields of entries about one inbound message. */
export interface MessageLogFields extends ConversationLogFields {
  /** The platform's message id. */
  messageId: string;
}

/** Why a reply ended. */
export type ReplyOutcome = 'complete' | 'interrupted' | 'error';

/**
 * The fields of each log event, by event name. Entries never contain secrets or message text.
 */
export interface LogEventFields {
  /** A message arrived (debug). */
  received: MessageLogFields;
  /** A message or webhook event the bot does not answer (debug; error when `shouldRespond` threw). */
  ignored: {
    platform: string;
    messageId?: string | undefined;
    reason: string;
    error?: ErrorDescription | undefined;
  };
  /** A redelivered message (same id) was dropped (info). */
  deduped: MessageLogFields;
  /** A message joined its conversation's queue (info). */
  queued: MessageLogFields;
  /** Under the `interrupt` policy, a newer message replaced this one (info). */
  superseded: MessageLogFields;
  /** A running reply was stopped (info). */
  interrupted: ConversationLogFields & {
    replyId?: string | undefined;
    by: 'user' | 'newer-message' | 'shutdown';
  };
  /** The model was called for a message (info). */
  'reply-started': MessageLogFields;
  /** A reply ended (info; warn when it ended with an error). */
  'reply-finished': MessageLogFields & {
    replyId?: string | undefined;
    reason: ReplyOutcome;
    interruptedBy?: 'user' | 'newer-message' | 'shutdown' | 'lock-lost' | undefined;
    timeToFirstTokenMs?: number | undefined;
    updateCount: number;
    durationMs: number;
    usage?: ModelUsage | undefined;
  };
  /** The model failed or sent an empty answer (error); its stream ended without `finish` (warn). */
  'model-error': MessageLogFields & { error: ErrorDescription };
  /**
   * An intermediate update failed transiently (rate limit, timeout, 5xx); updates pause for
   * `waitMs` and the next one carries newer text (warn).
   */
  'update-paused': ConversationLogFields & { waitMs: number; error: ErrorDescription };
  /** A platform update failed (error); `final` for the last one. */
  'update-failed': ConversationLogFields & { final: boolean; error: ErrorDescription };
  /** A long reply continued in a follow-up message (info). */
  'reply-split': ConversationLogFields & { segmentIndex: number };
  /** A long reply was stopped at the size cap (info). */
  'reply-stopped': ConversationLogFields & { reason: 'too-long' };
  /** The error message could not be delivered to the user (error). */
  'error-message-failed': ConversationLogFields & { error: ErrorDescription };
  /**
   * The turn lock could not be extended (warn). When `regained` is false another instance took
   * the turn: this one finishes its reply and leaves the queue to the new holder.
   */
  'lock-lost': ConversationLogFields & {
    regained?: boolean | undefined;
    error?: ErrorDescription | undefined;
  };
  /**
   * A state call failed or timed out (warn). Nothing is dropped: the queued work resumes after
   * `resumeInMs` (when given), or the step is skipped as described by `operation`.
   */
  'state-failed': {
    platform: string;
    conversationId?: string | undefined;
    operation: string;
    resumeInMs?: number | undefined;
    error: ErrorDescription;
  };
  /**
   * A turn left by a crashed or closed instance was taken over (warn): its open reply was
   * finished with the shutdown notice (`finished-reply`), or its messages were answered
   * (`answered`).
   */
  'turn-recovered': ConversationLogFields & {
    action: 'finished-reply' | 'answered';
    replyId?: string | undefined;
    messageCount: number;
  };
  /** `close()` left a turn that had not started replying to state, for another instance (info). */
  'turn-handed-back': ConversationLogFields & { messageCount: number };
  /** A stop request was ignored: it named a reply of another conversation or user (warn). */
  'stop-ignored': ConversationLogFields & {
    replyId?: string | undefined;
    reason: 'other-conversation' | 'other-sender';
  };
  /** State, instructions or a message handler failed; the user got the error message (error). */
  'turn-failed': MessageLogFields & { error: ErrorDescription };
  /** The model called a tool and it answered (info). */
  'tool-called': MessageLogFields & { toolName: string; durationMs: number };
  /**
   * A tool call failed: unknown tool, invalid arguments, or the tool threw (`error`); the model
   * is told the call failed (warn).
   */
  'tool-failed': MessageLogFields & {
    toolName: string;
    durationMs: number;
    error?: ErrorDescription | undefined;
  };
  /** A lifecycle hook threw or rejected (warn). */
  'hook-failed': { hook: string; error: ErrorDescription };
  /** A message was posted with `bot.post` or a handler's `post` (info). */
  posted: ConversationLogFields & { replyId: string };
  /** A human took the conversation over: the bot stops answering it (info). */
  'handoff-started': ConversationLogFields & { durationMs: number };
  /** The handoff ended: the bot answers again (info). */
  'handoff-ended': ConversationLogFields;
  /** A message was not answered because the conversation is handed off (info). */
  'handed-off': MessageLogFields;
  /** Dedupe or queueing failed; the vendor is asked to redeliver (error). */
  'enqueue-failed': { platform: string; messageId: string; error: ErrorDescription };
  /** Work in the background failed unexpectedly (error). */
  'background-failed': { platform?: string | undefined; error: ErrorDescription };
  /** Subscribing to interrupts through the state adapter failed (error). */
  'subscribe-failed': { error: ErrorDescription };
  /**
   * A webhook was refused before any event was read: bad or missing signature, wrong app,
   * malformed or oversized body (warn).
   */
  'webhook-rejected': {
    platform: string;
    statusCode: number;
    reason: string;
    error: ErrorDescription;
  };
  /** The adapter failed on a webhook unexpectedly (error). */
  'webhook-failed': { platform: string; error: ErrorDescription };
  /** An adapter was created with `verifySignatures: false` (warn, once per adapter). */
  'signature-check-disabled': { platform: string };
  /** A server part (the LLM endpoint) was created with `allowUnauthenticated: true` (warn, once). */
  'auth-disabled': { platform: string };
}

/** Names of the events imbridge logs. */
export type LogEventName = keyof LogEventFields;

/**
 * One structured log entry: a typed union over {@link LogEventFields}, discriminated by `event`.
 *
 * @example
 * ```ts
 * const logger: Logger = {
 *   ...console,
 *   warn(message, entry) {
 *     if (entry.event === 'webhook-rejected') metrics.increment(`webhook.${entry.reason}`);
 *     console.warn(message, entry);
 *   },
 * };
 * ```
 */
export type LogEntry = {
  [Event in LogEventName]: { event: Event } & LogEventFields[Event];
}[LogEventName];
