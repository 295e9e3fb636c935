/**
 * A load balancer on loopback in front of several bot instances: the local Tencent Chat posts
 * its webhooks here, and each one goes to the next instance in turn (round robin) — or, in
 * `duplicate` mode, to every instance at once, as a vendor's retried delivery racing the first
 * one would. It answers the vendor with the first instance's answer.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How webhooks are spread over the instances. */
export type BalancerMode = 'round-robin' | 'duplicate';

/** A running balancer. */
export interface Balancer {
  /** Where the vendor posts webhooks. */
  readonly url: string;
  /** The instances' webhook URLs, in turn order; replace them at any time. */
  targets: string[];
  mode: BalancerMode;
  /** Webhooks forwarded, per target URL. */
  readonly forwarded: Map<string, number>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts a balancer on 127.0.0.1 (a free port). */
export async function startBalancer(targets: string[] = []): Promise<Balancer> {
  let turn = 0;
  const forwarded = new Map<string, number>();
  const balancer = { targets, mode: 'round-robin' as BalancerMode, forwarded } as Balancer & {
    url: string;
  };
  const post = async (target: string, path: string, body: string, headers: Headers) => {
    forwarded.set(target, (forwarded.get(target) ?? 0) + 1);
    const url = new URL(target);
    url.search = new URL(path, 'http://x').search;
    const response = await fetch(url, { method: 'POST', headers, body });
    return { status: response.status, text: await response.text() };
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const headers = new Headers({
        'content-type': request.headers['content-type'] ?? 'application/json',
      });
      const chosen =
        balancer.mode === 'duplicate'
          ? [...balancer.targets]
          : [balancer.targets[turn++ % Math.max(1, balancer.targets.length)] as string];
      try {
        const answers = await Promise.all(
          chosen.map((target) => post(target, request.url ?? '/', body, headers)),
        );
        const [first] = answers;
        response.writeHead(first?.status ?? 502, { 'content-type': 'application/json' });
        response.end(first?.text ?? '');
      } catch {
        // An instance that is down (killed): the vendor sees a failed delivery.
        response.writeHead(502);
        response.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  balancer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  balancer.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return balancer;
}
