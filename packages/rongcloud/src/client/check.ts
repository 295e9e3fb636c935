/**
 * The two checks the client applies with its zod schemas: a method's input before anything is
 * sent, and an answer's fields. This module only refers to zod's types; the schemas themselves
 * live in `message-schemas.ts` and `bot-schemas.ts`, loaded with the first call
 * (`loadMessageSchemas`, `loadBotSchemas` of `wire.ts`).
 *
 * @internal
 * @module
 */
import { APICallError, ValidationError, type ValidationIssue } from '@imbridge/core/errors';
import type { z } from 'zod';

function issuesOf(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.filter((part): part is string | number => typeof part !== 'symbol'),
    message: issue.message,
  }));
}

/**
 * Checks a method's input before anything is sent. A failure is a `ValidationError` whose
 * message names the method and each bad field with what it must be — never the value received
 * (it may be a secret such as a Dify API key).
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
    message: `RongCloud ${method}: ${described}${issues.length > 5 ? ` (and ${issues.length - 5} more)` : ''}`,
    issues,
  });
}

/**
 * Checks a successful answer's fields (lenient: unknown fields pass). A missing field is the
 * vendor's fault: a non-retryable `server` error carrying the issues (never the body, which may
 * hold a secret).
 */
export function parseResponse<T>(
  schema: z.ZodType<T>,
  body: Record<string, unknown>,
  method: string,
): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new APICallError({
      message: `RongCloud ${method} answered with an unexpected body`,
      provider: 'rongcloud',
      kind: 'server',
      retryable: false,
      cause: new ValidationError({
        message: 'unexpected response',
        issues: issuesOf(parsed.error),
      }),
    });
  }
  return parsed.data;
}
