import { APICallError, ValidationError, type ValidationIssue } from '@imbridge/core';
import type { SecretInput } from '@imbridge/provider-utils';
import { resolveSecret } from '@imbridge/provider-utils';
import { z } from 'zod';
import type { CallOptions } from './options.ts';
import type { TRTCTransport } from './transport.ts';

/** The per-call settings of a method's options (signal, timeout, retries, region). */
export function callOptions(options: CallOptions): CallOptions {
  return {
    signal: options.signal,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    region: options.region,
  };
}

/** The {@link CallOptions} fields, accepted by every method's options schema. */
export const callOptionsShape = {
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
  timeoutMs: z.unknown().optional(),
  retry: z.unknown().optional(),
  region: z.unknown().optional(),
};

/** A secret: a non-empty string or a function returning one (checked again when resolved). */
export const secretInputSchema = z.custom<SecretInput>(
  (value) => (typeof value === 'string' ? value.trim() !== '' : typeof value === 'function'),
  { message: 'must be a non-empty string or a function returning one' },
);

/** A non-empty string (surrounding spaces do not count). */
export const nonEmptyString = z.string().refine((value) => value.trim() !== '', {
  message: 'must be a non-empty string',
});

/** An `http:` or `https:` URL. */
export const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an http(s) URL',
  });

/** Extra vendor fields, sent as given beside the typed ones. */
export const extraSchema = z.record(z.string(), z.unknown()).optional();

function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.filter((part): part is string | number => typeof part !== 'symbol'),
    message: issue.message,
  }));
}

/**
 * Checks a method's input before anything is sent. A failure is a `ValidationError` whose
 * message names the method and each bad field with what it must be — never the value received
 * (it may be a secret such as an LLM API key).
 */
export function checkInput<T>(schema: z.ZodType<T>, input: unknown, method: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = issuesOf(parsed.error);
  const described = issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'options'}: ${issue.message}`)
    .join('; ');
  throw new ValidationError({
    message: `TRTC ${method}: ${described}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`,
    issues,
  });
}

/**
 * Checks a successful answer's fields (lenient: unknown fields pass). A missing field is the
 * vendor's fault: a non-retryable `server` error carrying the issues (never the body).
 */
export function parseResponse<T>(schema: z.ZodType<T>, body: unknown, method: string): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new APICallError({
    message: `TRTC ${method} answered with an unexpected body`,
    provider: 'trtc',
    kind: 'server',
    retryable: false,
    cause: new ValidationError({ message: 'unexpected response', issues: issuesOf(parsed.error) }),
  });
}

/**
 * The forms a secret takes in a request body: as is, JSON-escaped once (inside `LLMConfig`'s
 * JSON) and twice (that JSON as a string in the body). All are redacted from errors.
 */
export function secretForms(secret: string): string[] {
  const once = JSON.stringify(secret).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  return [...new Set([secret, once, twice])];
}

/**
 * Resolves a secret of a call's configuration and records its forms in `secrets`, so the
 * transport redacts them from every error of that call.
 */
export async function resolveCallSecret(
  input: SecretInput,
  owner: string,
  name: string,
  secrets: string[],
): Promise<string> {
  const value = await resolveSecret(input, { owner: `TRTC ${owner}`, name, secret: true });
  secrets.push(...secretForms(value));
  return value;
}

/** Copies the defined fields of `source` to `target` under their wire names. */
export function mapFields(
  source: Readonly<Record<string, unknown>>,
  names: Readonly<Record<string, string>>,
  target: Record<string, unknown>,
): Record<string, unknown> {
  for (const [name, wireName] of Object.entries(names)) {
    const value = source[name];
    if (value !== undefined) target[wireName] = value;
  }
  return target;
}

/** Adds `extra` fields, refusing any that would replace a typed field. */
export function addExtra(
  target: Record<string, unknown>,
  extra: Readonly<Record<string, unknown>> | undefined,
  method: string,
  path: string,
): Record<string, unknown> {
  if (extra === undefined) return target;
  for (const [name, value] of Object.entries(extra)) {
    if (name in target) {
      throw new ValidationError({
        message: `TRTC ${method}: ${path}.extra.${name} would replace a typed field: set it through its typed option`,
        issues: [{ path: [...path.split('.'), 'extra', name], message: 'replaces a typed field' }],
      });
    }
    if (value !== undefined) target[name] = value;
  }
  return target;
}

/** What a task-starting action resolves to (conversations and transcriptions alike). */
export type StartedTask =
  | {
      status: 'started';
      taskId: string;
      sessionId: string | undefined;
      requestId: string | undefined;
    }
  | { status: 'already-running'; sessionId: string; requestId: string | undefined };

const startAnswerSchema = z.looseObject({
  TaskId: z.string().min(1),
  RequestId: z.string().optional(),
});

/**
 * Starts a task (`StartAIConversation`, `StartAITranscription`). With a `sessionId` the start is
 * idempotent: `FailedOperation.TaskExist` resolves to `already-running` instead of throwing.
 */
export async function startTask(
  transport: TRTCTransport,
  request: {
    action: string;
    method: string;
    body: Readonly<Record<string, unknown>>;
    sessionId: string | undefined;
    options: CallOptions;
    secrets: readonly string[];
  },
): Promise<StartedTask> {
  const { sessionId } = request;
  let answer: Readonly<Record<string, unknown>>;
  try {
    answer = await transport.call(
      request.action,
      request.body,
      callOptions(request.options),
      request.secrets,
    );
  } catch (error) {
    if (
      sessionId !== undefined &&
      APICallError.isInstance(error) &&
      error.providerCode === 'FailedOperation.TaskExist'
    ) {
      return { status: 'already-running', sessionId, requestId: error.requestId };
    }
    throw error;
  }
  const parsed = parseResponse(startAnswerSchema, answer, request.method);
  return { status: 'started', taskId: parsed.TaskId, sessionId, requestId: parsed.RequestId };
}
