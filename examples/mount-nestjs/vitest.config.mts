import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineProject({
  ...sourceConditions,
  test: {
    name: 'example-mount-nestjs',
    // It starts the app in a child process (and workerd): seconds on a machine the whole suite loads.
    testTimeout: 60_000,
    include: ['src/**/*.test.mts'],
  },
});
