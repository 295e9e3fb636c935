/**
 * A real `redis-server` on loopback for tests and benchmarks: a free port on 127.0.0.1, a fresh
 * temporary directory, no persistence. Never a mock. Node-only (child processes), so it lives in
 * the fixtures, not in the package.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The binary: `REDIS_SERVER_BIN` when set, else `redis-server` from the PATH. */
export const REDIS_SERVER_BIN = process.env.REDIS_SERVER_BIN ?? 'redis-server';

const MISSING_SERVER_MESSAGE = [
  `${REDIS_SERVER_BIN} was not found: the @imbridge/redis tests run against a real Redis.`,
  'Install it (Debian/Ubuntu: `apt-get install -y redis-server`; macOS: `brew install redis`),',
  'or point REDIS_SERVER_BIN at a redis-server binary.',
].join(' ');

const READY_TIMEOUT_MS = 10_000;

/** The recent log of each server process, for the error when it fails to start. */
const outputs = new WeakMap<ChildProcess, () => string>();

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** `requirepass`: clients must authenticate with this password. */
  password?: string | undefined;
  /** Port to listen on; a free one when absent. */
  port?: number | undefined;
}

/** A running (or stopped) `redis-server`. */
export interface RedisServer {
  /** `redis://[:password@]127.0.0.1:port`. */
  readonly url: string;
  readonly port: number;
  /** True while the process runs. */
  readonly running: boolean;
  /** Kills the process at once (SIGKILL), as a crash would; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory (after {@link kill}). */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

/** Throws a clear error naming the install command when `redis-server` is not installed. */
export function assertRedisServerInstalled(): void {
  const probe = spawnSync(REDIS_SERVER_BIN, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) throw new Error(MISSING_SERVER_MESSAGE);
}

/** A port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `PING` answers on the port (`+PONG` or an auth error both mean it is up). */
async function waitUntilListening(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      const log = outputs.get(child)?.() ?? '';
      throw new Error(`redis-server exited with code ${child.exitCode} while starting:\n${log}`);
    }
    const answered = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('error', () => resolve(false));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(/^(\+PONG|-NOAUTH)/.test(data.toString('utf8')));
      });
      socket.once('connect', () => socket.write('PING\r\n'));
    });
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`redis-server not ready on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function launch(port: number, directory: string, password: string | undefined): ChildProcess {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    directory,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ];
  if (password !== undefined) args.push('--requirepass', password);
  const child = spawn(REDIS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.once('error', () => undefined);
  // Its log (kept short) goes into the error when it fails to start.
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  outputs.set(child, () => output);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `redis-server --save '' --appendonly no --port N --bind 127.0.0.1 --dir <temp>` and
 * resolves once it answers `PING`.
 *
 * @throws Error naming `apt-get install -y redis-server` when the binary is missing.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  assertRedisServerInstalled();
  const port = options.port ?? (await freePort());
  const directory = mkdtempSync(join(tmpdir(), 'imbridge-redis-'));
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  let child = launch(port, directory, options.password);
  try {
    await waitUntilListening(port, child);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async restart() {
      child = launch(port, directory, options.password);
      await waitUntilListening(port, child);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
