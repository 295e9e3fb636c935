import {
  checkNonEmptyString,
  checkOneOf,
  type LanguageModel,
  type ModelEvent,
  type ModelRequest,
  optionError,
  ValidationError,
} from '@imbridge/core';
import { checkSecretInput, type SecretInput } from '@imbridge/provider-utils';
import { createModelHttp } from '../shared/model-http.ts';
import {
  checkBaseUrl,
  type ModelConnectionOptions,
  resolveConnection,
} from '../shared/model-options.ts';
import { createModelSecrets } from '../shared/model-secrets.ts';
import { type AttemptOutput, withRetriesBeforeFirstToken } from '../shared/retry.ts';
import { type CallContext, callDify, type DifySettings } from './dify-call.ts';
import { classifyDifyResponse, isConversationResetError } from './dify-errors.ts';
import {
  DIFY_APPS,
  DIFY_PROVIDER,
  type DifyApp,
  type DifyResponseMode,
  isChatApp,
  lastUserMessage,
  readConversationId,
} from './dify-wire.ts';

/** Options of {@link createDify}. */
export interface DifyOptions extends ModelConnectionOptions {
  /**
   * The app's API key (`app-…`; `DIFY_API_KEY` in the examples), or a function returning it
   * (read once per HTTP attempt). It never appears in errors.
   */
  apiKey: SecretInput;
  /** Which kind of Dify app the key belongs to; decides the endpoint and the events read. */
  app: DifyApp;
  /**
   * The Service API base URL (`DIFY_BASE_URL` in the examples); self-hosted Dify:
   * `https://your-host/v1`.
   * @default 'https://api.dify.ai/v1'
   */
  baseUrl?: string | undefined;
  /**
   * `streaming` yields text as it is generated; `blocking` waits for the whole answer (Dify
   * Cloud cuts blocking calls after about 100 s; the answer must arrive within `timeoutMs`, its
   * body within `firstTokenTimeoutMs`). Agent apps are streaming-only.
   * @default 'streaming'
   */
  responseMode?: DifyResponseMode | undefined;
  /**
   * Workflow apps: which output variable holds the answer.
   * @default 'text', then 'answer', then the only string output
   */
  workflowOutputKey?: string | undefined;
  /**
   * Dify's `user` when `ModelRequest.user` is absent. Conversations and stop calls are scoped
   * to it.
   * @default 'imbridge-user'
   */
  defaultUser?: string | undefined;
}

const OWNER = 'createDify';
const DEFAULT_BASE_URL = 'https://api.dify.ai/v1';
const DEFAULT_USER = 'imbridge-user';

function resolveSettings(options: DifyOptions): DifySettings {
  const app = checkOneOf(options.app, { owner: OWNER, name: 'app' }, DIFY_APPS);
  const responseMode = checkOneOf(
    options.responseMode ?? 'streaming',
    { owner: OWNER, name: 'responseMode' },
    ['streaming', 'blocking'] as const,
  );
  if (app === 'agent' && responseMode === 'blocking') {
    throw optionError(
      { owner: OWNER, name: 'responseMode' },
      "'streaming' with app 'agent' (Dify agent apps are streaming-only)",
      responseMode,
    );
  }
  const apiKeyOption = { owner: OWNER, name: 'apiKey', envVariable: 'DIFY_API_KEY' };
  const apiKey = checkSecretInput(options.apiKey, apiKeyOption);
  const baseUrl =
    options.baseUrl === undefined
      ? DEFAULT_BASE_URL
      : checkBaseUrl(options.baseUrl, {
          owner: OWNER,
          name: 'baseUrl',
          envVariable: 'DIFY_BASE_URL',
        });
  const connection = resolveConnection(options, OWNER);
  const secrets = createModelSecrets(apiKey, apiKeyOption, connection.headers);
  return {
    app,
    responseMode,
    workflowOutputKey:
      options.workflowOutputKey === undefined
        ? undefined
        : checkNonEmptyString(options.workflowOutputKey, {
            owner: OWNER,
            name: 'workflowOutputKey',
          }),
    defaultUser:
      options.defaultUser === undefined
        ? DEFAULT_USER
        : checkNonEmptyString(options.defaultUser, { owner: OWNER, name: 'defaultUser' }),
    connection,
    secrets,
    http: createModelHttp({
      provider: DIFY_PROVIDER,
      label: 'Dify',
      baseUrl,
      connection,
      secrets,
      classify: classifyDifyResponse,
    }),
  };
}

/**
 * One attempt: a call to Dify, and — when Dify no longer knows the conversation sent, before any
 * text — one more call that starts a fresh conversation. `state` is shared by the attempts of a
 * `stream()` call, so a dropped conversation is never sent again.
 */
async function* attemptWithConversationReset(
  context: CallContext,
  state: { conversationId: string | undefined },
): AsyncGenerator<AttemptOutput> {
  for (;;) {
    const sent = state.conversationId;
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
            if (
              event.type === 'error' &&
              sent !== undefined &&
              isConversationResetError(event.error)
            ) {
              if (index > 0) yield batch.slice(0, index);
              reset = true;
              break reading;
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
    state.conversationId = undefined;
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
  const state = {
    conversationId: isChatApp(settings.app) ? readConversationId(request.providerState) : undefined,
  };
  yield* withRetriesBeforeFirstToken(() => attemptWithConversationReset(context, state), {
    retry: settings.connection.retry,
    signal: request.signal,
  });
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
 * when retryable — the call's only retries.
 *
 * Specification `v1`: no tool calling through imbridge. An Agent app's tools run on Dify's side
 * (configure them in the app); the model never emits `tool-call` events and is never sent
 * `tools` (the OpenAI-compatible endpoint answers a request with tools for it with a 400).
 *
 * Errors are yielded as `error` events: an `APICallError` with Dify's `code` as `providerCode`,
 * a `kind` (`auth`, `rate-limit`, `quota`, `invalid-request`, `not-found`, `server`, `timeout`
 * with its `timeoutPhase`, `network`) and a `hint` where the code says what to fix (see
 * {@link classifyDifyError}); aborts throw `AbortedError`. The API key never appears in them.
 *
 * @throws {ValidationError} at creation when an option is wrong: an unknown `app`, an agent app
 * in `blocking` mode, an empty `apiKey`, a `baseUrl` that is not an http(s) URL, a negative
 * timeout… The message names the option.
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
  const settings = resolveSettings(options);
  return {
    specificationVersion: 'v1',
    provider: DIFY_PROVIDER,
    modelId: settings.app,
    stream: (request) => streamDify(settings, request),
  };
}
