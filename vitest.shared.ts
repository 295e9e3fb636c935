/**
 * Resolve `@imbridge/*` packages from their TypeScript sources (the `@imbridge/source` export
 * condition), so tests need no prior build. Vitest runs tests through Vite's SSR resolver, hence
 * `ssr.resolve.conditions`; the other entries are Vite's defaults.
 */
export const sourceConditions = {
  resolve: { conditions: ['@imbridge/source', 'module', 'browser', 'development|production'] },
  ssr: {
    resolve: { conditions: ['@imbridge/source', 'module', 'node', 'development|production'] },
  },
};
