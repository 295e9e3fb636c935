import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineProject({
  ...sourceConditions,
  test: {
    name: 'redis',
    include: ['src/**/*.test.ts'],
    // A real redis-server on a free loopback port for the whole run (never a mock).
    globalSetup: ['src/__fixtures__/global-setup.ts'],
    // Connection-loss tests wait for real reconnects (node-redis backs off up to ~2 s).
    testTimeout: 30_000,
  },
});
