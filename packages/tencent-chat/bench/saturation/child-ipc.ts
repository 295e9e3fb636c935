/**
 * The child side of the bench's IPC: reads the settings, says where the bot listens, answers
 * CPU and counter requests, and stops on request (closing the server so a `--cpu-prof` profile
 * is written at exit).
 */
import type { Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BotChildConfig, ChildMessage, ChildStats, ParentMessage } from './protocol.ts';

/** The settings the parent passed as JSON in `argv[2]`. */
export function readChildConfig(): BotChildConfig {
  const text = process.argv[2];
  if (text === undefined) throw new Error('bot child: the settings (JSON) are missing in argv[2]');
  return JSON.parse(text) as BotChildConfig;
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

/**
 * Listens on 127.0.0.1 (a free port), then serves the parent's requests until it says stop. The
 * counters the parent gets are `stats()` plus the event-loop delay of the child (p99 and max,
 * sampled every 10 ms by Node's native histogram), the same for every bot.
 */
export async function serveParent(server: Server, stats: () => ChildStats): Promise<void> {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('bot child: no port');
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'cpu') {
      const usage = process.cpuUsage();
      send({ type: 'cpu', userMicros: usage.user, systemMicros: usage.system });
    } else if (message.type === 'stats') {
      send({
        type: 'stats',
        stats: {
          ...stats(),
          'loop-delay.p99-ms': Math.round(loopDelay.percentile(99) / 1e6),
          'loop-delay.max-ms': Math.round(loopDelay.max / 1e6),
        },
      });
    } else {
      server.closeAllConnections();
      server.close(() => process.exit(0));
    }
  });
  send({ type: 'ready', port: address.port });
}
