import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineProject({
  ...sourceConditions,
  test: {
    name: 'example-trtc-voice-agent',
    include: ['src/**/*.test.ts'],
  },
});
