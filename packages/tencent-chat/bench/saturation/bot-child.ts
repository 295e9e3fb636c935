/**
 * The parent side of a bot child: starts it on plain `node` (no loader, no inherited flags),
 * waits until it listens, and asks it for its CPU time and counters over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { BotChildConfig, ChildMessage, ChildStats, ParentMessage } from './protocol.ts';

/** CPU time of the child, in microseconds (user + system, all threads). */
export interface CpuSample {
  userMicros: number;
  systemMicros: number;
}

/** A running bot child. */
export interface BotChild {
  /** Where it listens on 127.0.0.1. */
  readonly port: number;
  cpu(): Promise<CpuSample>;
  stats(): Promise<ChildStats>;
  /** Asks it to close its server and exit; resolves when it exited. */
  stop(): Promise<void>;
}

/** Starts `entry` (a transpiled `.mjs`) with `config`; `execArgv` adds Node flags (profiling). */
export async function startBotChild(
  entry: string,
  config: BotChildConfig,
  execArgv: string[] = [],
): Promise<BotChild> {
  const child: ChildProcess = fork(entry, [JSON.stringify(config)], {
    execPath: process.execPath,
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = <T extends ChildMessage['type']>(type: T): Promise<ChildMessage & { type: T }> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: ChildMessage): void => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as ChildMessage & { type: T });
      };
      const onExit = (code: number | null): void => {
        child.off('message', onMessage);
        reject(new Error(`bot child ${entry} exited (code ${code}) before answering "${type}"`));
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ask = <T extends ChildMessage['type']>(type: T & ParentMessage['type']) => {
    const answer = next(type);
    child.send({ type } satisfies ParentMessage);
    return answer;
  };
  const { port } = await next('ready');
  return {
    port,
    cpu: async () => {
      const { userMicros, systemMicros } = await ask('cpu');
      return { userMicros, systemMicros };
    },
    stats: async () => (await ask('stats')).stats,
    stop: async () => {
      if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
