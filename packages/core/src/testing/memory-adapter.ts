import { AbortedError, APICallError } from '../errors/errors.ts';
import type {
  AdapterLimits,
  ChatAdapter,
  InboundEvent,
  OpenReplyOptions,
  PostOptions,
  PostResult,
  ReceiveResult,
  ReplyFinishOptions,
  ReplyFinishReason,
  ReplySink,
  ReplyTarget,
} from '../spec/chat-adapter.ts';
import type { JsonValue } from '../spec/language-model.ts';

/** What kind of platform message a {@link MemoryChatMessage} is. */
export type MemoryMessageKind = 'reply' | 'post' | 'error';

/** One message as a chat client sees it. */
export interface MemoryChatMessage {
  /** Platform id (`msg-1`, ...). */
  id: string;
  /** Conversation it is in. */
  conversationId: string;
  /** Streamed reply, plain post, or error message. */
  kind: MemoryMessageKind;
  /** Current text. */
  text: string;
  /** Every text the client was shown, in order (first send, updates, final). */
  versions: string[];
  /** True once the reply is marked finished (posts and errors are born finished). */
  finished: boolean;
  /** Why a reply finished. */
  finishReason?: ReplyFinishReason;
  /** When each version arrived, in milliseconds since the epoch. */
  versionTimesMs: number[];
}

/** A change a chat client would be notified of. */
export interface MemoryChatChange {
  /** `created`: a new message appeared; `updated`: its text changed; `finished`: it is final. */
  type: 'created' | 'updated' | 'finished';
  /** The message after the change. */
  message: Readonly<MemoryChatMessage>;
}

/** Platform operations a fault can be injected into. */
export type MemoryOperation = 'open' | 'update' | 'finish' | 'post' | 'postError';

/** Options of {@link createMemoryAdapter}. */
export interface MemoryAdapterOptions {
  /** Platform id. @default 'memory' */
  platform?: string | undefined;
  /** Limits. @default { maxMessageBytes: 12_000, minUpdateIntervalMs: 200, callsPerSecond: 200 } */
  limits?: Partial<AdapterLimits> | undefined;
  /** The bot's user id (messages from it are reported as bot messages). @default 'bot' */
  botId?: string | undefined;
  /** When set, webhooks must carry this value in `x-memory-token` (forged ones get 401). */
  token?: string | undefined;
  /** Latency of every platform call, in milliseconds (makes overlapping calls observable). @default 0 */
  latencyMs?: number | undefined;
}

/** Body of a webhook the memory adapter understands (what a simulated client sends). */
export type MemoryWebhookBody =
  | {
      /** A user message. */
      type: 'message';
      /** Platform message id (deliveries of the same message share it). */
      id: string;
      /** Sender. */
      userId: string;
      /** Text. */
      text: string;
      /** Group id, for a group message. */
      groupId?: string | undefined;
      /** Whether a group message @-mentions the bot. @default false */
      mentionsBot?: boolean | undefined;
      /** Whether the sender is a bot. @default false */
      isBot?: boolean | undefined;
    }
  | {
      /** The user pressed stop. */
      type: 'interrupt';
      /** Sender. */
      userId: string;
      /** Group id, for a group conversation. */
      groupId?: string | undefined;
      /** The reply to stop (`msg-N`); when absent, the conversation's running reply. */
      replyId?: string | undefined;
    };

/** The in-memory chat platform of `@imbridge/core/testing`. */
export interface MemoryAdapter extends ChatAdapter {
  /** Every message, in creation order. */
  readonly messages: ReadonlyArray<MemoryChatMessage>;
  /** Messages of one conversation, in creation order. */
  conversation(conversationId: string): MemoryChatMessage[];
  /** Largest number of calls seen in flight at once for one reply (the pacer keeps it at 1). */
  readonly maxConcurrentCallsPerReply: number;
  /** Total platform calls (open excluded). */
  readonly callCount: number;
  /** Calls made per operation, failed ones included (tests count retries with it). */
  readonly operationCounts: Readonly<Record<MemoryOperation, number>>;
  /** Listens to what a client would be notified of; returns an unsubscribe function. */
  onChange(listener: (change: MemoryChatChange) => void): () => void;
  /** Makes the next `times` calls of `operation` fail with `error`. */
  failNext(operation: MemoryOperation, error: unknown, times?: number): void;
  /** Builds a webhook request (with the token, when one is configured). */
  request(body: MemoryWebhookBody | string, options?: { token?: string }): Request;
  /** The conversation id the adapter derives for a user (and group). */
  conversationIdFor(input: { userId: string; groupId?: string }): string;
}

/** A rate-limit error as a platform would report it. */
export function memoryRateLimitError(retryAfterMs?: number): APICallError {
  return new APICallError({
    message: 'Rate limit exceeded',
    provider: 'memory',
    kind: 'rate-limit',
    statusCode: 429,
    retryAfterMs,
  });
}

