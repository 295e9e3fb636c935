import {
  APICallError,
  type FinishEvent,
  IMBridgeError,
  type JsonValue,
  type LanguageModel,
  type ModelEvent,
  type ModelMessage,
  type ModelRequest,
  type ModelUsage,
  ValidationError,
} from '@imbridge/core';
import {
  type ModelConnectionOptions,
  postJson,
  type ResolvedTimeouts,
  redact,
  resolveTimeouts,
  toModelError,
} from '../shared/http.ts';
import { type AttemptOutput, withRetriesBeforeFirstToken } from '../shared/retry.ts';
import { readServerSentEventBatches, type SSEEvent } from '../shared/sse.ts';
import {
  classifyDifyError,
  DIFY_PROVIDER,
  isConversationResetError,
  mapUsage,
  parseWireRecord,
  pickWorkflowOutput,
  readNumber,
  readRecord,
  readString,
  streamErrorToAPICallError,
  type WireRecord,
  withDifyRetryable,
} from './dify-wire.ts';

/** The Dify app types {@link createDify} can talk to. */
export const DIFY_APPS = ['chat', 'agent', 'chatflow', 'completion', 'workflow'] as const;

/**
 * One of {@link DIFY_APPS}: `chat` (Chatbot), `agent` (Agent), `chatflow` (Chatflow, a.k.a.
 * advanced chat), `completion` (Text generator) or `workflow` (Workflow).
 */
export type DifyApp = (typeof DIFY_APPS)[number];

/** How Dify delivers the answer: server-sent events, or one JSON body at the end. */
export type DifyResponseMode = 'streaming' | 'blocking';

/**
 * What a Dify model returns as `providerState` (chat, agent and chatflow apps): the Dify
 * conversation to continue next turn. Pass it back unchanged as `ModelRequest.providerState`.
 */
export interface DifyProviderState {
  /** Dify's `conversation_id`. */
  conversationId: string;
}

/** Options of {@link createDify}. */
export interface DifyOptions extends ModelConnectionOptions {
  /**
   * The app's API key (`app-…`), or a function returning it (read once per HTTP attempt). It
   * never appears in errors.
   */
  apiKey: string | (() => string | Promise<string>);
  /** Which kind of Dify app the key belongs to; decides the endpoint and the events read. */
  app: DifyApp;
  /**
   * The Service API base URL; self-hosted Dify: `https://your-host/v1`.
   * @default 'https://api.dify.ai/v1'
   */
  baseUrl?: string;
  /**
   * `streaming` yields text as it is generated; `blocking` waits for the whole answer (Dify
   * Cloud cuts blocking calls after about 100 s). Agent apps are streaming-only.
   * @default 'streaming'
   */
  responseMode?: DifyResponseMode;
  /**
   * Workflow apps: which output variable holds the answer.
   * @default 'text', then 'answer', then the only string output
   */
  workflowOutputKey?: string;
  /**
   * Dify's `user` when `ModelRequest.user` is absent. Conversations and stop calls are scoped
   * to it.
   * @default 'imbridge-user'
   */
  defaultUser?: string;
}

const DEFAULT_BASE_URL = 'https://api.dify.ai/v1';
const DEFAULT_USER = 'imbridge-user';
/** Limit of the fire-and-forget stop call made after an abort. */
const STOP_TIMEOUT_MS = 5000;

interface DifySettings {
  app: DifyApp;
  apiKey: DifyOptions['apiKey'];
  baseUrl: string;
  responseMode: DifyResponseMode;
  workflowOutputKey: string | undefined;
  defaultUser: string;
  fetch: typeof fetch;
  headers: Record<string, string>;
  timeouts: ResolvedTimeouts;
  retry: DifyOptions['retry'];
}

/** Everything one `stream()` call needs, shared by its attempts. */
interface CallContext {
  settings: DifySettings;
  query: string;
  inputs: Readonly<Record<string, string>>;
  user: string;
  signal: AbortSignal | undefined;
}

function isChatApp(app: DifyApp): boolean {
  return app === 'chat' || app === 'agent' || app === 'chatflow';
}

function endpointPath(app: DifyApp): string {
  if (app === 'completion') return '/completion-messages';
  if (app === 'workflow') return '/workflows/run';
  return '/chat-messages';
}

