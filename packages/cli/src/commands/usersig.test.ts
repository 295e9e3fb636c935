import { verifyUserSig } from '@imbridge/tencent-chat';
import { describe, expect, it } from 'vitest';
import {
  expectNoSecrets,
  runCli,
  SECRETS,
  TENCENT_SDK_APP_ID,
  TRTC_SDK_APP_ID,
} from '../__fixtures__/harness.ts';

const env = {
  TENCENT_IM_SDK_APP_ID: String(TENCENT_SDK_APP_ID),
  TENCENT_IM_SECRET_KEY: SECRETS.TENCENT_IM_SECRET_KEY,
  TRTC_SDK_APP_ID: String(TRTC_SDK_APP_ID),
  TRTC_SECRET_KEY: SECRETS.TRTC_SECRET_KEY,
};

describe('usersig generate', () => {
  it('prints only the UserSig on stdout, signed with TENCENT_IM_SECRET_KEY', async () => {
    const result = await runCli(['usersig', 'generate', 'alice', '--expires-in', '3600'], { env });
    expect(result.exitCode).toBe(0);
    const userSig = result.stdout.trim();
    expect(userSig).not.toContain('\n');
    const check = await verifyUserSig({
      userSig,
      sdkAppId: TENCENT_SDK_APP_ID,
      secretKey: SECRETS.TENCENT_IM_SECRET_KEY,
      userId: 'alice',
    });
    expect(check).toMatchObject({ valid: true, expiresInSeconds: 3600 });
    expect(result.stderr).toContain(`UserSig of alice for SDKAppID ${TENCENT_SDK_APP_ID}`);
    expectNoSecrets(result);
  });

  it('uses the TRTC application with --trtc, and reports the expiry in --json', async () => {
    const result = await runCli(['usersig', 'generate', 'agent-1', '--trtc', '--json'], { env });
    expect(result.exitCode).toBe(0);
    const document = result.json();
    expect(document).toMatchObject({
      ok: true,
      userId: 'agent-1',
      sdkAppId: TRTC_SDK_APP_ID,
      expiresInSeconds: 15_552_000,
    });
    expect(typeof document.expiresAt).toBe('string');
    const check = await verifyUserSig({
      userSig: document.userSig,
      sdkAppId: TRTC_SDK_APP_ID,
      secretKey: SECRETS.TRTC_SECRET_KEY,
    });
    expect(check.valid).toBe(true);
    expect(result.stderr).toBe('');
  });

  it('refuses a bad --expires-in with exit code 2', async () => {
    const result = await runCli(['usersig', 'generate', 'alice', '--expires-in', 'soon'], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--expires-in must be an integer');
  });

  it('names the missing variable with exit code 3', async () => {
    const result = await runCli(['usersig', 'generate', 'alice', '--trtc'], {
      env: { TRTC_SDK_APP_ID: '1400000002' },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('TRTC_SECRET_KEY is not set');
  });
});

describe('usersig verify', () => {
  it('accepts a UserSig of the app and describes it', async () => {
    const generated = await runCli(['usersig', 'generate', 'alice'], { env });
    const userSig = generated.stdout.trim();
    const result = await runCli(['usersig', 'verify', userSig, '--user-id', 'alice', '--json'], {
      env,
    });
    expect(result.exitCode).toBe(0);
    expect(result.json()).toMatchObject({
      ok: true,
      valid: true,
      userId: 'alice',
      sdkAppId: TENCENT_SDK_APP_ID,
      hasUserBuf: false,
    });
  });

  it('exits 1 with the reason and a fix for a UserSig signed with another key', async () => {
    const generated = await runCli(['usersig', 'generate', 'alice'], {
      env: { ...env, TENCENT_IM_SECRET_KEY: 'another-secret-key-0000' },
    });
    const result = await runCli(['usersig', 'verify', generated.stdout.trim()], { env });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('invalid: signature-mismatch');
    expect(result.stdout).toContain('TENCENT_IM_SECRET_KEY');
    expectNoSecrets(result);
  });

  it('reports a malformed UserSig in --json', async () => {
    const result = await runCli(['usersig', 'verify', 'not-a-usersig', '--json'], { env });
    expect(result.exitCode).toBe(1);
    expect(result.json()).toMatchObject({ ok: false, valid: false, reason: 'malformed' });
  });
});