const encoder = new TextEncoder();

function constantTimeEqual(left: string, right: string): boolean {
  const a = encoder.encode(left);
  const b = encoder.encode(right);
  let difference = a.length ^ b.length;
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  }
  return difference === 0;
}

function json(status: number, body: Record<string, unknown>): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_BODY_BYTES = 64 * 1024;

/**
 * An in-memory chat platform that records what a chat client would see: messages appearing,
 * growing through updates and being marked finished. It implements {@link ChatAdapter} with
 * the same semantics as the vendor adapters (reply id known after the first update, rate-limit
 * errors as `APICallError` of kind `rate-limit`), so bots can be tested without a vendor.
 *
 * @example
 * ```ts
 * const adapter = createMemoryAdapter();
 * const handler = bot.webhook(adapter);
 * await handler(adapter.request({ type: 'message', id: 'm1', userId: 'alice', text: 'Hi' }));
 * await bot.idle();
 * console.log(adapter.conversation(adapter.conversationIdFor({ userId: 'alice' })));
 * ```
 */
export function createMemoryAdapter(options: MemoryAdapterOptions = {}): MemoryAdapter {
  const platform = options.platform ?? 'memory';
  const botId = options.botId ?? 'bot';
  const latencyMs = options.latencyMs ?? 0;
  const limits: AdapterLimits = {
    maxMessageBytes: options.limits?.maxMessageBytes ?? 12_000,
    minUpdateIntervalMs: options.limits?.minUpdateIntervalMs ?? 200,
    callsPerSecond: options.limits?.callsPerSecond ?? 200,
    burst: options.limits?.burst,
  };
  const messages: MemoryChatMessage[] = [];
  const listeners = new Set<(change: MemoryChatChange) => void>();
  const faults = new Map<MemoryOperation, { error: unknown; times: number }>();
  let nextId = 1;
  let maxConcurrent = 0;
  let calls = 0;
  const operationCounts: Record<MemoryOperation, number> = {
    open: 0,
    update: 0,
    finish: 0,
    post: 0,
    postError: 0,
  };

  const conversationIdFor = (input: { userId: string; groupId?: string }): string =>
    input.groupId !== undefined ? `group:${input.groupId}` : `direct:${input.userId}`;

  const emit = (type: MemoryChatChange['type'], message: MemoryChatMessage): void => {
    const snapshot: MemoryChatMessage = { ...message, versions: [...message.versions] };
    for (const listener of listeners) listener({ type, message: snapshot });
  };

  const call = async (
    operation: MemoryOperation,
    signal: AbortSignal | undefined,
  ): Promise<void> => {
    operationCounts[operation] += 1;
    if (signal?.aborted) throw new AbortedError({ message: 'Platform call aborted' });
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const fault = faults.get(operation);
    if (fault !== undefined && fault.times > 0) {
      fault.times -= 1;
      if (fault.times === 0) faults.delete(operation);
      throw fault.error;
    }
  };

  const create = (
    target: ReplyTarget,
    kind: MemoryMessageKind,
    text: string,
    finished: boolean,
  ) => {
    const message: MemoryChatMessage = {
      id: `msg-${nextId++}`,
      conversationId: target.conversationId,
      kind,
      text,
      versions: [text],
      versionTimesMs: [Date.now()],
      finished,
    };
    messages.push(message);
    emit('created', message);
    return message;
  };

  const receive = async (request: Request): Promise<ReceiveResult> => {
    if (options.token !== undefined) {
      const token = request.headers.get('x-memory-token');
      if (token === null || !constantTimeEqual(token, options.token)) {
        return { response: json(401, { error: 'invalid token' }), events: [] };
      }
    }
    let body: unknown;
    try {
      const text = await request.text();
      if (encoder.encode(text).length > MAX_BODY_BYTES) {
        return { response: json(413, { error: 'body too large' }), events: [] };
      }
      body = JSON.parse(text);
    } catch {
      return { response: json(400, { error: 'body is not JSON' }), events: [] };
    }
    if (!isRecord(body) || typeof body.userId !== 'string' || body.userId.length === 0) {
      return { response: json(400, { error: 'userId is required' }), events: [] };
    }
    const groupId = typeof body.groupId === 'string' ? body.groupId : undefined;
    const target: ReplyTarget = {
      conversationId: conversationIdFor({ userId: body.userId, ...(groupId ? { groupId } : {}) }),
      type: groupId !== undefined ? 'group' : 'direct',
      userId: body.userId,
      botId,
      ...(groupId !== undefined ? { groupId } : {}),
    };
    const events: InboundEvent[] = [];
    if (body.type === 'message') {
      if (typeof body.id !== 'string' || typeof body.text !== 'string' || body.id.length === 0) {
        return { response: json(400, { error: 'id and text are required' }), events: [] };
      }
      events.push({
        type: 'message',
        message: {
          id: body.id,
          target,
          sender: { id: body.userId, isBot: body.isBot === true || body.userId === botId },
          text: body.text,
          mentionsBot: groupId === undefined || body.mentionsBot === true,
          sentAtMs: Date.now(),
          raw: body,
        },
      });
    } else if (body.type === 'interrupt') {
      events.push({
        type: 'interrupt',
        target,
        sender: { id: body.userId, isBot: false },
        ...(typeof body.replyId === 'string' ? { replyId: body.replyId } : {}),
      });
    } else {
      events.push({ type: 'ignored', reason: `unknown-type:${String(body.type)}`, raw: body });
    }
    return { response: json(200, { ok: true }), events };
  };

  /** A reply sink on a new message, or on an existing one (a resumed reply). */
  const sinkFor = (target: ReplyTarget, existing: MemoryChatMessage | undefined): ReplySink => {
    let record = existing;
    let inFlight = 0;
    let finished = existing?.finished ?? false;
    /**
     * One platform call. Like a vendor, the platform applies the change even when the caller
     * stops waiting (its signal fired during the latency): the message exists, but the caller
     * gets an `AbortedError` and does not learn its id.
     */
    const track = async (
      operation: MemoryOperation,
      signal: AbortSignal | undefined,
      apply: () => MemoryChatMessage,
    ) => {
      calls += 1;
      inFlight += 1;
      maxConcurrent = Math.max(maxConcurrent, inFlight);
      try {
        await call(operation, signal);
        const applied = apply();
        if (signal?.aborted) throw new AbortedError({ message: 'Platform call aborted' });
        record = applied;
      } finally {
        inFlight -= 1;
      }
    };
    const show = (text: string, done: boolean, reason?: ReplyFinishReason): MemoryChatMessage => {
      if (record === undefined) {
        const created = create(target, 'reply', text, done);
        if (reason !== undefined) created.finishReason = reason;
        if (done) emit('finished', created);
        return created;
      }
      if (record.text !== text) {
        record.text = text;
        record.versions.push(text);
        record.versionTimesMs.push(Date.now());
        if (!done) emit('updated', record);
      }
      if (done) {
        record.finished = true;
        if (reason !== undefined) record.finishReason = reason;
        emit('finished', record);
      }
      return record;
    };
    return {
      get id() {
        return record?.id;
      },
      async update(textSoFar, updateOptions) {
        if (finished) throw new Error('update after finish');
        await track('update', updateOptions?.signal, () => show(textSoFar, false));
      },
      async finish(finalText, finishOptions: ReplyFinishOptions) {
        if (finished) throw new Error('finish called twice');
        await track('finish', finishOptions.signal, () => {
          finished = true;
          return show(finalText, true, finishOptions.reason);
        });
      },
      snapshot() {
        return record === undefined ? undefined : { messageId: record.id };
      },
    };
  };

  const adapter: MemoryAdapter = {
    platform,
    limits,
    get messages() {
      return messages;
    },
    get maxConcurrentCallsPerReply() {
      return maxConcurrent;
    },
    get callCount() {
      return calls;
    },
    operationCounts,
    conversation(conversationId) {
      return messages.filter((message) => message.conversationId === conversationId);
    },
    conversationIdFor,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    failNext(operation, error, times = 1) {
      faults.set(operation, { error, times });
    },
    request(body, requestOptions) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const token = requestOptions?.token ?? options.token;
      if (token !== undefined) headers['x-memory-token'] = token;
      return new Request('http://memory.local/webhook', {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
    receive,

    async post(target: ReplyTarget, text: string, postOptions?: PostOptions): Promise<PostResult> {
      calls += 1;
      await call('post', postOptions?.signal);
      return { id: create(target, 'post', text, true).id };
    },

    async postError(target: ReplyTarget, text: string, postOptions?: PostOptions): Promise<void> {
      calls += 1;
      await call('postError', postOptions?.signal);
      create(target, 'error', text, true);
    },

    async openReply(target: ReplyTarget, openOptions?: OpenReplyOptions): Promise<ReplySink> {
      await call('open', openOptions?.signal);
      return sinkFor(target, undefined);
    },

    async resumeReply(
      target: ReplyTarget,
      snapshot: JsonValue,
      resumeOptions?: PostOptions,
    ): Promise<ReplySink> {
      await call('open', resumeOptions?.signal);
      const messageId = isRecord(snapshot) ? snapshot.messageId : undefined;
      const existing = messages.find((message) => message.id === messageId);
      if (existing === undefined) {
        throw new APICallError({
          message: `Message ${String(messageId)} does not exist`,
          provider: 'memory',
          kind: 'not-found',
          retryable: false,
        });
      }
      return sinkFor(target, existing);
    },
  };
  return adapter;
}