function stopPath(app: DifyApp, taskId: string): string {
  const id = encodeURIComponent(taskId);
  if (app === 'completion') return `/completion-messages/${id}/stop`;
  if (app === 'workflow') return `/workflows/tasks/${id}/stop`;
  return `/chat-messages/${id}/stop`;
}

function readConversationId(state: JsonValue | undefined): string | undefined {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return undefined;
  const value = state.conversationId;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function lastUserMessage(messages: ReadonlyArray<ModelMessage>): string | undefined {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role === 'user') return message.content;
  }
  return undefined;
}

async function resolveApiKey(apiKey: DifyOptions['apiKey']): Promise<string> {
  return typeof apiKey === 'function' ? await apiKey() : apiKey;
}

function buildBody(context: CallContext, conversationId: string | undefined): WireRecord {
  const { settings, query, inputs, user } = context;
  const responseMode = settings.responseMode;
  if (isChatApp(settings.app)) {
    return {
      inputs: { ...inputs },
      query,
      response_mode: responseMode,
      user,
      ...(conversationId !== undefined ? { conversation_id: conversationId } : {}),
    };
  }
  return { inputs: { ...inputs, query }, response_mode: responseMode, user };
}

function authHeaders(settings: DifySettings, apiKey: string): Record<string, string> {
  return { ...settings.headers, authorization: `Bearer ${apiKey}` };
}

/** Asks Dify to stop generating; never throws and never delays the caller. */
function stopTask(context: CallContext, apiKey: string, taskId: string): void {
  const { settings } = context;
  postJson({
    provider: DIFY_PROVIDER,
    url: `${settings.baseUrl}${stopPath(settings.app, taskId)}`,
    body: { user: context.user },
    headers: authHeaders(settings, apiKey),
    fetch: settings.fetch,
    signal: undefined,
    requestTimeoutMs: Math.min(STOP_TIMEOUT_MS, settings.timeouts.requestMs),
    secrets: [apiKey],
  })
    .then((response) => response.body?.cancel())
    .catch(() => undefined);
}

/** The outcome of one Dify event: model events to yield, and whether the answer is complete. */
interface MappedEvent {
  events: ModelEvent[];
  done: boolean;
}

/**
 * Turns Dify events (streamed, or a blocking body replayed as events) into model events, keeping
 * the state needed for one `finish` (usage, conversation id) and for workflow outputs.
 */
