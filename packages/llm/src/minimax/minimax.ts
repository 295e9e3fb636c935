import { checkNonEmptyString, type LanguageModel, type ModelRequest } from '@imbridge/core';
import { checkSecretInput, type SecretInput } from '@imbridge/provider-utils';
import { createModelHttp, withBearer } from '../shared/model-http.ts';
import {
  checkBaseUrl,
  type ModelConnectionOptions,
  resolveConnection,
} from '../shared/model-options.ts';
import { createModelSecrets, toModelError } from '../shared/model-secrets.ts';
import { type AttemptOutput, withRetriesBeforeFirstToken } from '../shared/retry.ts';
import { classifyMiniMaxResponse, MINIMAX_PROVIDER } from './minimax-errors.ts';
import { readJsonReply, readStreamReply } from './minimax-reply.ts';
import { toWireBody } from './minimax-wire.ts';

/** MiniMax's global API base URL (the default of {@link MiniMaxOptions.baseUrl}). */
export const MINIMAX_BASE_URL = 'https://api.minimax.io/v1';

/** MiniMax's mainland China API base URL, for accounts created on minimaxi.com. */
export const MINIMAX_CHINA_BASE_URL = 'https://api.minimaxi.com/v1';

/** Options of {@link createMiniMax}. */
export interface MiniMaxOptions extends ModelConnectionOptions {
  /**
   * The API key (`MINIMAX_API_KEY` in the examples), or a function returning it (called once per
   * attempt, so rotated keys apply on retries). Sent as `Authorization: Bearer`; never appears in
   * errors.
   */
  apiKey: SecretInput;
  /** Model id, e.g. `'MiniMax-M2'`, `'MiniMax-Text-01'`. */
  model: string;
  /**
   * API base URL, without `/text/chatcompletion_v2`. Use {@link MINIMAX_CHINA_BASE_URL}
   * (`https://api.minimaxi.com/v1`) for mainland China accounts: a key only works in the region
   * that issued it.
   * @default 'https://api.minimax.io/v1'
   */
  baseUrl?: string | undefined;
  /** Legacy group id, sent as `?GroupId=` when given. Current keys do not need it. */
  groupId?: string | undefined;
  /**
   * Extra request body fields in MiniMax's own names (`temperature`, `top_p`,
   * `max_completion_tokens`, `mask_sensitive_info`...). `model`, `messages` and `stream` are
   * always set by the adapter; `stream_options.include_usage` is always `true`; `tools` and
   * `tool_choice` come from the request when it has tools.
   */
  body?: Readonly<Record<string, unknown>> | undefined;
}

const OWNER = 'createMiniMax';

