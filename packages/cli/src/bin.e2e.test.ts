/**
 * The real `imbridge` executable, spawned from source with tsx (no build needed): argument
 * handling, `.env` from the working directory, stdio that is not a terminal, exit codes. The
 * built `dist/bin.js` is exercised after a build by the packaging checks, not here: a stale
 * build would test old code.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { LocalTencentChat } from '@imbridge/tencent-chat/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS, startLocalTencent, temporaryDirectory } from './__fixtures__/harness.ts';

const BIN = join(import.meta.dirname, 'bin.ts');
const TSX = createRequire(import.meta.url).resolve('tsx');

interface Spawned {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `imbridge <argv>` as a child process in `cwd`, with `env` only (and PATH). */
function imbridge(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@imbridge/source', '--import', TSX, BIN, ...argv],
      { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

let local: LocalTencentChat;
let files: Awaited<ReturnType<typeof temporaryDirectory>>;
let empty: Awaited<ReturnType<typeof temporaryDirectory>>;

beforeAll(async () => {
  const started = await startLocalTencent();
  local = started.local;
  const dotEnv = Object.entries(started.env)
    .map(([name, value]) => `${name}=${value}`)
    .join('\n');
  files = await temporaryDirectory({ '.env': `${dotEnv}\n` });
  empty = await temporaryDirectory({});
});
afterAll(async () => {
  await local.close();
  await files.remove();
  await empty.remove();
});

describe('the imbridge bin', () => {
  it('prints its help and exits 0', async () => {
    const result = await imbridge(['--help'], files.directory);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: imbridge');
    expect(result.stdout).toContain('Exit codes:');
  }, 30_000);

  it('reads .env from the working directory and answers JSON', async () => {
    const result = await imbridge(
      ['tencent', 'robot', 'create', '@RBT#bin', '--json'],
      files.directory,
    );
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ ok: true, robotId: '@RBT#bin' });
    expect(local.robotIds).toContain('@RBT#bin');
  }, 30_000);

  it('exits 3 without settings, with no colour on a pipe and no secret', async () => {
    const result = await imbridge(['doctor', '--vendor', 'tencent'], empty.directory, {
      TENCENT_IM_SECRET_KEY: SECRETS.TENCENT_IM_SECRET_KEY,
    });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('TENCENT_IM_SDK_APP_ID is not set');
    expect(`${result.stdout}${result.stderr}`).not.toContain('\u001b[');
    expect(`${result.stdout}${result.stderr}`).not.toContain(SECRETS.TENCENT_IM_SECRET_KEY);
  }, 30_000);
});
