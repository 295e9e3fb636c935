/**
 * Public types of the local Dify: its options, the answer hook, request and conversation
 * records, faults, and the handle {@link createLocalDify} returns.
 *
 * @module
 */
import type { createLocalDify } from './local-dify.ts';

/** The Dify app modes the local Dify can play (Dify's own `mode` names). */
export const LOCAL_DIFY_MODES = [
  'chat',
  'agent-chat',
  'advanced-chat',
  'completion',
  'workflow',
] as const;

/**
 * One of {@link LOCAL_DIFY_MODES}: `chat` (Chatbot), `agent-chat` (Agent), `advanced-chat`
 * (Chatflow), `completion` (Text generator) or `workflow` (Workflow).
 *
 * @example
 * ```ts
 * const mode: LocalDifyMode = 'advanced-chat'; // createDify({ app: 'chatflow' }) talks to it
 * ```
 */
export type LocalDifyMode = (typeof LOCAL_DIFY_MODES)[number];

/** The Service API routes the local Dify serves, relative to `baseUrl` (`…/v1`). */
export const LOCAL_DIFY_ROUTES = [
  '/chat-messages',
  '/chat-messages/:task_id/stop',
  '/completion-messages',
  '/completion-messages/:task_id/stop',
  '/workflows/run',
  '/workflows/tasks/:task_id/stop',
] as const;

/**
 * One of {@link LOCAL_DIFY_ROUTES}; `:task_id` stands for any task id.
 *
 * @example
 * ```ts
 * local.failNext('/chat-messages', { status: 500, code: 'internal_server_error', message: 'boom' });
 * ```
 */
export type LocalDifyRoute = (typeof LOCAL_DIFY_ROUTES)[number];

/**
 * What the {@link LocalDifyOptions.answer} hook is asked to answer: one run of the app.
 *
 * @example
 * ```ts
 * const answer = (request: LocalDifyAnswerRequest) => `turn ${request.turn}: ${request.query}`;
 * ```
 */
export interface LocalDifyAnswerRequest {
  /** The app mode. */
  mode: LocalDifyMode;
  /** The user's text: `query` for chat apps, `inputs.query` for text generators and workflows. */
  query: string;
  /**
   * The app's inputs. Chat apps keep the inputs of a conversation's first message and ignore
   * later ones, as Dify does.
   */
  inputs: Readonly<Record<string, unknown>>;
  /** Dify's `user`. */
  user: string;
  /** The conversation (chat apps; created by this request on a first turn), else `undefined`. */
  conversationId: string | undefined;
  /** 1-based number of this message in its conversation (1 for text generators and workflows). */
  turn: number;
  /** How the client asked to receive the answer. */
  responseMode: 'streaming' | 'blocking';
  /** Aborted when the task is stopped, the client goes away or the server closes. */
  signal: AbortSignal;
}

/**
 * An answer: a text (streamed word by word, `chunkDelayMs` apart), an async iterable (one
 * `message` event per item, paced by the iterable), or explicit chunks with their own pacing.
 *
 * @example
 * ```ts
 * const answer: LocalDifyAnswer = { chunks: ['Hel', 'lo'], delayMs: 20 };
 * ```
 */
export type LocalDifyAnswer =
  | string
  | AsyncIterable<string>
  | {
      /** The deltas, in order; each becomes one `message` event. */
      chunks: readonly string[];
      /** Pause before every chunk after the first, in milliseconds. @default chunkDelayMs */
      delayMs?: number | undefined;
    };

/**
 * Options of {@link createLocalDify}.
 *
 * @example
 * ```ts
 * const options: LocalDifyOptions = { mode: 'chat', apiKeys: ['app-test'], chunkDelayMs: 5 };
 * ```
 */
export interface LocalDifyOptions {
  /** API keys accepted in `Authorization: Bearer <key>`. @default ['app-local'] */
  apiKeys?: readonly string[] | undefined;
  /** Port to listen on (127.0.0.1 only). @default 0 (a free port) */
  port?: number | undefined;
  /** The mode of the app the keys belong to. @default 'advanced-chat' (a Chatflow) */
  mode?: LocalDifyMode | undefined;
  /**
   * Produces the answer of each run. A throw (or a rejected promise) answers Dify's
   * `internal_server_error` (HTTP 500 before the stream, an `error` event once it started).
   * @default echoes the query and the turn: `Dify heard "<query>" (turn 2 of conversation 1a2b3c4d)`
   */
  answer?:
    | ((request: LocalDifyAnswerRequest) => LocalDifyAnswer | Promise<LocalDifyAnswer>)
    | undefined;
  /** Pause between two words of a text answer, in milliseconds. @default 0 */
  chunkDelayMs?: number | undefined;
  /** Interval of the `event: ping` keep-alive lines of a stream, in milliseconds. @default 10000 */
  pingIntervalMs?: number | undefined;
  /** Clock in milliseconds since the epoch (`created_at`, records). @default Date.now */
  now?: (() => number) | undefined;
}

/**
 * One request the local Dify received, as it answered it.
 *
 * @example
 * ```ts
 * const [first] = local.requests;
 * console.log(first?.path, first?.status, first?.conversationId, first?.answer);
 * ```
 */
