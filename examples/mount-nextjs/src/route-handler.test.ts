import type { RequestHandler, WebhookContext } from '@imbridge/core';
import { describe, expect, it, vi } from 'vitest';

// Outside a Next.js server there is no request scope for the real after(): record the calls.
const after = vi.hoisted(() => vi.fn<(task: Promise<unknown>) => void>());
vi.mock('next/server', () => ({ after }));

const { toNextRouteHandler } = await import('./route-handler.ts');

describe('toNextRouteHandler (without Next.js: a fake after())', () => {
  it("passes the request through, takes Next's second argument, and hands background work to after()", async () => {
    const work = Promise.resolve('reply finished');
    const seen: Array<{ request: Request; context: WebhookContext | undefined }> = [];
    const webhook: RequestHandler = async (request, context) => {
      seen.push({ request, context });
      context?.waitUntil?.(work);
      return new Response('{}', { status: 200 });
    };
    const POST = toNextRouteHandler(() => webhook);

    const request = new Request('http://localhost/tencent-chat/webhook', {
      method: 'POST',
      body: '{}',
    });
    const response = await POST(request, { params: Promise.resolve({}) });

    expect(response.status).toBe(200);
    expect(seen[0]?.request).toBe(request);
    expect(after).toHaveBeenCalledTimes(1);
    expect(after.mock.calls[0]?.[0]).toBe(work);
  });
});
