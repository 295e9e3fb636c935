import { createHash, timingSafeEqual } from 'node:crypto';
import { APICallError, ValidationError } from '@imbridge/core';

/** A request the admin API refuses with 400: the message says what to fix. */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

/** What `POST /agents` takes. */
export interface StartRequest {
  /** The room: a number is a numeric room, a string a string room. */
  roomId: number | string;
  /** The user the agent listens and answers to. */
  targetUserId: string;
  /** Your id of the conversation; starting it twice starts one agent. */
  sessionId?: string;
}

/** What `POST /agents/:taskId/say` takes. */
export interface SayRequest {
  /** What the agent says now. */
  text: string;
  /** Whether it may cut what the agent is saying. @default false */
  interrupt?: boolean;
}

/**
 * Checks `Authorization: Bearer <token>` against the admin token in constant time: both sides
 * are hashed first, so neither the token's length nor its characters can be timed.
 */
export function createTokenCheck(adminToken: string): (authorization: string | null) => boolean {
  const expected = createHash('sha256').update(adminToken).digest();
  return (authorization) => {
    const presented = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1] ?? '';
    const digest = createHash('sha256').update(presented).digest();
    return timingSafeEqual(digest, expected) && presented.length > 0;
  };
}

/** Reads a JSON object body, or throws a {@link BadRequestError} saying what is wrong. */
export async function readJsonObject(
  request: Request,
  fields: readonly string[],
): Promise<Record<string, unknown>> {
  const text = await request.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequestError(
      `the body must be a JSON object with ${fields.join(', ')} (it is not valid JSON)`,
    );
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError(`the body must be a JSON object with ${fields.join(', ')}`);
  }
  const unknown = Object.keys(body).filter((key) => !fields.includes(key));
  if (unknown.length > 0) {
    throw new BadRequestError(
      `unknown field ${unknown.map((key) => `"${key.slice(0, 40)}"`).join(', ')}: the body takes ${fields.join(', ')}`,
    );
  }
  return body as Record<string, unknown>;
}

function stringField(
  body: Record<string, unknown>,
  name: string,
  optional: true,
): string | undefined;
function stringField(body: Record<string, unknown>, name: string, optional?: false): string;
function stringField(
  body: Record<string, unknown>,
  name: string,
  optional = false,
): string | undefined {
  const value = body[name];
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new BadRequestError(`${name} must be a non-empty string`);
  }
  return value;
}

/** The body of `POST /agents`, checked. */
export async function readStartRequest(request: Request): Promise<StartRequest> {
  const body = await readJsonObject(request, ['roomId', 'targetUserId', 'sessionId']);
  const { roomId } = body;
  if (typeof roomId !== 'number' && (typeof roomId !== 'string' || roomId === '')) {
    throw new BadRequestError(
      'roomId must be a number (a numeric TRTC room) or a non-empty string (a string room)',
    );
  }
  const sessionId = stringField(body, 'sessionId', true);
  return {
    roomId,
    targetUserId: stringField(body, 'targetUserId'),
    ...(sessionId === undefined ? {} : { sessionId }),
  };
}

/** The body of `POST /agents/:taskId/say`, checked. */
export async function readSayRequest(request: Request): Promise<SayRequest> {
  const body = await readJsonObject(request, ['text', 'interrupt']);
  const { interrupt } = body;
  if (interrupt !== undefined && typeof interrupt !== 'boolean') {
    throw new BadRequestError('interrupt must be true or false');
  }
  return { text: stringField(body, 'text'), ...(interrupt === undefined ? {} : { interrupt }) };
}

/** A JSON answer that no cache keeps. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    },
  });
}

/** Replaces every occurrence of a secret in `text` with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  return result;
}

/**
 * The answer to a failed admin call: 400 for a bad request (ours or one the TRTC client refused
 * before sending it), 404 when TRTC has no such task (it ended), 502 for any other TRTC failure
 * with Tencent's code, request id and the hint of the typed error, 500 otherwise. Secrets are
 * redacted from every message (imbridge's errors carry none; this holds even if one did).
 */
export function failureResponse(error: unknown, secrets: readonly string[]): Response {
  if (error instanceof BadRequestError || ValidationError.isInstance(error)) {
    return json(400, { error: redact(error.message, secrets) });
  }
  if (APICallError.isInstance(error)) {
    return json(error.kind === 'not-found' ? 404 : 502, {
      error: redact(error.message, secrets),
      code: error.providerCode,
      kind: error.kind,
      hint: error.hint === undefined ? undefined : redact(error.hint, secrets),
      requestId: error.requestId,
    });
  }
  return json(500, { error: 'internal error (see the server log)' });
}
