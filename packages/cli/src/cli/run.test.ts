import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  memoryStream,
  runCli,
  SECRETS,
  startLocalTencent,
  TENCENT_SDK_APP_ID,
  temporaryDirectory,
} from '../__fixtures__/harness.ts';
import { VERSION } from '../version.ts';
import type { Runtime } from './context.ts';
import { createProgram } from './program.ts';
import { createRedactor } from './redact.ts';
import { run } from './run.ts';

/** Every command path of the tree, groups included: `['tencent', 'robot', 'create']`… */
function commandPaths(): string[][] {
  const runtime: Runtime = {
    env: {},
    stdout: memoryStream(),
    stderr: memoryStream(),
    fetch,
    loadEnvFile: undefined,
    signal: undefined,
    redactor: createRedactor(),
    output: undefined,
  };
  const program = createProgram(runtime, () => async () => {});
  const paths: string[][] = [];
  const walk = (command: Command, path: string[]) => {
    for (const child of command.commands) {
      const childPath = [...path, child.name()];
      paths.push(childPath);
      walk(child, childPath);
    }
  };
  walk(program, []);
  return paths;
}

describe('help', () => {
  it('lists the commands, the exit codes and examples', async () => {
    const result = await runCli(['--help']);
    expect(result.exitCode).toBe(0);
    for (const name of ['usersig', 'tencent', 'rongcloud', 'trtc', 'webhook', 'doctor']) {
      expect(result.stdout).toContain(`\n  ${name}`);
    }
    expect(result.stdout).toContain('Exit codes:');
    expect(result.stdout).toContain('Examples:');
  });

  it('shows examples in the help of every command', async () => {
    const paths = commandPaths().filter((path) => path.at(-1) !== 'dev');
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      const result = await runCli([...path, '--help']);
      expect(result.exitCode, path.join(' ')).toBe(0);
      expect(result.stdout, path.join(' ')).toMatch(/Examples:\n {2}\$ imbridge /);
    }
  });

  it('prints the version', async () => {
    const result = await runCli(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  it('prints the help of a group called without a subcommand, with exit code 2', async () => {
    const result = await runCli(['tencent']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('Usage: imbridge tencent');
  });
});

describe('usage errors', () => {
  it('exits 2 for an unknown command or option', async () => {
    const command = await runCli(['frobnicate']);
    expect(command.exitCode).toBe(2);
    expect(command.stderr).toContain("error: unknown command 'frobnicate'");
    const option = await runCli(['doctor', '--frobnicate']);
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toContain("unknown option '--frobnicate'");
  });

  it('answers JSON on stdout and nothing on stderr with --json', async () => {
    const result = await runCli(['tencent', 'robot', 'create', '--json']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('');
    expect(result.json()).toEqual({
      ok: false,
      exitCode: 2,
      error: {
        type: 'usage',
        message: "missing required argument 'robotId'",
        code: 'commander.missingArgument',
      },
    });
  });

  it('reports a missing setting as JSON with the variable (exit code 3)', async () => {
    const result = await runCli(['tencent', 'robot', 'list', '--json']);
    expect(result.exitCode).toBe(3);
    expect(result.json()).toMatchObject({
      ok: false,
      exitCode: 3,
      error: { type: 'config', variable: 'TENCENT_IM_SDK_APP_ID' },
    });
  });

  it('refuses a bad --timeout, a malformed variable and a bad flag value', async () => {
    const timeout = await runCli(['doctor', '--timeout', 'soon']);
    expect(timeout.exitCode).toBe(2);
    const variable = await runCli(['usersig', 'generate', 'alice'], {
      env: { TENCENT_IM_SDK_APP_ID: 'abc', TENCENT_IM_SECRET_KEY: SECRETS.TENCENT_IM_SECRET_KEY },
    });
    expect(variable.exitCode).toBe(3);
    expect(variable.stderr).toContain(
      'TENCENT_IM_SDK_APP_ID (from environment) must be an integer',
    );
    const flag = await runCli(['usersig', 'generate', 'alice', '--sdk-app-id', 'abc'], {
      env: { TENCENT_IM_SECRET_KEY: SECRETS.TENCENT_IM_SECRET_KEY },
    });
    expect(flag.exitCode).toBe(2);
  });

  it('says that dev needs the bin when run() has no devHost', async () => {
    const result = await runCli(['dev']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('run it with the imbridge executable');
  });
});

describe('settings', () => {
  const secret = `TENCENT_IM_SECRET_KEY=${SECRETS.TENCENT_IM_SECRET_KEY}\nTENCENT_IM_CALLBACK_TOKEN="${SECRETS.TENCENT_IM_CALLBACK_TOKEN}"\n`;
  let files: Awaited<ReturnType<typeof temporaryDirectory>>;

  beforeAll(async () => {
    files = await temporaryDirectory({
      '.env': `# the app\nTENCENT_IM_SDK_APP_ID=1400000011\n${secret}`,
      'other.env': `TENCENT_IM_SDK_APP_ID=1400000033\n${secret}`,
    });
  });
  afterAll(async () => {
    await files.remove();
  });

  const appIdOf = async (argv: string[], env: Record<string, string> = {}) => {
    const result = await runCli(['usersig', 'generate', 'alice', '--json', ...argv], {
      env,
      directory: files.directory,
    });
    expect(result.exitCode).toBe(0);
    return result.json().sdkAppId;
  };

  it('reads .env, lets the environment override it and a flag override both', async () => {
    expect(await appIdOf([])).toBe(1_400_000_011);
    expect(await appIdOf([], { TENCENT_IM_SDK_APP_ID: '1400000022' })).toBe(1_400_000_022);
    expect(
      await appIdOf(['--sdk-app-id', '1400000044'], { TENCENT_IM_SDK_APP_ID: '1400000022' }),
    ).toBe(1_400_000_044);
    expect(await appIdOf(['--env-file', 'other.env'])).toBe(1_400_000_033);
  });

  it('says where each setting came from with --verbose, secrets by length only', async () => {
    const result = await runCli(['usersig', 'generate', 'alice', '--verbose'], {
      env: { TENCENT_IM_SDK_APP_ID: String(TENCENT_SDK_APP_ID) },
      directory: files.directory,
    });
    expect(result.stderr).toContain(
      `TENCENT_IM_SDK_APP_ID: "${TENCENT_SDK_APP_ID}" (from environment)`,
    );
    expect(result.stderr).toContain(
      `TENCENT_IM_SECRET_KEY: set (${SECRETS.TENCENT_IM_SECRET_KEY.length} characters, from .env)`,
    );
    expect(result.stderr).not.toContain(SECRETS.TENCENT_IM_SECRET_KEY);
  });

  it('exits 3 when an --env-file does not exist', async () => {
    const result = await runCli(['doctor', '--env-file', 'missing.env'], {
      directory: files.directory,
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('the env file missing.env does not exist');
  });

  it('redacts a secret of .env that a vendor echoes back', async () => {
    // The client knows its own secret key, not the callback token: this is the CLI's redactor.
    const echo: typeof fetch = async () =>
      Response.json({
        ActionStatus: 'FAIL',
        ErrorCode: 70009,
        ErrorInfo: `bad key ${SECRETS.TENCENT_IM_CALLBACK_TOKEN}`,
      });
    const result = await runCli(['tencent', 'robot', 'list', '--base-url', 'http://127.0.0.1:9'], {
      directory: files.directory,
      fetch: echo,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('bad key [redacted]');
    expect(result.stderr).not.toContain(SECRETS.TENCENT_IM_CALLBACK_TOKEN);
  });
});

describe('terminal output', () => {
  let local: Awaited<ReturnType<typeof startLocalTencent>>;
  beforeAll(async () => {
    local = await startLocalTencent();
  });
  afterAll(async () => {
    await local.local.close();
  });

  const ESCAPE = '\u001b[';

  it('colours errors on a terminal only, and never with NO_COLOR or --no-color', async () => {
    const terminal = await runCli(['tencent', 'robot', 'list'], { stderrTTY: true });
    expect(terminal.stderr).toContain(ESCAPE);
    const pipe = await runCli(['tencent', 'robot', 'list']);
    expect(pipe.stderr).not.toContain(ESCAPE);
    const noColor = await runCli(['tencent', 'robot', 'list'], {
      stderrTTY: true,
      env: { NO_COLOR: '1' },
    });
    expect(noColor.stderr).not.toContain(ESCAPE);
    const flag = await runCli(['tencent', 'robot', 'list', '--no-color'], { stderrTTY: true });
    expect(flag.stderr).not.toContain(ESCAPE);
  });

  it('shows a spinner while it waits on a terminal only, never with --json', async () => {
    const argv = ['tencent', 'robot', 'list'];
    const terminal = await runCli(argv, { env: local.env, stdoutTTY: true, stderrTTY: true });
    expect(terminal.exitCode).toBe(0);
    expect(terminal.stderr).toContain('Listing robots…');
    const piped = await runCli(argv, { env: local.env, stdoutTTY: false, stderrTTY: true });
    expect(piped.stderr).not.toContain('Listing robots…');
    const json = await runCli([...argv, '--json'], {
      env: local.env,
      stdoutTTY: true,
      stderrTTY: true,
    });
    expect(json.stderr).toBe('');
  });
});

describe('run', () => {
  it('resolves to exit code 130 when its signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const stdout = memoryStream();
    const stderr = memoryStream();
    const { exitCode } = await run(['tencent', 'robot', 'list'], {
      env: {
        TENCENT_IM_SDK_APP_ID: '1400000001',
        TENCENT_IM_SECRET_KEY: SECRETS.TENCENT_IM_SECRET_KEY,
        TENCENT_IM_BASE_URL: 'http://127.0.0.1:9',
      },
      stdout,
      stderr,
      signal: controller.signal,
    });
    expect(exitCode).toBe(130);
    expect(stderr.text).toContain('interrupted');
  });
});
