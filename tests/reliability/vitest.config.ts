import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineProject({
  ...sourceConditions,
  test: {
    name: 'reliability',
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/harness/global-setup.ts'],
    testTimeout: 60_000,
  },
});
