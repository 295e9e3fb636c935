/**
 * Runs `imbridge` in process against the vendors' local stand-ins (real HTTP on 127.0.0.1),
 * with an environment of the test's own (never the developer's), memory streams and, when asked,
 * a `.env` read from a temporary directory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalRongCloud, type LocalRongCloud } from '@imbridge/rongcloud/testing';
import { createLocalTencentChat, type LocalTencentChat } from '@imbridge/tencent-chat/testing';
import { createLocalTRTC, type LocalTRTC } from '@imbridge/trtc/testing';
import { expect } from 'vitest';
import { REDACTED } from '../cli/redact.ts';
import { run } from '../cli/run.ts';
import type { OutputStream } from '../cli/streams.ts';
import { createEnvFileLoader } from '../node/env-file.ts';

/** The secrets of the tests: none may ever be printed. */
export const SECRETS = {
  TENCENT_IM_SECRET_KEY: 'tencent-secret-key-9f8e7d6c5b4a',
  TENCENT_IM_CALLBACK_TOKEN: 'tencent-callback-token-5566aa',
  RONGCLOUD_APP_SECRET: 'rongcloud-app-secret-77/88+x',
  TENCENTCLOUD_SECRET_KEY: 'tencentcloud-secret-key-1122bb',
  TRTC_SECRET_KEY: 'trtc-sdk-secret-key-3344cc',
  TRTC_CALLBACK_KEY: 'TrtcCallbackKey9988',
  LLM_API_KEY: 'sk-llm-api-key-5544dd',
  DIFY_API_KEY: 'app-dify-api-key-6655ee',
} as const;

/** The apps of the local stand-ins. */
export const TENCENT_SDK_APP_ID = 1_400_000_001;
export const TRTC_SDK_APP_ID = 1_400_000_002;
export const RONGCLOUD_APP_KEY = 'local-app-key';
export const TENCENTCLOUD_SECRET_ID = 'AKIDlocalcli';

/** A stream that keeps what is written. */
export interface MemoryStream extends OutputStream {
  /** Everything written. */
  readonly text: string;
}

/** A memory stream, a terminal or not. */
export function memoryStream(isTTY = false): MemoryStream {
  let text = '';
  return {
    isTTY,
    columns: 100,
    write(chunk: string) {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

/** What one invocation did. */
export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as the one JSON document of `--json`. */
  json(): Record<string, unknown>;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** The environment (nothing of the real one). @default {} */
  env?: Record<string, string | undefined> | undefined;
  /** Where `.env` files are read from; without it none is. */
  directory?: string | undefined;
  stdoutTTY?: boolean | undefined;
  stderrTTY?: boolean | undefined;
  fetch?: typeof fetch | undefined;
}

/** Runs `imbridge <argv>` in process. */
export async function runCli(argv: string[], options: RunCliOptions = {}): Promise<CliRun> {
  const stdout = memoryStream(options.stdoutTTY);
  const stderr = memoryStream(options.stderrTTY);
  const { exitCode } = await run(argv, {
    env: options.env ?? {},
    stdout,
    stderr,
    fetch: options.fetch,
    loadEnvFile:
      options.directory === undefined
        ? async () => undefined
        : createEnvFileLoader(options.directory),
  });
  return {
    exitCode,
    stdout: stdout.text,
    stderr: stderr.text,
    json: () => JSON.parse(stdout.text) as Record<string, unknown>,
  };
}

/**
 * Asserts that no secret of {@link SECRETS} (raw or URL-encoded) was printed — and that the
 * redactor had nothing to hide either, unless `allowRedacted` (a command that hides a vendor's
 * key on purpose).
 */
export function expectNoSecrets(result: CliRun, options: { allowRedacted?: boolean } = {}): void {
  const printed = `${result.stdout}\n${result.stderr}`;
  for (const secret of Object.values(SECRETS)) {
    expect(printed).not.toContain(secret);
    expect(printed).not.toContain(encodeURIComponent(secret));
  }
  if (options.allowRedacted !== true) expect(printed).not.toContain(REDACTED);
}

/** A temporary directory holding `files`; remove it with the returned function. */
export async function temporaryDirectory(
  files: Record<string, string>,
): Promise<{ directory: string; remove: () => Promise<void> }> {
  const directory = await mkdtemp(join(tmpdir(), 'imbridge-cli-'));
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(directory, name), content);
  }
  return { directory, remove: () => rm(directory, { recursive: true, force: true }) };
}

/** A local Tencent Chat and the environment pointing at it. */
export async function startLocalTencent(): Promise<{
  local: LocalTencentChat;
  env: Record<string, string>;
}> {
  const local = await createLocalTencentChat({
    sdkAppId: TENCENT_SDK_APP_ID,
    secretKey: SECRETS.TENCENT_IM_SECRET_KEY,
  });
  return {
    local,
    env: {
      TENCENT_IM_SDK_APP_ID: String(TENCENT_SDK_APP_ID),
      TENCENT_IM_SECRET_KEY: SECRETS.TENCENT_IM_SECRET_KEY,
      TENCENT_IM_BASE_URL: local.baseUrl,
      TENCENT_IM_CALLBACK_TOKEN: SECRETS.TENCENT_IM_CALLBACK_TOKEN,
    },
  };
}

/** A local RongCloud and the environment pointing at it. */
export async function startLocalRongCloud(): Promise<{
  local: LocalRongCloud;
  env: Record<string, string>;
}> {
  const local = await createLocalRongCloud({
    appKey: RONGCLOUD_APP_KEY,
    appSecret: SECRETS.RONGCLOUD_APP_SECRET,
  });
  return {
    local,
    env: {
      RONGCLOUD_APP_KEY,
      RONGCLOUD_APP_SECRET: SECRETS.RONGCLOUD_APP_SECRET,
      RONGCLOUD_BASE_URL: local.primaryUrl,
      DIFY_API_KEY: SECRETS.DIFY_API_KEY,
    },
  };
}

/** A local TRTC and the environment pointing at it. */
export async function startLocalTrtc(): Promise<{ local: LocalTRTC; env: Record<string, string> }> {
  const local = await createLocalTRTC({
    secretId: TENCENTCLOUD_SECRET_ID,
    secretKey: SECRETS.TENCENTCLOUD_SECRET_KEY,
    sdkAppId: TRTC_SDK_APP_ID,
    webhookRetry: false,
  });
  return {
    local,
    env: {
      TENCENTCLOUD_SECRET_ID,
      TENCENTCLOUD_SECRET_KEY: SECRETS.TENCENTCLOUD_SECRET_KEY,
      TRTC_BASE_URL: local.baseUrl,
      TRTC_SDK_APP_ID: String(TRTC_SDK_APP_ID),
      TRTC_SECRET_KEY: SECRETS.TRTC_SECRET_KEY,
    },
  };
}

/** A base URL where nothing listens (a port that was free a moment ago). */
export async function unreachableBaseUrl(): Promise<string> {
  const { createServer } = await import('node:http');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
