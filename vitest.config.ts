import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Next.js recipe runs `next build` (about a minute of both cores): scripts/test.sh runs it
    // alone after this suite, so it does not slow the timing-sensitive tests beside it.
    projects: ['packages/*', 'examples/*', 'tests/*', '!examples/mount-nextjs'],
  },
});
