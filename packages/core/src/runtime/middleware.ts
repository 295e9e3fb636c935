import type { ChatAdapter, InboundMessage, PostResult, ReplyTarget } from '../spec/chat-adapter.ts';
import type { LanguageModel, ModelEvent, ModelMessage } from '../spec/language-model.ts';
import type { StateAdapter } from '../spec/state-adapter.ts';

/**
 * What a handler can reply with: a whole text, text chunks as they come (`AsyncIterable<string>`)
 * or a model's event stream (`model.stream(...)`). All go through the same pacing, size limits,
 * interrupt and error path as the model's answer.
 */
export type ReplyContent = string | AsyncIterable<string> | AsyncIterable<ModelEvent>;

/** How a reply sent by a handler ended. */
export interface ReplySummary {
  /** `complete`; `interrupted` (the user pressed Stop, a newer message, shutdown); `error`. */
  reason: 'complete' | 'interrupted' | 'error';
  /** The text shown. */
  text: string;
  /** The platform id of the reply message, when one was shown. */
  replyId: string | undefined;
}

/** Options of {@link MessageContext.answer}. */
export interface AnswerOptions {
  /** Instructions for this answer instead of the bot's. */
  instructions?: string | undefined;
  /** The conversation to send instead of {@link MessageContext.history}. */
  messages?: ReadonlyArray<ModelMessage> | undefined;
  /** Another model for this answer (the bot's tools are offered when it is `v2`). */
  model?: LanguageModel | undefined;
}

/** Options of {@link MessageContext.handoff} and `bot.handoff`. */
export interface HandoffOptions {
  /** How long the bot stays quiet in the conversation, in milliseconds. @default 1_800_000 (30 min) */
  durationMs?: number | undefined;
  /** An aborted signal refuses the call (checked before the state write, which takes no signal). */
  signal?: AbortSignal | undefined;
}

/**
 * Everything a handler needs to answer one message. Created per turn, after the message was
 * added to the conversation's history.
 *
 * @typeParam Raw - the platform payload type of `message.raw` (see {@link MessageContext.from}).
 */
export interface MessageContext<Raw = unknown> {
  /** The message being answered (the newest, when several were batched). */
  readonly message: InboundMessage<Raw>;
  /** The adapter the message came through. */
  readonly adapter: ChatAdapter<Raw>;
  /** The adapter's platform id. */
  readonly platform: string;
  /** The conversation. */
  readonly conversationId: string;
  /** Where replies and posts go. */
  readonly target: ReplyTarget;
  /** The conversation so far, oldest first, ending with this message (only it with `history: false`). */
  readonly history: ReadonlyArray<ModelMessage>;
  /** Fires when the turn is interrupted (Stop, a newer message, shutdown). */
  readonly signal: AbortSignal;
  /** True while a human has taken the conversation over ({@link MessageContext.handoff}). */
  readonly handedOff: boolean;
  /** The bot's state (for a handler's own keys; prefix them). */
  readonly state: StateAdapter;
  /**
   * This context with `message.raw` typed as the adapter's payload when the message came
   * through `adapter`, else `undefined`.
   *
   * @example
   * ```ts
   * const tencent = ctx.from(tencentAdapter);
   * if (tencent) console.log(tencent.message.raw?.From_Account);
   * ```
   */
  from<R>(adapter: ChatAdapter<R>): MessageContext<R> | undefined;
  /** Streams a reply (a new message); recorded in history. */
  reply(content: ReplyContent): Promise<ReplySummary>;
  /** The default answer: the bot's model, with its tools, over the history. */
  answer(options?: AnswerOptions): Promise<ReplySummary>;
  /** Sends a plain message at once (no streaming), within the rate budget; recorded in history. */
  post(text: string): Promise<PostResult>;
  /** Stops the bot answering this conversation for a while (a human took over). */
  handoff(options?: HandoffOptions): Promise<void>;
  /** Ends a handoff: the bot answers again from the next message. */
  resume(): Promise<void>;
}

/**
 * A message handler. Call `next()` to run the following handlers and finally the default answer
 * (the model, unless the conversation is handed off); return without calling it to answer
 * yourself (short-circuit); run code after `await next()` to wrap the answer.
 *
 * @example
 * ```ts
 * const timing: Middleware = async (ctx, next) => {
 *   const startedAtMs = Date.now();
 *   await next();
 *   metrics.timing('bot.turn', Date.now() - startedAtMs);
 * };
 * ```
 */
export type Middleware = (context: MessageContext, next: () => Promise<void>) => unknown;

/** Runs the handlers in order, then `last`. A handler calling `next()` twice gets an error. */
export function runMiddleware(
  middleware: readonly Middleware[],
  context: MessageContext,
  last: () => Promise<void>,
): Promise<void> {
  const dispatch = async (index: number, calledFrom: { called: boolean }): Promise<void> => {
    if (calledFrom.called) throw new Error('next() was called twice by one handler');
    calledFrom.called = true;
    const handler = middleware[index];
    if (handler === undefined) return last();
    const guard = { called: false };
    await handler(context, () => dispatch(index + 1, guard));
  };
  return dispatch(0, { called: false });
}

/** A command's handler: the context and the text after the command name (trimmed). */
export type CommandHandler = (context: MessageContext, args: string) => unknown;

/** Options of {@link commands}. */
export interface CommandsOptions {
  /** What starts a command. @default '/' */
  prefix?: string | undefined;
  /** Match names ignoring case. @default true */
  ignoreCase?: boolean | undefined;
  /**
   * A message that looks like a command but names none of them: by default it goes on to the
   * next handler (the model answers it); set a handler to answer it here.
   */
  onUnknown?: CommandHandler | undefined;
}

/**
 * `/help`-style commands as a middleware: a message starting with the prefix and a command name
 * (followed by a space or the end) runs that command instead of the model.
 *
 * @example
 * ```ts
 * bot.use(commands({
 *   help: (ctx) => ctx.reply('Ask me anything, or /human for a person.'),
 *   human: (ctx) => ctx.handoff({ durationMs: 3_600_000 }),
 * }));
 * ```
 */
export function commands(
  handlers: Readonly<Record<string, CommandHandler>>,
  options: CommandsOptions = {},
): Middleware {
  const prefix = options.prefix ?? '/';
  const ignoreCase = options.ignoreCase ?? true;
  const byName = new Map<string, CommandHandler>();
  for (const [name, handler] of Object.entries(handlers)) {
    if (typeof handler !== 'function' || name.length === 0 || /\s/.test(name)) {
      throw new TypeError(
        `commands: ${JSON.stringify(name)} must be a name without spaces with a function`,
      );
    }
    byName.set(ignoreCase ? name.toLowerCase() : name, handler);
  }
  return async (context, next) => {
    const text = context.message.text.trimStart();
    if (!text.startsWith(prefix)) return next();
    const rest = text.slice(prefix.length);
    const end = rest.search(/\s/);
    const name = end === -1 ? rest : rest.slice(0, end);
    const args = end === -1 ? '' : rest.slice(end).trim();
    const handler = byName.get(ignoreCase ? name.toLowerCase() : name);
    if (handler !== undefined) return handler(context, args);
    if (options.onUnknown !== undefined) return options.onUnknown(context, args);
    return next();
  };
}
