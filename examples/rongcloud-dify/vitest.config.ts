import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineProject({
  ...sourceConditions,
  test: {
    name: 'example-rongcloud-dify',
    include: ['src/**/*.test.ts'],
  },
});
