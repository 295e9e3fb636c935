import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineProject({
  ...sourceConditions,
  test: {
    name: 'example-mount-node-http',
    include: ['src/**/*.test.ts'],
  },
});
