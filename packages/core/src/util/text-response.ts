/**
 * Responses whose body is a string known when they are made (webhook acknowledgements, error
 * answers). `toNodeListener` writes such a body in one `end()` call instead of reading the
 * `Response`'s stream, which saves a stream read and a socket write per webhook (issue 11).
 *
 * @module
 */

/** Where the text is kept on the `Response`: a registered symbol, so ESM and CJS copies agree. */
const BODY_TEXT = Symbol.for('@imbridge/core:response-body-text');

/**
 * Creates a `Response` with a text body, and keeps the text on it so `toNodeListener` can send
 * it without reading the body stream. The `Response` is an ordinary one: other hosts (Next.js,
 * Workers, Bun) read it as usual.
 *
 * @param text - The body.
 * @param init - Status and headers, as for `new Response`.
 * @example
 * ```ts
 * return textResponse('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });
 * ```
 */
export function textResponse(text: string, init?: ResponseInit): Response {
  const response = new Response(text, init);
  Object.defineProperty(response, BODY_TEXT, { value: text });
  return response;
}

/**
 * The text a {@link textResponse} was made with, or `undefined` for any other `Response` (or
 * one whose body was read already, so a listener never sends a body twice).
 */
export function knownBodyText(response: Response): string | undefined {
  if (response.bodyUsed) return undefined;
  const text = (response as unknown as Record<symbol, unknown>)[BODY_TEXT];
  return typeof text === 'string' ? text : undefined;
}
