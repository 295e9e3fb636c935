/**
 * `--verbose` traces of HTTP calls: method, origin and path, status and duration. Never the
 * query (Tencent signs with a UserSig there), headers (RongCloud and TRTC sign there) or bodies.
 *
 * @module
 */
import type { Output } from './output.ts';

function target(input: RequestInfo | URL, init: RequestInit | undefined): string {
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request?.url ?? String(input));
  const method = init?.method ?? request?.method ?? 'GET';
  return `${method} ${url.origin}${url.pathname}`;
}

function failureCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.name : 'error';
}

/** `fetch` that traces each call on `output.debug`. */
export function tracingFetch(fetchImplementation: typeof fetch, output: Output): typeof fetch {
  return async (input, init) => {
    const label = target(input, init);
    const startedAt = performance.now();
    output.debug(`→ ${label}`);
    try {
      const response = await fetchImplementation(input, init);
      const elapsed = Math.round(performance.now() - startedAt);
      output.debug(`← ${response.status} ${label} (${elapsed} ms)`);
      return response;
    } catch (error) {
      const elapsed = Math.round(performance.now() - startedAt);
      output.debug(`✗ ${label} failed: ${failureCode(error)} (${elapsed} ms)`);
      throw error;
    }
  };
}