export interface LocalDifyRequestRecord {
  /** HTTP method. */
  method: string;
  /** Path as received, e.g. `/v1/chat-messages`. */
  path: string;
  /** The route it matched, or `undefined` for an unknown path. */
  route: LocalDifyRoute | undefined;
  /** The JSON body; its text when it is not JSON; `undefined` when empty. */
  body: unknown;
  /** The body's `user`, when it is a string. */
  user: string | undefined;
  /**
   * The conversation: the `conversation_id` sent, else the one this request created (chat apps).
   */
  conversationId: string | undefined;
  /** The task this run started, or the task a stop call names. */
  taskId: string | undefined;
  /** When it arrived, in milliseconds since the epoch. */
  atMs: number;
  /**
   * HTTP status answered (200 for a stream, even one that ends with an `error` event);
   * `undefined` while pending or when the connection was reset without an answer.
   */
  status: number | undefined;
  /** Dify's error `code` answered, in an error body or a stream `error` event. */
  errorCode: string | undefined;
  /** The answer text sent so far (runs only; partial when stopped or failed mid-stream). */
  answer: string | undefined;
  /** True when a stop call (or the client going away) ended the run early. */
  stopped: boolean;
}

/**
 * A conversation of a chat app, as the local Dify keeps it.
 *
 * @example
 * ```ts
 * const conversation = local.conversations.find((item) => item.user === 'alice');
 * console.log(conversation?.messageCount); // 2 after two turns
 * ```
 */
export interface LocalDifyConversation {
  /** `conversation_id` (a UUID). */
  id: string;
  /** The `user` it belongs to; another user's request for it answers 404. */
  user: string;
  /** The inputs of its first message (Dify ignores later ones). */
  inputs: Readonly<Record<string, unknown>>;
  /** When it was created, in milliseconds since the epoch. */
  createdAtMs: number;
  /** Messages run in it, the failed and stopped ones included. */
  messageCount: number;
  /**
   * `normal`; `deleted` (requests answer 404 `not_found`) or `completed` (400
   * `conversation_completed`), see {@link LocalDify.expireConversation}.
   */
  status: 'normal' | 'deleted' | 'completed';
}

/**
 * A failure {@link LocalDify.failNext} injects into the next requests of a route, after the API
 * key check:
 * - `{ status, code, message }` answers Dify's error body `{ code, message, status }`;
 * - `{ midStream: true }` starts the answer, then fails after `afterChunks` deltas with an `error`
 *   event on HTTP 200 (chatflows and workflows first report `workflow_finished` with status
 *   `failed`); a blocking call answers the error as an HTTP error instead (a workflow: 200 with
 *   `data.status: 'failed'`);
 * - `{ reset: true }` closes the connection without an answer.
 *
 * @example
 * ```ts
 * local.failNext('/chat-messages', { midStream: true, afterChunks: 2 });
 * local.failNext('/chat-messages', { status: 429, code: 'too_many_requests', message: 'busy' }, 3);
 * ```
 */
export type LocalDifyFault =
  | {
      /** HTTP status. */
      status: number;
      /** Dify's error code, e.g. `internal_server_error`, `too_many_requests`. */
      code: string;
      /** Error message. */
      message: string;
    }
  | {
      /** Fail after the stream started. */
      midStream: true;
      /** Deltas sent before the failure. @default 1 */
      afterChunks?: number | undefined;
      /** The error event's `status`. @default 400 */
      status?: number | undefined;
      /** The error event's `code`. @default 'completion_request_error' */
      code?: string | undefined;
      /** The error event's `message`. @default '[local-dify] Error: injected mid-stream failure' */
      message?: string | undefined;
    }
  | {
      /** Close the connection without an answer. */
      reset: true;
    };

/**
 * A running local Dify, from {@link createLocalDify}.
 *
 * @example
 * ```ts
 * const local = await createLocalDify({ mode: 'chat' });
 * const model = createDify({ apiKey: 'app-local', app: 'chat', baseUrl: local.baseUrl });
 * // … drive the model …
 * console.log(local.requests.length, local.conversations);
 * await local.close();
 * ```
 */
export interface LocalDify {
  /** The Service API base URL, `http://127.0.0.1:PORT/v1`: pass it as the model's `baseUrl`. */
  readonly baseUrl: string;
  /** The app mode played. */
  readonly mode: LocalDifyMode;
  /** Every request received, oldest first (a copy). */
  readonly requests: LocalDifyRequestRecord[];
  /** Every conversation, oldest first (a copy). */
  readonly conversations: LocalDifyConversation[];
  /**
   * Makes the next `times` requests of `route` fail with `fault` (queued faults apply in order).
   * @param times - requests it applies to. @default 1
   * @throws {ValidationError} for a fault that makes no sense (a bad status, a mid-stream failure
   * of a stop route, `times` not a positive integer).
   */
  failNext(route: LocalDifyRoute, fault: LocalDifyFault, times?: number): void;
  /**
   * Ends a conversation as Dify does: `deleted` (the default) makes requests for it answer 404
   * `not_found` "Conversation Not Exists.", like an unknown or deleted conversation;
   * `completed` makes them answer 400 `conversation_completed`.
   * @throws {Error} when no conversation has this id.
   */
  expireConversation(id: string, how?: 'deleted' | 'completed'): void;
  /** Stops listening, ends running streams and drops open connections. Idempotent. */
  close(): Promise<void>;
}
