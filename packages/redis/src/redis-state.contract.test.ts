import { stateAdapterContract } from '@imbridge/core/testing';
import { describe, it } from 'vitest';
import { CLIENT_KINDS, openState, uniquePrefix } from './__fixtures__/clients.ts';

describe('redisState', () => {
  for (const kind of CLIENT_KINDS) {
    describe(`passes the state contract (${kind})`, () => {
      const cases = stateAdapterContract({
        setup: async () => {
          // Two adapters on one Redis, like two instances of a bot, under one fresh prefix.
          const keyPrefix = uniquePrefix('contract');
          const first = await openState(kind, { keyPrefix });
          const second = await openState(kind, { keyPrefix });
          return {
            state: first.state,
            peer: second.state,
            close: async () => {
              await first.close();
              await second.close();
            },
          };
        },
      });
      for (const test of cases) it(test.name, test.run);
    });
  }
});
