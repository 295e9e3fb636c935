import type { JsonValue } from './language-model.ts';

/**
 * Where a reply goes: one conversation on one platform.
 */
export interface ReplyTarget {
  /**
   * Stable id of the conversation, unique within the adapter. History, locks and queues are keyed
   * by it (e.g. `c2c:@RBT#1:alice`, `group:@TGS#123`).
   */
  conversationId: string;
  /** One-to-one chat or group chat. */
  type: 'direct' | 'group';
  /** The user the reply answers. */
  userId: string;
  /** The group, for group chats. */
  groupId?: string | undefined;
  /** The bot account that speaks (e.g. a Tencent `@RBT#` robot). */
  botId?: string | undefined;
  /** Platform-specific routing data (string values only, so the target stays serialisable). */
  extra?: Readonly<Record<string, string>> | undefined;
}

/** Who sent an inbound message. */
export interface MessageSender {
  /** Platform user id. */
  id: string;
  /** Display name, when the platform sends one. */
  name?: string | undefined;
  /** True for bots and robot accounts: the runtime never answers them (no bot-to-bot loops). */
  isBot: boolean;
}

/**
 * A chat message, normalised.
 *
 * @typeParam Raw - the platform payload's type (each adapter declares its own).
 */
export interface InboundMessage<Raw = unknown> {
  /** The platform's id of this message; deliveries of the same message share it. */
  id: string;
  /** Where to answer. */
  target: ReplyTarget;
  /** Who sent it. */
  sender: MessageSender;
  /** Plain text (mentions stripped where the platform marks them). */
  text: string;
  /** True when the message addresses the bot (always true in direct chats). */
  mentionsBot: boolean;
  /** When it was sent, in milliseconds since the epoch, if known. */
  sentAtMs?: number | undefined;
  /** The platform payload, for handlers that need more. */
  raw?: Raw | undefined;
}

/** A user sent a message. */
export interface MessageInboundEvent<Raw = unknown> {
  /** Discriminant. */
  type: 'message';
  /** The message. */
  message: InboundMessage<Raw>;
}

/** A user asked to stop a reply that is streaming. */
export interface InterruptInboundEvent {
  /** Discriminant. */
  type: 'interrupt';
  /** The conversation. */
  target: ReplyTarget;
  /** The {@link ReplySink.id} of the reply to stop; when absent, the conversation's running reply. */
  replyId?: string | undefined;
  /** Who asked. */
  sender?: MessageSender | undefined;
  /** The platform's id of the interrupt message, if it has one. */
  id?: string | undefined;
}

/** Something arrived that the bot does not act on (unknown command, own message...). */
export interface IgnoredInboundEvent {
  /** Discriminant. */
  type: 'ignored';
  /** Why it is ignored, e.g. `'unknown-command:Group.CallbackAfterNewMemberJoin'`. */
  reason: string;
  /** The platform payload. */
  raw?: unknown | undefined;
}

/** Everything an adapter can report from a webhook. */
export type InboundEvent<Raw = unknown> =
  | MessageInboundEvent<Raw>
  | InterruptInboundEvent
  | IgnoredInboundEvent;

/** What {@link ChatAdapter.receive} returns. */
export interface ReceiveResult<Raw = unknown> {
  /** The answer for the vendor (sent at once; the reply continues in the background). */
  response: Response;
  /** What the request carried (empty when it was rejected). */
  events: InboundEvent<Raw>[];
}

/** Platform limits the runtime paces and splits replies by. */
export interface AdapterLimits {
  /** Largest reply text one message can hold, in UTF-8 bytes. */
  maxMessageBytes: number;
  /** Minimum time between two updates of one reply, in milliseconds. */
  minUpdateIntervalMs: number;
  /**
   * App-wide API calls per second shared by all replies (e.g. Tencent's 200/s): the calls that
   * change a reply message (updates, the final call), and the opening ones too unless
   * `openCallsPerSecond` gives those their own budget.
   */
  callsPerSecond: number;
  /** Burst size of the app-wide token bucket. @default callsPerSecond */
  burst?: number | undefined;
  /**
   * App-wide calls per second for the call that opens a reply message, when the platform counts
   * it under another API than the updates (Tencent: `sendmsg` 200/s, `modify_c2c_msg` 200/s).
   * Left out: opening calls share `callsPerSecond`'s bucket.
   */
  openCallsPerSecond?: number | undefined;
  /** Burst size of the opening calls' bucket. @default openCallsPerSecond */
  openBurst?: number | undefined;
}

