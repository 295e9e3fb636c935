import { AbortedError, APICallError } from '@imbridge/core';
import {
  createVendorHttp,
  NO_RETRIES,
  parseJsonText,
  type ResponseClassifier,
  readBodyText,
  readServerSentEventBatches,
  type SSEEvent,
  type VendorHttp,
} from '@imbridge/provider-utils';
import type { ResolvedConnection } from './model-options.ts';
import type { ModelSecrets } from './model-secrets.ts';

/** Largest JSON answer read (blocking Dify answers, MiniMax JSON errors), in bytes. */
const MAX_JSON_BYTES = 4 * 1024 * 1024;

/** Options of {@link createModelHttp}. */
export interface ModelHttpOptions {
  /** Vendor id in errors. */
  provider: string;
  /** Vendor name in messages. */
  label: string;
  /** API root. */
  baseUrl: string;
  /** The model's checked connection options. */
  connection: ResolvedConnection;
  /** Keys and header values to redact from vendor text. */
  secrets: ModelSecrets;
  /** The vendor's classifier of error answers. */
  classify?: ResponseClassifier | undefined;
}

/**
 * The HTTP layer of one model: provider-utils' vendor HTTP with the model's `timeoutMs` per
 * attempt and no retries of its own — a model call's retries belong to
 * `withRetriesBeforeFirstToken`, the only party that knows whether text was already streamed.
 */
export function createModelHttp(options: ModelHttpOptions): VendorHttp {
  return createVendorHttp({
    provider: options.provider,
    label: options.label,
    baseUrls: [options.baseUrl],
    fetch: options.connection.fetch,
    timeoutMs: options.connection.timeoutMs,
    retry: NO_RETRIES,
    classify: options.classify,
    secrets: options.secrets.values,
  });
}

/**
 * The model's headers with `Authorization: Bearer <key>` (replacing any `Authorization` given in
 * the headers option); the headers unchanged when there is no key.
 */
export function withBearer(
  headers: Readonly<Record<string, string>>,
  key: string | undefined,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (key === undefined || name.toLowerCase() !== 'authorization') result[name] = value;
  }
  if (key !== undefined) result.authorization = `Bearer ${key}`;
  return result;
}

/** The body of a 2xx streaming answer; a missing one is a retryable server failure. */
export function bodyOf(response: Response, provider: string): ReadableStream<Uint8Array> {
  if (response.body !== null) return response.body;
  throw new APICallError({
    message: `${provider} answered without a body`,
    provider,
    kind: 'server',
    retryable: true,
    statusCode: response.status,
  });
}

/**
 * Reads the server-sent events of an answer in batches (one per network read), with the model's
 * first-token and stall limits.
 */
export function readEventBatches(
  response: Response,
  provider: string,
  signal: AbortSignal | undefined,
  connection: ResolvedConnection,
): AsyncGenerator<SSEEvent[]> {
  return readServerSentEventBatches(bodyOf(response, provider), {
    provider,
    signal,
    firstTokenTimeoutMs: connection.firstTokenTimeoutMs,
    stallTimeoutMs: connection.stallTimeoutMs,
  });
}

/**
 * Reads a whole JSON answer (capped at 4 MiB) within `firstTokenTimeoutMs`. Returns the parsed
 * value, or `undefined` when the body is not JSON.
 *
 * @throws {APICallError} kind `timeout` (`timeoutPhase: 'first-token'`), `network` (the body
 * broke off) or `server` (too large).
 * @throws {AbortedError} when the signal fires.
 */
export async function readJsonAnswer(
  response: Response,
  provider: string,
  signal: AbortSignal | undefined,
  connection: ResolvedConnection,
): Promise<unknown> {
  const read = await readBodyText(response.body, {
    maxBytes: MAX_JSON_BYTES,
    timeoutMs: connection.firstTokenTimeoutMs,
    signal,
    declaredLength: response.headers.get('content-length'),
  });
  if (read.ok) {
    const parsed = parseJsonText(read.text);
    return parsed.ok ? parsed.value : undefined;
  }
  switch (read.reason) {
    case 'aborted':
      throw new AbortedError({ message: `${provider} call aborted`, cause: signal?.reason });
    case 'timeout':
      throw new APICallError({
        message: `${provider} sent no complete answer within ${connection.firstTokenTimeoutMs} ms`,
        provider,
        kind: 'timeout',
        timeoutMs: connection.firstTokenTimeoutMs,
        timeoutPhase: 'first-token',
      });
    case 'too-large':
      throw new APICallError({
        message: `${provider} answered with a body over ${MAX_JSON_BYTES} bytes`,
        provider,
        kind: 'server',
        retryable: false,
        statusCode: response.status,
      });
    default:
      throw new APICallError({
        message: `${provider} answer broke off before its end`,
        provider,
        kind: 'network',
        retryable: true,
        statusCode: response.status,
      });
  }
}
