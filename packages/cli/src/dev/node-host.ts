/**
 * The Node implementation of {@link DevHost}: `node:http` on 127.0.0.1 through core's
 * `toNodeListener` (which streams the event stream as it is written and aborts the request when
 * the browser goes away), and the platform's URL opener. Reached only from the bin.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import process from 'node:process';
import { toNodeListener } from '@imbridge/core';
import type { DevHost, DevListener, DevListenOptions, DevRequestHandler } from './host.ts';

const MAX_BODY_BYTES = 1024 * 1024;

async function listen(handler: DevRequestHandler, options: DevListenOptions): Promise<DevListener> {
  const listener = toNodeListener(handler, {
    baseUrl: 'http://127.0.0.1',
    maxBodyBytes: MAX_BODY_BYTES,
    logger: false,
  });
  const server = createServer((request, response) => {
    void listener(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new Error('could not read the address of the playground server');
  }
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** The command that opens a URL on this platform. */
function opener(url: string): { command: string; args: string[] } {
  if (process.platform === 'darwin') return { command: 'open', args: [url] };
  if (process.platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url] };
  return { command: 'xdg-open', args: [url] };
}

function openBrowser(url: string): Promise<void> {
  const { command, args } = opener(url);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

/** {@link DevHost} on Node: what the `imbridge` bin passes to `run()`. */
export const nodeDevHost: DevHost = { listen, openBrowser };
