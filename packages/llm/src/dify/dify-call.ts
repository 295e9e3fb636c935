/** One HTTP call to a Dify app (streaming or blocking), and the stop call made after an abort. */
import { APICallError, type ModelEvent } from '@imbridge/core';
import { isRecord, type SSEEvent, type VendorHttp } from '@imbridge/provider-utils';
import { readEventBatches, readJsonAnswer, withBearer } from '../shared/model-http.ts';
import type { ResolvedConnection } from '../shared/model-options.ts';
import { type ModelSecrets, toModelError } from '../shared/model-secrets.ts';
import type { AttemptOutput } from '../shared/retry.ts';
import { createEventMapper, type EventMapper } from './dify-events.ts';
import {
  buildBody,
  DIFY_PROVIDER,
  type DifyApp,
  type DifyResponseMode,
  endpointPath,
  parseWireRecord,
  readRecord,
  stopPath,
  type WireRecord,
} from './dify-wire.ts';

/** Limit of the fire-and-forget stop call made after an abort, in milliseconds. */
const STOP_TIMEOUT_MS = 5000;

/** A Dify model's checked settings and its HTTP layer. */
export interface DifySettings {
  app: DifyApp;
  responseMode: DifyResponseMode;
  workflowOutputKey: string | undefined;
  defaultUser: string;
  connection: ResolvedConnection;
  secrets: ModelSecrets;
  http: VendorHttp;
}

/** Everything one `stream()` call needs, shared by its attempts. */
export interface CallContext {
  settings: DifySettings;
  query: string;
  inputs: Readonly<Record<string, string>>;
  user: string;
  signal: AbortSignal | undefined;
}

/** Asks Dify to stop generating; never throws, never retried, never delays the caller. */
function stopTask(context: CallContext, apiKey: string, taskId: string): void {
  const { settings } = context;
  const path = stopPath(settings.app, taskId);
  settings.http
    .request({
      path,
      operation: 'stop',
      json: { user: context.user },
      headers: withBearer(settings.connection.headers, apiKey),
      timeoutMs: Math.min(STOP_TIMEOUT_MS, settings.connection.timeoutMs),
      retry: false,
    })
    .catch(() => undefined);
}

/** A blocking answer has the shape of the stream's last events: it is replayed as such. */
function* replayBlocking(mapper: EventMapper, app: DifyApp, payload: WireRecord) {
  const replay: WireRecord[] =
    app === 'workflow'
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
}

async function* readStream(
  response: Response,
  mapper: EventMapper,
  context: CallContext,
  apiKey: string,
): AsyncGenerator<AttemptOutput> {
  const { signal, settings } = context;
  const onAbort = (): void => {
    const taskId = mapper.taskId;
    if (taskId !== undefined) stopTask(context, apiKey, taskId);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    // One batch of model events per network read; leaving the loop closes the connection.
    for await (const events of readEventBatches(
      response,
      DIFY_PROVIDER,
      signal,
      settings.connection,
    )) {
      const out: ModelEvent[] = [];
      let done = false;
      for (let index = 0; index < events.length && !done; index += 1) {
        // `event: ping` keep-alives carry no data and never get here; non-JSON data is skipped.
        const payload = parseWireRecord((events[index] as SSEEvent).data);
        if (payload === undefined) continue;
        const mapped = mapper.handle(payload);
        for (const event of mapped.events) out.push(event);
        done = mapped.done;
      }
      if (out.length > 0) yield out;
      if (done) return;
    }
    yield mapper.end();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * One HTTP call to Dify, yielding model events; failures are thrown (HTTP errors, timeouts, a
 * broken body) or yielded as `error` events (Dify's own `error` events).
 */
export async function* callDify(
  context: CallContext,
  conversationId: string | undefined,
): AsyncGenerator<AttemptOutput> {
  const { settings, signal } = context;
  try {
    const apiKey = (await settings.secrets.resolve()) ?? '';
    const path = endpointPath(settings.app);
    const response = await settings.http.stream({
      path,
      operation: path,
      json: buildBody({
        app: settings.app,
        responseMode: settings.responseMode,
        query: context.query,
        inputs: context.inputs,
        user: context.user,
        conversationId,
      }),
      headers: withBearer(settings.connection.headers, apiKey),
      signal,
    });
    const mapper = createEventMapper({
      app: settings.app,
      workflowOutputKey: settings.workflowOutputKey,
      sentConversationId: conversationId,
      secrets: settings.secrets.values(),
    });
    if (settings.responseMode === 'streaming') {
      yield* readStream(response, mapper, context, apiKey);
      return;
    }
    const payload = await readJsonAnswer(response, DIFY_PROVIDER, signal, settings.connection);
    if (!isRecord(payload)) {
      yield {
        type: 'error',
        error: new APICallError({
          message: `${DIFY_PROVIDER} answered with a body that is not a JSON object`,
          provider: DIFY_PROVIDER,
          kind: 'server',
          retryable: false,
          statusCode: response.status,
        }),
      };
      return;
    }
    yield* replayBlocking(mapper, settings.app, payload);
  } catch (error) {
    throw toModelError(error, DIFY_PROVIDER, settings.secrets.values());
  }
}
