import { readBodyText } from '../body/read-body.ts';
import type { HookContext } from './hooks.ts';

/**
 * The `fetch` ky calls for each attempt of a JSON call (`request()`); ky still builds the
 * request, runs the hooks, applies the per-attempt timeout and drives the retries. It does two
 * things ky would otherwise do at a cost measured on every call (issue 11, decision 0015):
 *
 * - It sends the body text the call serialised once (`state.bodyText`, the text `prepare`
 *   signed), so ky's `Request` is built without a body: no body stream for ky to tee for its
 *   retries, and none for undici to pipe through an identity `TransformStream`, as
 *   `fetch(request)` does with a request's body. Method, URL (signed by `prepare`), headers and
 *   signal are the request's, so the bytes on the wire are the same.
 * - It reads the answer's body here (capped, within what is left of the attempt's limit,
 *   stopped by the caller's signal) and hands ky a copy of the answer without a body. ky clones
 *   the answer for its `afterResponse` hook: a body-less clone is a plain object, where a real
 *   body would be teed into two more streams. `classifyHook` then works on the answer it finds in
 *   the call's state (status and headers as received, body as read).
 *
 * `prepareHook` registers the request of every attempt (ky runs `beforeRequest` before each
 * fetch); anything else would be passed to `fetch` as it is, its answer read by `classifyHook`.
 * An answer that arrives after ky gave up on its attempt (ky's timeout, then the next attempt)
 * is left out of the call's state.
 */
export function createAttemptFetch(
  hooks: HookContext,
  fetchImplementation: typeof fetch,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const state = input instanceof Request ? hooks.attempts.get(input) : undefined;
    if (state === undefined) return fetchImplementation(input, init);
    const request = input as Request;
    hooks.attempts.delete(request);
    const attempt = state.attempt;
    const response = await fetchImplementation(request.url, {
      method: request.method,
      headers: request.headers,
      body: state.bodyText ?? null,
      signal: request.signal,
    });
    if (state.attempt !== attempt) {
      // ky gave up on this attempt (its timeout) and started the next one: not read.
      void response.body?.cancel().catch(() => undefined);
      return new Response(null, { status: response.status });
    }
    // While the body is read, the caller's abort stops the read, not the fetch (see `request()`).
    state.answered = true;
    const read = await readBodyText(response.body, {
      maxBytes: hooks.maxResponseBytes,
      timeoutMs: state.timeoutMs - (Date.now() - state.attemptStartedAtMs),
      signal: state.call.signal,
    });
    if (state.attempt === attempt) {
      // Read to its end (or stopped): nothing is left to tee, and if ky's timeout ended this
      // attempt meanwhile, its retry (the wait, the next fetch) is the caller's to abort again.
      state.answered = false;
      state.answer = { response, read };
    }
    return new Response(null, { status: response.status });
  };
}
