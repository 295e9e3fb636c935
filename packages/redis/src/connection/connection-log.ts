import { describeError, type LogEmitter } from '@imbridge/core';
import { REDIS_PROVIDER, toRedisError } from '../errors.ts';
import type { ConnectionEvents, ConnectionRole } from './connection.ts';

/**
 * Logs a lost or failed connection once per outage (the clients retry every few hundred
 * milliseconds, each attempt an error event), as a `state-failed` entry with `platform: 'redis'`
 * and `operation` naming the connection. The error is described without its text, so no
 * password or URL reaches the log.
 */
export function connectionLog(log: LogEmitter, secrets: readonly string[]): ConnectionEvents {
  const down = new Set<ConnectionRole>();
  return {
    onError(role, error) {
      if (down.has(role)) return;
      down.add(role);
      log('error', {
        event: 'state-failed',
        platform: REDIS_PROVIDER,
        operation: role === 'commands' ? 'connection' : 'subscriber connection',
        error: describeError(toRedisError(error, 'connection', secrets)),
      });
    },
    onReady(role) {
      down.delete(role);
    },
  };
}