/**
 * Creates a {@link LanguageModel} for MiniMax's native `chatcompletion_v2` API
 * (`POST {baseUrl}/text/chatcompletion_v2`, streamed over SSE).
 *
 * - `instructions` and any system turn become one `system` message (MiniMax rejects several).
 * - `delta.content` becomes `text-delta`, `delta.reasoning_content` becomes `reasoning-delta`.
 * - The final `chat.completion` event repeats the whole reply: it is used for `usage` and the
 *   finish reason and never appended. If it differs from what was streamed, its missing tail is
 *   sent as a `text-delta` (when it extends the streamed text) or one `text-replace` carries it.
 * - Tools (specification `v2`): `request.tools` go out as `tools: [{ type: 'function', function:
 *   { name, description, parameters } }]`, `toolChoice` as `tool_choice`, assistant turns with
 *   `toolCalls` as `tool_calls` (`content: null` when they have no text) and results as
 *   `{ role: 'tool', tool_call_id, content }`. Streamed `delta.tool_calls` become
 *   `tool-call-delta` events and one `tool-call` per call before `finish` (reason
 *   `tool-calls`); the `tool_calls` the final full repeat carries again are matched with the
 *   streamed ones and never repeated. Without tools the body is unchanged.
 * - `output_sensitive: true` finishes with reason `'content-filter'`.
 * - A non-zero `base_resp.status_code` (HTTP 200 in the stream or as a plain JSON body, or with
 *   an HTTP error) yields an `error` event with an `APICallError` whose `providerCode` is the
 *   status code and whose `kind`, `retryable` and `hint` come from {@link classifyMiniMaxStatus}.
 * - Retryable failures are retried only before the first token (the call's only retries); a
 *   fired `signal` cancels the HTTP request and ends the iteration by throwing an `AbortedError`.
 *
 * @param options - Key, model and connection settings.
 * @returns A model whose stream ends with exactly one `finish` or `error` event (or throws an
 * `AbortedError` when aborted).
 * @throws {ValidationError} at creation when an option is wrong (empty `apiKey` or `model`, a
 * `baseUrl` that is not an http(s) URL, a negative timeout…), naming the option.
 * @throws {AbortedError} from the stream's iterator when the request's signal fires.
 * @see https://platform.minimax.io/docs/api-reference/text-post
 * @example
 * ```ts
 * import { createMiniMax } from '@imbridge/llm';
 *
 * const model = createMiniMax({
 *   apiKey: process.env.MINIMAX_API_KEY ?? '',
 *   model: 'MiniMax-M2',
 *   // baseUrl: 'https://api.minimaxi.com/v1', // mainland China accounts
 *   body: { temperature: 0.7, max_completion_tokens: 1024 },
 * });
 * for await (const event of model.stream({
 *   instructions: 'You are a helpful assistant.',
 *   messages: [{ role: 'user', content: 'Hi' }],
 * })) {
 *   if (event.type === 'text-delta') process.stdout.write(event.text);
 *   if (event.type === 'error') console.error(event.error);
 * }
 * ```
 */
export function createMiniMax(options: MiniMaxOptions): LanguageModel {
  const apiKeyOption = { owner: OWNER, name: 'apiKey', envVariable: 'MINIMAX_API_KEY' };
  const apiKey = checkSecretInput(options.apiKey, apiKeyOption);
  const model = checkNonEmptyString(options.model, { owner: OWNER, name: 'model' });
  const baseUrl =
    options.baseUrl === undefined
      ? MINIMAX_BASE_URL
      : checkBaseUrl(options.baseUrl, {
          owner: OWNER,
          name: 'baseUrl',
          envVariable: 'MINIMAX_BASE_URL',
        });
  const groupId =
    options.groupId === undefined || options.groupId === ''
      ? undefined
      : checkNonEmptyString(options.groupId, { owner: OWNER, name: 'groupId' });
  const connection = resolveConnection(options, OWNER);
  const secrets = createModelSecrets(apiKey, apiKeyOption, connection.headers);
  const http = createModelHttp({
    provider: MINIMAX_PROVIDER,
    label: 'MiniMax',
    baseUrl,
    connection,
    secrets,
    classify: classifyMiniMaxResponse,
  });

  async function* attempt(request: ModelRequest): AsyncGenerator<AttemptOutput> {
    try {
      const key = await secrets.resolve();
      const response = await http.stream({
        path: 'text/chatcompletion_v2',
        operation: 'text/chatcompletion_v2',
        query: groupId === undefined ? undefined : { GroupId: groupId },
        json: toWireBody(model, options.body, request),
        headers: withBearer(connection.headers, key),
        signal: request.signal,
      });
      const context = {
        httpStatus: response.status,
        headers: response.headers,
        secrets: secrets.values(),
        signal: request.signal,
        connection,
      };
      const contentType = response.headers.get('content-type') ?? '';
      if (contentType.includes('json')) yield* readJsonReply(response, context);
      else yield* readStreamReply(response, context);
    } catch (error) {
      throw toModelError(error, MINIMAX_PROVIDER, secrets.values());
    }
  }

  return {
    specificationVersion: 'v2',
    provider: MINIMAX_PROVIDER,
    modelId: model,
    stream: (request) =>
      withRetriesBeforeFirstToken(() => attempt(request), {
        retry: connection.retry,
        signal: request.signal,
      }),
  };
}
