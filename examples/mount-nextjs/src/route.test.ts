import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createTencentChatClient, decodeChatbotPayload } from '@imbridge/tencent-chat';
import { createLocalTencentChat, type LocalTencentChat } from '@imbridge/tencent-chat/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sdkAppId = 1400000106;
const secretKey = 'mount-nextjs-secret-key';
const callbackToken = 'mount-nextjs-token';
const robotId = '@RBT#assistant';
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');

const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) continue;
    const exited = once(child, 'exit');
    process.kill(-child.pid, 'SIGTERM'); // the child's own process group (next start and its workers)
    await exited;
  }
});

/** Runs `next <args>` in this package, in a process group of its own; collects its output. */
function next(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [nextBin, ...args], {
    cwd: packageDirectory,
    env: { ...process.env, NODE_OPTIONS: '', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  return { child, output: () => output };
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

describe('mount-nextjs (real Next.js: next build, then next start)', () => {
  beforeAll(async () => {
    // A production build: compiles the route with webpack and checks its exports against
    // Next's route handler types (POST's second argument included).
    const build = next(['build']);
    const [code] = (await once(build.child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`next build failed:\n${build.output()}`);
  }, 120_000);

  it('answers a signed webhook through app/tencent-chat/webhook/route.ts with a streamed, finished reply', async () => {
    const chat = await createLocalTencentChat({ sdkAppId, secretKey, callbackToken });
    try {
      await createTencentChatClient({
        sdkAppId,
        secretKey,
        adminUserId: chat.adminUserId,
        baseUrl: chat.baseUrl,
      }).createRobot({ robotId });
      chat.importAccount('alice');

      const server = next(['start', '--port', '0', '--hostname', '127.0.0.1'], {
        TENCENT_IM_SDK_APP_ID: String(sdkAppId),
        TENCENT_IM_SECRET_KEY: secretKey,
        TENCENT_IM_CALLBACK_TOKEN: callbackToken,
        TENCENT_IM_ADMIN_USER_ID: chat.adminUserId,
        TENCENT_IM_ROBOT_ID: robotId,
        TENCENT_IM_BASE_URL: chat.baseUrl,
      });
      const startedBy = Date.now() + 15_000;
      let baseUrl: string | undefined;
      while (baseUrl === undefined || !/Ready in/.test(server.output())) {
        if (server.child.exitCode !== null || Date.now() > startedBy)
          throw new Error(`next start did not come up:\n${server.output()}`);
        baseUrl = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(server.output())?.[1];
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      chat.setCallbackUrl(`${baseUrl}/tencent-chat/webhook`);

      const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'hello next' });
      expect(delivery.status).toBe(200);
      const finishedBy = Date.now() + 10_000;
      for (;;) {
        const last = replies(chat)[0]?.at(-1);
        if (last?.kind === 'stream' && last.isFinished) break;
        if (Date.now() > finishedBy) throw new Error(`no finished reply:\n${server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      const [versions, ...others] = replies(chat);
      expect(others).toEqual([]);
      expect(versions?.length).toBeGreaterThan(1);
      expect(
        versions
          ?.slice(0, -1)
          .every((payload) => payload?.kind === 'stream' && !payload.isFinished),
      ).toBe(true);
      const last = versions?.at(-1);
      expect(last?.kind === 'stream' ? last.chunks.join('') : '').toBe('You said: hello next');
      // after() was accepted in the request's scope (it throws outside one) and nothing failed.
      expect(server.output()).not.toMatch(/error|failed/i);
    } finally {
      await chat.close();
    }
  }, 30_000);
});