function createEventMapper(
  settings: DifySettings,
  sentConversationId: string | undefined,
  secrets: ReadonlyArray<string>,
) {
  const app = settings.app;
  let conversationId = sentConversationId;
  let taskId: string | undefined;
  let sawText = false;
  let replaced = false;
  let stopped = false;
  let usage: ModelUsage | undefined;
  let messageEnded = false;
  let workflowFinished = false;
  let reasoningStarted = false;
  const thoughts = new Map<string, string>();

  const finish = (): FinishEvent => ({
    type: 'finish',
    reason: stopped ? 'other' : replaced ? 'content-filter' : 'stop',
    ...(usage !== undefined ? { usage } : {}),
    ...(isChatApp(app) && conversationId !== undefined
      ? { providerState: { conversationId } satisfies DifyProviderState }
      : {}),
  });
  const reasoning = (text: string): ModelEvent => {
    const separated = reasoningStarted ? `\n${text}` : text;
    reasoningStarted = true;
    return { type: 'reasoning-delta', text: separated };
  };
  const completed = (): MappedEvent => ({ events: [finish()], done: true });
  const none: MappedEvent = { events: [], done: false };

  const onAgentThought = (payload: WireRecord): MappedEvent => {
    const thought = readString(payload, 'thought') ?? '';
    const id = readString(payload, 'id') ?? String(readNumber(payload, 'position') ?? '');
    const previous = thoughts.get(id) ?? '';
    thoughts.set(id, thought);
    if (thought.length === 0 || thought === previous) return none;
    // Dify re-sends a thought when its tool call finishes: yield only what is new.
    if (previous.length > 0 && thought.startsWith(previous)) {
      return {
        events: [{ type: 'reasoning-delta', text: thought.slice(previous.length) }],
        done: false,
      };
    }
    return { events: [reasoning(thought)], done: false };
  };

  const onWorkflowFinished = (payload: WireRecord): MappedEvent => {
    const data = readRecord(payload, 'data');
    const status = readString(data, 'status');
    if (status === 'failed') {
      const detail = readString(data, 'error') ?? 'no detail';
      const error = new APICallError({
        message: `${DIFY_PROVIDER} workflow failed: ${detail.slice(0, 300)}`,
        provider: DIFY_PROVIDER,
        kind: 'server',
        retryable: false,
        providerCode: 'workflow_failed',
      });
      return { events: [{ type: 'error', error }], done: true };
    }
    if (status === 'stopped') stopped = true;
    const totalTokens = readNumber(data, 'total_tokens');
    if (usage === undefined && totalTokens !== undefined) usage = { totalTokens };
    if (app === 'chatflow') {
      workflowFinished = true;
      return messageEnded ? completed() : none;
    }
    const events: ModelEvent[] = [];
    if (!sawText && !stopped) {
      const outputs = readRecord(data, 'outputs');
      const text = pickWorkflowOutput(outputs, settings.workflowOutputKey);
      if (text === undefined) {
        const keys = outputs === undefined ? 'none' : Object.keys(outputs).join(', ') || 'none';
        const error = new APICallError({
          message: `${DIFY_PROVIDER} workflow finished without a usable answer output (outputs: ${keys.slice(0, 200)}); set workflowOutputKey`,
          provider: DIFY_PROVIDER,
          kind: 'invalid-request',
          retryable: false,
        });
        return { events: [{ type: 'error', error }], done: true };
      }
      if (text.length > 0) events.push({ type: 'text-delta', text });
      sawText = true;
    }
    events.push(finish());
    return { events, done: true };
  };

  return {
    /** The last `task_id` seen (for the stop endpoint). */
    get taskId(): string | undefined {
      return taskId;
    },
    /** Maps one Dify event object. */
    handle(payload: WireRecord): MappedEvent {
      const eventConversationId = readString(payload, 'conversation_id');
      if (eventConversationId !== undefined && eventConversationId.length > 0)
        conversationId = eventConversationId;
      const eventTaskId = readString(payload, 'task_id');
      if (eventTaskId !== undefined && eventTaskId.length > 0) taskId = eventTaskId;

      switch (readString(payload, 'event')) {
        case 'message':
        case 'agent_message':
        case 'text_chunk': {
          // Chat apps stream `answer`; workflows stream `text_chunk` with `data.text`.
          const text =
            readString(payload, 'answer') ?? readString(readRecord(payload, 'data'), 'text');
          if (text === undefined || text.length === 0) return none;
          sawText = true;
          return { events: [{ type: 'text-delta', text }], done: false };
        }
        case 'message_replace': {
          replaced = true;
          sawText = true;
          return {
            events: [{ type: 'text-replace', text: readString(payload, 'answer') ?? '' }],
            done: false,
          };
        }
        case 'agent_thought':
          return onAgentThought(payload);
        case 'reasoning_chunk': {
          const text = readString(readRecord(payload, 'data'), 'reasoning');
          return text === undefined || text.length === 0
            ? none
            : { events: [{ type: 'reasoning-delta', text }], done: false };
        }
        case 'message_end': {
          usage = mapUsage(readRecord(payload, 'metadata')) ?? usage;
          if (app === 'workflow') return none;
          if (app === 'chatflow') {
            messageEnded = true;
            return workflowFinished ? completed() : none;
          }
          return completed();
        }
        case 'workflow_finished':
          return app === 'workflow' || app === 'chatflow' ? onWorkflowFinished(payload) : none;
        case 'error':
          return {
            events: [{ type: 'error', error: streamErrorToAPICallError(payload, secrets) }],
            done: true,
          };
        default:
          // `ping`, workflow and node progress, TTS, files and future events carry no answer.
          return none;
      }
    },
    /** Called when the body ended without a terminal event having completed the answer. */
    end(): ModelEvent[] {
      if (app === 'chatflow' && (messageEnded || workflowFinished)) return [finish()];
      const error = new APICallError({
        message: `${DIFY_PROVIDER} stream ended before its final event`,
        provider: DIFY_PROVIDER,
        kind: 'network',
        retryable: true,
      });
      return [{ type: 'error', error }];
    },
  };
}

/**
 * Wraps anything thrown into an imbridge error. Unlike `toModelError` alone, a foreign error is
 * not kept as `cause` verbatim: its message could carry the key (a proxy echoing headers).
 */
