import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createTencentChatClient, decodeChatbotPayload } from '@imbridge/tencent-chat';
import { createLocalTencentChat, type LocalTencentChat } from '@imbridge/tencent-chat/testing';
import { afterEach, describe, expect, it } from 'vitest';

const sdkAppId = 1400000105;
const secretKey = 'mount-nestjs-secret-key';
const callbackToken = 'mount-nestjs-token';
const robotId = '@RBT#assistant';
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Starts `src/main.ts` as its own CommonJS process (tsx, in this `"type": "commonjs"` package),
 * configured through the `TENCENT_IM_*` variables; resolves with its output once it listens.
 */
async function startApp(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string }> {
  const tsx = createRequire(import.meta.url).resolve('tsx/cli');
  // --conditions=@imbridge/source: the workspace's sources, so the test needs no build. Without
  // it (as users run it) `require('@imbridge/core')` loads dist/index.cjs.
  const child = spawn(process.execPath, [tsx, '--conditions=@imbridge/source', 'src/main.ts'], {
    cwd: packageDirectory,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM'); // enableShutdownHooks: Nest closes the bot, then the process ends
      await exited;
    }
  });
  const deadline = Date.now() + 15_000;
  while (!output.includes('loaded from')) {
    if (child.exitCode !== null) throw new Error(`the app exited:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the app did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
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

describe('mount-nestjs', () => {
  it('answers a signed webhook from a CommonJS Nest app (rawBody: true) with a streamed, finished reply', async () => {
    const chat = await createLocalTencentChat({ sdkAppId, secretKey, callbackToken });
    cleanups.push(() => chat.close());
    await createTencentChatClient({
      sdkAppId,
      secretKey,
      adminUserId: chat.adminUserId,
      baseUrl: chat.baseUrl,
    }).createRobot({ robotId });
    chat.importAccount('alice');

    const app = await startApp({
      TENCENT_IM_SDK_APP_ID: String(sdkAppId),
      TENCENT_IM_SECRET_KEY: secretKey,
      TENCENT_IM_CALLBACK_TOKEN: callbackToken,
      TENCENT_IM_ADMIN_USER_ID: chat.adminUserId,
      TENCENT_IM_ROBOT_ID: robotId,
      TENCENT_IM_BASE_URL: chat.baseUrl,
      HOST: '127.0.0.1',
      PORT: '0',
    });
    const webhookUrl = /webhook listening: (\S+)/.exec(app.output())?.[1];
    expect(webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/tencent-chat\/webhook$/);
    // `require.resolve` ran: the app is CommonJS.
    expect(app.output()).toMatch(/@imbridge\/core loaded from \S+core[/\\]src[/\\]index\.ts/);
    chat.setCallbackUrl(webhookUrl);

    const delivery = await chat.userSends({ from: 'alice', to: robotId, text: 'hello nest' });
    expect(delivery.status).toBe(200);
    const deadline = Date.now() + 10_000;
    while (replies(chat)[0]?.at(-1)?.kind !== 'stream' || !isFinished(chat)) {
      if (Date.now() > deadline) throw new Error(`no finished reply:\n${app.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const [versions, ...others] = replies(chat);
    expect(others).toEqual([]);
    expect(versions?.length).toBeGreaterThan(1);
    expect(
      versions?.slice(0, -1).every((payload) => payload?.kind === 'stream' && !payload.isFinished),
    ).toBe(true);
    const last = versions?.at(-1);
    expect(last?.kind === 'stream' ? last.chunks.join('') : '').toBe('You said: hello nest');
    expect(app.output()).not.toMatch(/webhook-failed|error/i);
  });
});

function isFinished(chat: LocalTencentChat): boolean {
  const last = replies(chat)[0]?.at(-1);
  return last?.kind === 'stream' && last.isFinished;
}
