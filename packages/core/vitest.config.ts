import { defineProject } from 'vitest/config';
import { sourceConditions } from '../../vitest.shared.ts';

export default defineProject({
  ...sourceConditions,
  // Without the `module` condition: OpenTelemetry's ESM build (which that condition picks) uses
  // extensionless imports that only a bundler resolves, so Node loads its CommonJS build instead.
  ssr: { resolve: { conditions: ['@imbridge/source', 'node', 'development|production'] } },
  test: {
    name: 'core',
    include: ['src/**/*.test.ts'],
  },
});
