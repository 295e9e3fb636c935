import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.ts';

const base = {
  TRTC_SDK_APP_ID: '1400123456',
  TRTC_SECRET_KEY: 'trtc-sdk-secret-value-1234',
  TENCENTCLOUD_SECRET_ID: 'AKIDexample0123456789',
  TENCENTCLOUD_SECRET_KEY: 'cloud-api-secret-value-5678',
  TRTC_AGENT_PUBLIC_URL: 'https://bot.example.com/trtc/v1',
  ADMIN_TOKEN: 'admin-token-secret-value-9012',
};

function failure(env: Record<string, string>): ConfigError {
  try {
    readConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('readConfig did not fail');
}

describe('readConfig', () => {
  it('reads the settings with defaults: ap-guangzhou, port 3000, the offline model', () => {
    expect(readConfig(base)).toEqual({
      trtc: {
        sdkAppId: 1400123456,
        secretKey: 'trtc-sdk-secret-value-1234',
        credentials: {
          secretId: 'AKIDexample0123456789',
          secretKey: 'cloud-api-secret-value-5678',
        },
        region: 'ap-guangzhou',
        endpoint: 'china',
        baseUrl: undefined,
      },
      agent: {
        systemPrompt: expect.stringContaining('voice assistant'),
        welcomeMessage: undefined,
        ttsConfig: { type: 'flow', voiceId: 'v-female-R2s4N9qJ', model: 'flow_01_turbo' },
      },
      publicUrl: 'https://bot.example.com/trtc/v1',
      adminToken: 'admin-token-secret-value-9012',
      port: 3000,
      model: { kind: 'scripted' },
    });
    expect(
      readConfig({
        ...base,
        TENCENTCLOUD_REGION: 'ap-singapore',
        TRTC_ENDPOINT: 'international',
        TRTC_BASE_URL: 'http://127.0.0.1:8080/',
        PORT: '8080',
        AGENT_WELCOME_MESSAGE: 'Hello!',
        MODEL: 'dify',
        DIFY_API_KEY: 'app-dify-key',
      }),
    ).toMatchObject({
      trtc: { region: 'ap-singapore', endpoint: 'international', baseUrl: 'http://127.0.0.1:8080' },
      agent: { welcomeMessage: 'Hello!' },
      port: 8080,
      model: {
        kind: 'dify',
        baseUrl: 'https://api.dify.ai/v1',
        apiKey: 'app-dify-key',
        app: 'chat',
      },
    });
    expect(
      readConfig({
        ...base,
        MODEL: 'openai-compatible',
        LLM_BASE_URL: 'https://api.deepseek.com/',
        LLM_MODEL: 'deepseek-chat',
      }).model,
    ).toEqual({
      kind: 'openai-compatible',
      baseUrl: 'https://api.deepseek.com',
      model: 'deepseek-chat',
      apiKey: undefined,
    });
  });

  it('names each missing variable and says what it should hold', () => {
    for (const name of Object.keys(base)) {
      const error = failure({ ...base, [name]: ' ' });
      expect(error.variable).toBe(name);
      expect(error.message).toMatch(new RegExp(`^Set ${name}: .+ \\(see \\.env\\.example\\)$`));
    }
    expect(failure({ ...base, MODEL: 'openai-compatible' }).variable).toBe('LLM_BASE_URL');
    expect(
      failure({ ...base, MODEL: 'openai-compatible', LLM_BASE_URL: 'https://api.x.ai' }).variable,
    ).toBe('LLM_MODEL');
    expect(failure({ ...base, MODEL: 'dify' }).variable).toBe('DIFY_API_KEY');
    expect(failure({ ...base, MODEL: 'minimax' }).variable).toBe('MINIMAX_API_KEY');
  });

  it('names the malformed variable', () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ TRTC_SDK_APP_ID: 'app-1' }, 'TRTC_SDK_APP_ID', 'a number such as 1400000000'],
      [{ TENCENTCLOUD_REGION: 'Guangzhou' }, 'TENCENTCLOUD_REGION', 'ap-guangzhou'],
      [{ TRTC_ENDPOINT: 'global' }, 'TRTC_ENDPOINT', 'china, international'],
      [{ TRTC_BASE_URL: '127.0.0.1:8080' }, 'TRTC_BASE_URL', 'http(s) URL'],
      [{ TRTC_AGENT_PUBLIC_URL: 'bot.example.com' }, 'TRTC_AGENT_PUBLIC_URL', 'http(s) URL'],
      [
        { TRTC_AGENT_PUBLIC_URL: 'https://bot.example.com/trtc/v1?key=1' },
        'TRTC_AGENT_PUBLIC_URL',
        'query',
      ],
      [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN', 'at least 16 characters'],
      [{ PORT: 'http' }, 'PORT', 'port number'],
      [{ MODEL: 'gpt-4o' }, 'MODEL', 'scripted, openai-compatible, dify, minimax'],
      [{ MODEL: 'dify', DIFY_API_KEY: 'app-x', DIFY_APP: 'workflow' }, 'DIFY_APP', 'chat, agent'],
    ];
    for (const [change, variable, text] of cases) {
      const error = failure({ ...base, ...change });
      expect([error.variable, error.message]).toEqual([variable, expect.stringContaining(text)]);
    }
  });

  it('never shows a secret, even when it is in the wrong place', () => {
    const swapped = failure({ ...base, TENCENTCLOUD_SECRET_KEY: base.TRTC_SECRET_KEY });
    expect(swapped.variable).toBe('TENCENTCLOUD_SECRET_KEY');
    expect(swapped.message).toContain('holds the TRTC SDK secret key');
    expect(swapped.message).not.toContain(base.TRTC_SECRET_KEY);
    const short = failure({ ...base, ADMIN_TOKEN: 'short secret' });
    expect(short.message).not.toContain('short secret');
  });
});

describe('pnpm start', () => {
  it('refuses to start without ADMIN_TOKEN, naming it', async () => {
    const main = fileURLToPath(new URL('./server-main.ts', import.meta.url));
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...base };
    delete env.ADMIN_TOKEN;
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', '--conditions=@imbridge/source', main],
          { env, timeout: 20_000 },
          (error, _stdout, stderr) => {
            resolve({ code: error === null ? 0 : (error.code as number | null), stderr });
          },
        );
      },
    );
    expect(code).toBe(2);
    expect(stderr).toContain(
      'Set ADMIN_TOKEN: the bearer token that protects starting and stopping agents',
    );
    expect(stderr).not.toContain(base.TRTC_SECRET_KEY);
  });
});
