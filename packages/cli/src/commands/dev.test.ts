/**
 * `imbridge dev` through `run()`, with the Node dev host: it prints where the playground is,
 * serves it until the signal aborts, then closes it and exits 130; a taken port is a usage error.
 */
import { describe, expect, it } from 'vitest';
import { memoryStream } from '../__fixtures__/harness.ts';
import { run } from '../cli/run.ts';
import { nodeDevHost } from '../dev/node-host.ts';

async function until(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('imbridge dev', () => {
  it('runs the playground until interrupted, then exits 130', async () => {
    const stdout = memoryStream();
    const stderr = memoryStream();
    const controller = new AbortController();
    const running = run(['dev', '--port', '0', '--json'], {
      env: {},
      stdout,
      stderr,
      signal: controller.signal,
      devHost: nodeDevHost,
    });
    await until(() => stdout.text.includes('"status": "running"'));
    const ready = JSON.parse(stdout.text) as { url: string; bots: Record<string, string> };
    expect(ready.bots).toEqual({
      'tencent-chat': 'example bot',
      rongcloud: 'example bot',
      trtc: 'example bot',
    });
    const page = await fetch(ready.url);
    expect(page.status).toBe(200);
    controller.abort();
    const { exitCode } = await running;
    expect(exitCode).toBe(130);
    expect(stdout.text).toContain('"status": "stopped"');
    await expect(fetch(ready.url)).rejects.toThrow();
  }, 30_000);

  it('prints the page, the vendors and the settings of your bot for people', async () => {
    const stdout = memoryStream();
    const controller = new AbortController();
    const running = run(['dev', '--port', '0'], {
      env: { IMBRIDGE_DEV_RONGCLOUD_BOT_URL: 'http://127.0.0.1:9/rongcloud/webhook' },
      stdout,
      stderr: memoryStream(),
      signal: controller.signal,
      devHost: nodeDevHost,
    });
    await until(() => stdout.text.includes('Ctrl-C'));
    controller.abort();
    expect(await running).toEqual({ exitCode: 130 });
    expect(stdout.text).toMatch(/Open {2}http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout.text).toContain('RongCloud     http://127.0.0.1:9/rongcloud/webhook');
    expect(stdout.text).toContain('Settings of your bot for RongCloud:');
    expect(stdout.text).toMatch(/RONGCLOUD_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/vendor\/rongcloud/);
    expect(stdout.text).not.toContain('TENCENT_IM_BASE_URL=');
  }, 30_000);

  it('says so when the port is taken (exit code 2)', async () => {
    const taken = await nodeDevHost.listen(async () => new Response('busy'), { port: 0 });
    try {
      const port = new URL(taken.url).port;
      const stderr = memoryStream();
      const { exitCode } = await run(['dev', '--port', port], {
        env: {},
        stdout: memoryStream(),
        stderr,
        devHost: nodeDevHost,
      });
      expect(exitCode).toBe(2);
      expect(stderr.text).toContain(`port ${port} of 127.0.0.1 is taken`);
    } finally {
      await taken.close();
    }
  });

  it('refuses a bot URL that is not http(s)', async () => {
    const stderr = memoryStream();
    const { exitCode } = await run(['dev', '--bot-url', 'ftp://example.com'], {
      env: {},
      stdout: memoryStream(),
      stderr,
      devHost: nodeDevHost,
    });
    expect(exitCode).toBe(2);
    expect(stderr.text).toContain('IMBRIDGE_DEV_BOT_URL must be an http(s) URL');
  });
});
