import { defineConfig } from 'tsup';
import { createTsupConfig } from '../../tsup.config.base.ts';

export default defineConfig(
  createTsupConfig({
    packageDirectory: import.meta.dirname,
    entry: {
      index: 'src/index.ts',
      'ai-sdk': 'src/ai-sdk/index.ts',
      testing: 'src/testing/index.ts',
    },
  }),
);
