import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTencentChatClient, decodeChatbotPayload } from '@imbridge/tencent-chat';
import { createLocalTencentChat, type LocalTencentChat } from '@imbridge/tencent-chat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_PATH } from './app.ts';

const sdkAppId = 1400000107;
const secretKey = 'mount-hono-workerd-secret-key';
const callbackToken = 'mount-hono-workerd-token';
const robotId = '@RBT#assistant';
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
// miniflare 4 needs Node 22+: the repository's tools/runtimes package brings a node22 binary.
const node22 = fileURLToPath(
  new URL('../../../tools/runtimes/node_modules/node22/bin/node', import.meta.url),
);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts scripts/serve-worker.mjs (src/worker.ts on workerd); resolves with its base URL. */
async function startWorker(
  bindings: Record<string, string>,
): Promise<{ url: string; output: () => string }> {
  const child: ChildProcess = spawn(node22, ['scripts/serve-worker.mjs'], {
    cwd: packageDirectory,
    env: { ...process.env, NODE_OPTIONS: '', WORKER_BINDINGS: JSON.stringify(bindings) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM'); // the script disposes miniflare (and its workerd) and exits
    await exited;
  });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const url = /worker listening: (\S+)/.exec(output)?.[1];
    if (url !== undefined) return { url: url.replace(/\/$/, ''), output: () => output };
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the worker did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The robot's replies in alice's conversation, each as the versions a chat client saw. */
function replies(chat: LocalTencentChat) {
  return chat
    .conversation({ userId: 'alice', robotId })
    .filter((message) => message.from === robotId)
    .map((message) =>
      message.versions.map((elements) => {
        const custom = elements.find((element) => element.type === 'custom');
        return custom?.type === 'custom' ? decodeChatbotPayload(custom.data) : undefined;
      }),
    );
}

describe('mount-hono on Cloudflare Workers (workerd through miniflare)', () => {
  it.skipIf(!existsSync(node22))(
    'answers a signed webhook from src/worker.ts, streaming the reply under waitUntil',
    async () => {
      const chat = await createLocalTencentChat({ sdkAppId, secretKey, callbackToken });
      cleanups.push(() => chat.close());
      await createTencentChatClient({
        sdkAppId,
        secretKey,
        adminUserId: chat.adminUserId,
        baseUrl: chat.baseUrl,
      }).createRobot({ robotId });
      chat.importAccount('alice');

      const worker = await startWorker({
        TENCENT_IM_SDK_APP_ID: String(sdkAppId),
        TENCENT_IM_SECRET_KEY: secretKey,
        TENCENT_IM_CALLBACK_TOKEN: callbackToken,
        TENCENT_IM_ADMIN_USER_ID: chat.adminUserId,
        TENCENT_IM_ROBOT_ID: robotId,
        TENCENT_IM_BASE_URL: chat.baseUrl,
      });
      chat.setCallbackUrl(`${worker.url}${WEBHOOK_PATH}`);

      const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'hello workers' });
      expect(delivery.status).toBe(200);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const last = replies(chat)[0]?.at(-1);
        if (last?.kind === 'stream' && last.isFinished) break;
        if (Date.now() > deadline) throw new Error(`no finished reply:\n${worker.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const [versions, ...others] = replies(chat);
      expect(others).toEqual([]);
      expect(versions?.length).toBeGreaterThan(1);
      const last = versions?.at(-1);
      expect(last?.kind === 'stream' ? last.chunks.join('') : '').toBe('You said: hello workers');
      expect(worker.output()).not.toMatch(/error|failed|rejected/i);
    },
    30_000,
  );
});