function toDifyError(error: unknown, secrets: ReadonlyArray<string | undefined>): IMBridgeError {
  if (IMBridgeError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : 'unexpected error';
  return toModelError(new Error(redact(message, secrets)), DIFY_PROVIDER, secrets);
}

/** One HTTP call to Dify, yielding model events; failures are thrown or yielded as `error`. */
async function* callDify(
  context: CallContext,
  conversationId: string | undefined,
): AsyncGenerator<AttemptOutput> {
  const { settings, signal } = context;
  let apiKey: string | undefined;
  try {
    apiKey = await resolveApiKey(settings.apiKey);
    const secrets = [apiKey];
    let response: Response;
    try {
      response = await postJson({
        provider: DIFY_PROVIDER,
        url: `${settings.baseUrl}${endpointPath(settings.app)}`,
        body: buildBody(context, conversationId),
        headers: authHeaders(settings, apiKey),
        fetch: settings.fetch,
        signal,
        requestTimeoutMs: settings.timeouts.requestMs,
        secrets,
        classify: (code, status) => classifyDifyError(code, status),
      });
    } catch (error) {
      throw withDifyRetryable(error);
    }
    const mapper = createEventMapper(settings, conversationId, secrets);

    if (settings.responseMode === 'blocking') {
      const payload = parseWireRecord(await response.text());
      if (payload === undefined) {
        throw new APICallError({
          message: `${DIFY_PROVIDER} answered with a body that is not a JSON object`,
          provider: DIFY_PROVIDER,
          kind: 'server',
          retryable: false,
        });
      }
      // A blocking body has the shape of the stream's last events: replay it as such.
      const replay: WireRecord[] =
        settings.app === 'workflow'
          ? [{ ...payload, event: 'workflow_finished' }]
          : [
              { ...payload, event: 'message' },
              { event: 'message_end', metadata: readRecord(payload, 'metadata') },
            ];
      for (const item of replay) {
        const mapped = mapper.handle(item);
        yield mapped.events;
        if (mapped.done) return;
      }
      yield mapper.end();
      return;
    }

    if (response.body === null) {
      throw new APICallError({
        message: `${DIFY_PROVIDER} answered without a body`,
        provider: DIFY_PROVIDER,
        kind: 'server',
        retryable: true,
      });
    }
    const resolvedKey = apiKey;
    const onAbort = (): void => {
      const taskId = mapper.taskId;
      if (taskId !== undefined) stopTask(context, resolvedKey, taskId);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const batches = readServerSentEventBatches(response.body, {
        provider: DIFY_PROVIDER,
        signal,
        firstEventTimeoutMs: settings.timeouts.firstTokenMs,
        idleTimeoutMs: settings.timeouts.chunkMs,
      });
      // One batch of model events per network read: one `await` per read, not per event.
      for await (const events of batches) {
        const out: ModelEvent[] = [];
        let done = false;
        try {
          for (let index = 0; index < events.length && !done; index += 1) {
            // `event: ping` keep-alives carry no data and never get here; non-JSON data is skipped.
            const payload = parseWireRecord((events[index] as SSEEvent).data);
            if (payload === undefined) continue;
            const mapped = mapper.handle(payload);
            for (const event of mapped.events) out.push(event);
            done = mapped.done;
          }
        } catch (error) {
          // What was mapped before the failure still reaches the consumer first.
          if (out.length > 0) yield out;
          throw error;
        }
        if (out.length > 0) yield out;
        if (done) return;
      }
      yield mapper.end();
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Ends the connection when we stopped reading before Dify closed it.
      void response.body.cancel().catch(() => undefined);
    }
  } catch (error) {
    throw toDifyError(error, [apiKey]);
  }
}

async function* streamDify(
  settings: DifySettings,
  request: ModelRequest,
): AsyncGenerator<ModelEvent> {
  const query = lastUserMessage(request.messages);
  if (query === undefined) {
    const error = new ValidationError({
      message: `${DIFY_PROVIDER} needs a user message to answer`,
      issues: [{ path: ['messages'], message: 'no message with role "user"' }],
    });
    yield { type: 'error', error };
    return;
  }
  const context: CallContext = {
    settings,
    query,
    inputs: request.metadata ?? {},
    user: request.user ?? settings.defaultUser,
    signal: request.signal,
  };
  // Shared by every attempt: once dropped, a stale conversation is never sent again.
  let conversationId = isChatApp(settings.app)
    ? readConversationId(request.providerState)
    : undefined;

  async function* attempt(): AsyncGenerator<AttemptOutput> {
    for (;;) {
      const sent = conversationId;
      let produced = false;
      let reset = false;
      try {
        reading: for await (const output of callDify(context, sent)) {
          if (!produced) {
            const batch: readonly ModelEvent[] = Array.isArray(output)
              ? output
              : [output as ModelEvent];
            for (let index = 0; index < batch.length; index += 1) {
              const event = batch[index] as ModelEvent;
              if (event.type === 'error' && !produced && sent !== undefined) {
                if (isConversationResetError(event.error)) {
                  if (index > 0) yield batch.slice(0, index);
                  reset = true;
                  break reading;
                }
              }
              if (event.type !== 'finish' && event.type !== 'error') produced = true;
            }
          }
          yield output;
        }
      } catch (error) {
        if (produced || sent === undefined || !isConversationResetError(error)) throw error;
        reset = true;
      }
      if (!reset) return;
      // Unknown or closed conversation: start a fresh one, once.
      conversationId = undefined;
    }
  }

  yield* withRetriesBeforeFirstToken(attempt, { retry: settings.retry, signal: request.signal });
}

/**
 * Creates a {@link LanguageModel} backed by a Dify app (Chatbot, Agent, Chatflow, Text generator
 * or Workflow) through Dify's Service API.
 *
 * Only the newest user message is sent (`query`; text generators and workflows get it as
 * `inputs.query`): chat apps keep the history on Dify's side, in the conversation returned as
 * `providerState` ({@link DifyProviderState}). When Dify no longer knows that conversation
 * (`not_found`, `conversation_completed`), the call starts a new one, once. `ModelRequest.metadata`
 * becomes the app's `inputs`; `instructions` are not sent (set the prompt in the Dify app).
 * Aborting a stream also asks Dify to stop the task. Failures before the first token are retried
 * when retryable.
 *
 * Errors are yielded as `error` events: `APICallError` with Dify's `code` as `providerCode`
 * (`kind` `auth`, `rate-limit`, `quota`, `invalid-request`, `not-found`, `server`...),
 * `TimeoutError`, `NetworkError`; aborts throw `AbortedError`. The API key never appears in them.
 *
 * @throws {ValidationError} when `app` is unknown, or an agent app is asked for `blocking` mode.
 * @see https://docs.dify.ai/en/guides/application-publishing/developing-with-apis
 * @example
 * ```ts
 * import { createDify } from '@imbridge/llm';
 *
 * const model = createDify({ apiKey: process.env.DIFY_API_KEY ?? '', app: 'chat' });
 * let providerState;
 * for await (const event of model.stream({
 *   messages: [{ role: 'user', content: 'Hello' }],
 *   user: 'user-42',
 *   providerState,
 * })) {
 *   if (event.type === 'text-delta') process.stdout.write(event.text);
 *   if (event.type === 'finish') providerState = event.providerState; // keep for the next turn
 * }
 * ```
 */
export function createDify(options: DifyOptions): LanguageModel {
  if (!(DIFY_APPS as ReadonlyArray<string>).includes(options.app)) {
    throw new ValidationError({
      message: `Unknown Dify app type "${String(options.app)}"`,
      issues: [{ path: ['app'], message: `expected one of ${DIFY_APPS.join(', ')}` }],
    });
  }
  const responseMode = options.responseMode ?? 'streaming';
  if (options.app === 'agent' && responseMode === 'blocking') {
    throw new ValidationError({
      message: 'Dify agent apps are streaming-only',
      issues: [{ path: ['responseMode'], message: 'use "streaming" with app "agent"' }],
    });
  }
  const customFetch = options.fetch;
  const settings: DifySettings = {
    app: options.app,
    apiKey: options.apiKey,
    baseUrl: (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    responseMode,
    workflowOutputKey: options.workflowOutputKey,
    defaultUser: options.defaultUser ?? DEFAULT_USER,
    // Looked up per call, so fetch mocks installed after creation still apply.
    fetch: customFetch ?? ((input, init) => globalThis.fetch(input, init)),
    headers: options.headers ?? {},
    timeouts: resolveTimeouts(options.timeouts),
    retry: options.retry,
  };
  return {
    specificationVersion: 'v1',
    provider: DIFY_PROVIDER,
    modelId: options.app,
    stream: (request) => streamDify(settings, request),
  };
}
