/**
 * Shutdowns and crashes: `close()` before the first token and mid-reply, and a bot process
 * killed with SIGKILL mid-reply and replaced by a new one on the same state. After each, the
 * delivery promise holds: the cut reply is finished (with the shutdown notice), the questions
 * still queued are answered by the next instance.
 */
import { memoryState } from '@imbridge/core';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnTypeScript, type TypeScriptChild } from '../fixtures/child-process.ts';
import { type StateServer, serveState } from '../fixtures/state-server.ts';
import { expectPromise } from '../harness/expect-promise.ts';
import { bubbles } from '../harness/promise-check.ts';
import { Scene } from '../harness/scene.ts';
import { waitFor } from '../harness/wait.ts';

const NOTICE = '(The answer was cut short because the service restarted. Please ask again.)';

let scene: Scene | undefined;
let stateServer: StateServer | undefined;
const children: TypeScriptChild[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => child.kill()));
  await scene?.close();
  await stateServer?.close();
  scene = undefined;
  stateServer = undefined;
});

describe('shutdown and crash', () => {
  it('close() mid-reply finishes the reply with the notice; the next instance answers the queue', async () => {
    scene = await Scene.create();
    const state = memoryState();
    const first = await scene.startBot({ state });
    await scene.ask('alice', { prefix: 'stall' });
    await scene.ask('alice');
    await scene.ask('bob', { prefix: 'stall' });
    await waitFor(
      () => bubbles(scene!.chat, 'alice').length === 1 && bubbles(scene!.chat, 'bob').length === 1,
    );
    await first.stop(5_000);
    const [cut] = bubbles(scene.chat, 'alice');
    expect(cut).toMatchObject({ kind: 'reply', finished: true });
    expect(cut?.text.endsWith(NOTICE)).toBe(true);
    // The question queued behind the cut reply waits in state for the next instance.
    await scene.startBot({ state });
    await expectPromise(scene, 'close() mid-reply, then a new instance');
  });

  it('close() before the first token hands the question back to the next instance', async () => {
    scene = await Scene.create();
    const state = memoryState();
    const first = await scene.startBot({ state, model: { chunkDelayMs: 2_000 } });
    await scene.ask('alice');
    await scene.ask('bob');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first.stop(5_000);
    expect(bubbles(scene.chat, 'alice')).toEqual([]);
    await scene.startBot({ state });
    await expectPromise(scene, 'close() before the first token, then a new instance');
  });

  it('a bot process killed mid-reply: a new process on the same state finishes it and answers the queue', async () => {
    scene = await Scene.create();
    stateServer = await serveState(memoryState());
    const start = async (): Promise<TypeScriptChild> => {
      const child = spawnTypeScript(new URL('../harness/bot-child.ts', import.meta.url), {
        env: {
          STATE_URL: stateServer?.url,
          CHAT_BASE_URL: scene?.chat.baseUrl,
          CHAT_ADMIN: scene?.chat.adminUserId,
          LOCK_TTL_MS: '600',
          RECOVERY_INTERVAL_MS: '150',
        },
      });
      children.push(child);
      const ready = JSON.parse(await child.waitForLine((line) => line.includes('"ready"'))) as {
        url: string;
      };
      scene?.chat.setCallbackUrl(ready.url);
      return child;
    };
    const first = await start();
    await scene.ask('alice', { prefix: 'stall' });
    await scene.ask('alice');
    await scene.ask('bob', { prefix: 'stall' });
    await scene.ask('carol');
    await waitFor(
      () => bubbles(scene!.chat, 'alice').length === 1 && bubbles(scene!.chat, 'bob').length === 1,
    );
    // Let the turn records catch up with the text shown, then kill without any cleanup.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first.kill('SIGKILL');
    expect(bubbles(scene.chat, 'alice')[0]?.finished).toBe(false);
    await start();
    const report = await expectPromise(scene, 'SIGKILL mid-reply, then a new process');
    expect(report.messages).toBe(4);
    for (const userId of ['alice', 'bob']) {
      const [cut] = bubbles(scene.chat, userId);
      expect(cut?.finished).toBe(true);
      expect(cut?.text.endsWith(NOTICE)).toBe(true);
    }
  });
});