/** Why a reply ended. */
export type ReplyFinishReason = 'complete' | 'interrupted' | 'error';

/** Options of {@link ReplySink.finish}. */
export interface ReplyFinishOptions {
  /** Why the reply ended. */
  reason: ReplyFinishReason;
  /** Cancels the platform call. */
  signal?: AbortSignal | undefined;
}

/** Options of {@link ReplySink.update}. */
export interface ReplyUpdateOptions {
  /** Cancels the platform call. */
  signal?: AbortSignal | undefined;
}

/**
 * One streamed answer on the platform. The sink owns the platform mechanics (native stream
 * message, or send-then-modify with cumulative text); the runtime owns pacing and never calls
 * `update` concurrently.
 */
export interface ReplySink {
  /** The platform id of the reply (known after the first update); interrupts name it. */
  readonly id: string | undefined;
  /** Shows the whole text so far. */
  update(textSoFar: string, options?: ReplyUpdateOptions): Promise<void>;
  /** Shows the final text and marks the reply finished. Called once. */
  finish(finalText: string, options: ReplyFinishOptions): Promise<void>;
  /**
   * What another process needs to finish this reply ({@link ChatAdapter.resumeReply}): ids and
   * protocol state, JSON-serialisable, no secrets. `undefined` before the first update was
   * delivered. The runtime stores it in the turn record after every delivered update, so a reply
   * whose instance crashed is finished by the next one (decision 0011).
   */
  snapshot?(): JsonValue | undefined;
}

/** Options of {@link ChatAdapter.openReply}. */
export interface OpenReplyOptions {
  /** The message being answered. */
  replyTo?: InboundMessage | undefined;
  /** Cancels the platform calls of this reply. */
  signal?: AbortSignal | undefined;
}

/** Options of {@link ChatAdapter.post} and {@link ChatAdapter.postError}. */
export interface PostOptions {
  /** Cancels the platform call. */
  signal?: AbortSignal | undefined;
}

/** What {@link ChatAdapter.post} returns. */
export interface PostResult {
  /** The platform id of the new message. */
  id: string;
}

/**
 * One IM platform: webhooks in, replies out. Implemented by `@imbridge/tencent-chat`,
 * `@imbridge/rongcloud`, and the in-memory adapter of `@imbridge/core/testing`.
 *
 * Adapters report platform failures as `IMBridgeError`s; a rate limit is an `APICallError` of
 * kind `rate-limit` (with `retryAfterMs` when the platform says), which the pacer backs off on.
 *
 * @typeParam Raw - the type of {@link InboundMessage.raw} this adapter produces.
 */
export interface ChatAdapter<Raw = unknown> {
  /** Platform id, e.g. `'tencent-chat'`. */
  readonly platform: string;
  /** Pacing and size limits. */
  readonly limits: AdapterLimits;
  /**
   * Verifies the signature, validates and normalises the payload, and builds the vendor's
   * acknowledgement. Never throws for bad input: a rejected request gets a 4xx `response` and no
   * events.
   */
  receive(request: Request): Promise<ReceiveResult<Raw>>;
  /** Sends a plain message. */
  post(target: ReplyTarget, text: string, options?: PostOptions): Promise<PostResult>;
  /** Starts a streamed reply. Platform calls may wait for the first `update`. */
  openReply(target: ReplyTarget, options?: OpenReplyOptions): Promise<ReplySink>;
  /** Sends a short error message (Tencent `src: 23`). */
  postError(target: ReplyTarget, message: string, options?: PostOptions): Promise<void>;
  /**
   * Rebuilds the sink of a reply another process opened, from its {@link ReplySink.snapshot}, so
   * it can be finished. Adapters without it get the shutdown notice posted as a new message
   * instead (the old message cannot be finished).
   */
  resumeReply?(target: ReplyTarget, snapshot: JsonValue, options?: PostOptions): Promise<ReplySink>;
}
