import type { LocalRongCloud } from '@imbridge/rongcloud/testing';
import type { LocalTencentChat } from '@imbridge/tencent-chat/testing';
import type { LocalTRTC } from '@imbridge/trtc/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNoSecrets,
  runCli,
  startLocalRongCloud,
  startLocalTencent,
  startLocalTrtc,
  unreachableBaseUrl,
} from '../__fixtures__/harness.ts';

let tencent: LocalTencentChat;
let rongcloud: LocalRongCloud;
let trtc: LocalTRTC;
let env: Record<string, string>;

beforeAll(async () => {
  const started = await Promise.all([startLocalTencent(), startLocalRongCloud(), startLocalTrtc()]);
  [tencent, rongcloud, trtc] = [started[0].local, started[1].local, started[2].local];
  env = { ...started[0].env, ...started[1].env, ...started[2].env };
});
afterAll(async () => {
  await Promise.all([tencent.close(), rongcloud.close(), trtc.close()]);
});

interface Check {
  vendor: string;
  status: string;
  problems: Array<{ message: string; fix?: string; variable?: string }>;
  warnings: Array<{ message: string; variable?: string }>;
}

function checksOf(document: Record<string, unknown>): Record<string, Check> {
  const checks = document.checks as Check[];
  return Object.fromEntries(checks.map((check) => [check.vendor, check]));
}

describe('doctor', () => {
  it('passes when every configured vendor accepts a signed call', async () => {
    const requestsBefore = tencent.requests.length;
    const result = await runCli(['doctor'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Tencent Chat\s+ok\s+signed call accepted/);
    expect(result.stdout).toMatch(/RongCloud\s+ok\s+signed call accepted/);
    expect(result.stdout).toMatch(/TRTC\s+ok\s+signed call accepted/);
    expect(tencent.requests.slice(requestsBefore).map((request) => request.api)).toEqual([
      'openim_robot_http_svc/get_all_robots',
    ]);
    expectNoSecrets(result);
  });

  it('detects a wrong secret and says how to fix it, without printing either key', async () => {
    const result = await runCli(['doctor', '--json'], {
      env: { ...env, RONGCLOUD_APP_SECRET: 'a-wrong-app-secret-000' },
    });
    expect(result.exitCode).toBe(1);
    const document = result.json();
    expect(document).toMatchObject({ ok: false, exitCode: 1 });
    const checks = checksOf(document);
    expect(checks.tencent?.status).toBe('ok');
    expect(checks.rongcloud?.status).toBe('failed');
    expect(checks.rongcloud?.problems[0]?.message).toContain('(code 1004)');
    expect(checks.rongcloud?.problems[0]?.fix).toContain('RONGCLOUD_APP_SECRET');
    expect(result.stdout).not.toContain('a-wrong-app-secret-000');
    expectNoSecrets(result);
  });

  it('detects a missing variable of a vendor that is partly configured (exit code 3)', async () => {
    const result = await runCli(['doctor'], {
      env: { ...env, TENCENT_IM_SECRET_KEY: undefined },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/Tencent Chat\s+misconfigured/);
    expect(result.stdout).toContain('TENCENT_IM_SECRET_KEY is not set');
    expect(result.stdout).toContain("fix: set it to the app's secret key");
    expect(result.stdout).toMatch(/RongCloud\s+ok/);
  });

  it('reports an unreachable host (exit code 4)', async () => {
    const result = await runCli(['doctor', '--vendor', 'trtc', '--json'], {
      env: { ...env, TRTC_BASE_URL: await unreachableBaseUrl() },
    });
    expect(result.exitCode).toBe(4);
    const checks = checksOf(result.json());
    expect(checks.trtc?.status).toBe('unreachable');
    expect(checks.trtc?.problems[0]?.message).toContain('ECONNREFUSED');
    expect(Object.keys(checks)).toEqual(['trtc']);
  });

  it('warns about what later commands will need, without failing', async () => {
    const result = await runCli(['doctor', '--json'], {
      env: { ...env, TENCENT_IM_CALLBACK_TOKEN: undefined, TRTC_SECRET_KEY: undefined },
    });
    expect(result.exitCode).toBe(0);
    const checks = checksOf(result.json());
    expect(checks.tencent?.warnings.map((warning) => warning.variable)).toEqual([
      'TENCENT_IM_CALLBACK_TOKEN',
    ]);
    expect(checks.trtc?.warnings.map((warning) => warning.variable)).toEqual(['TRTC_SECRET_KEY']);
  });

  it('skips vendors that are not configured, and exits 3 when none is', async () => {
    const some = await runCli(['doctor', '--json'], {
      env: {
        TENCENT_IM_SDK_APP_ID: env.TENCENT_IM_SDK_APP_ID,
        TENCENT_IM_SECRET_KEY: env.TENCENT_IM_SECRET_KEY,
        TENCENT_IM_BASE_URL: env.TENCENT_IM_BASE_URL,
      },
    });
    expect(some.exitCode).toBe(0);
    expect(checksOf(some.json()).rongcloud?.status).toBe('skipped');

    const none = await runCli(['doctor'], { env: {} });
    expect(none.exitCode).toBe(3);
    expect(none.stdout).toContain('No vendor is configured');
  });

  it('requires a vendor asked for with --vendor', async () => {
    const result = await runCli(['doctor', '--vendor', 'rongcloud'], { env: {} });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('RONGCLOUD_APP_KEY is not set');
    expect(result.stdout).toContain('RONGCLOUD_APP_SECRET is not set');
  });
});
