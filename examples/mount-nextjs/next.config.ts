import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  eslint: { ignoreDuringBuilds: true },
  // Inside the imbridge repository only: compile the workspace's @imbridge/* TypeScript sources
  // (their `@imbridge/source` export condition) so the example needs no prior package build.
  // An app using the published packages needs none of this.
  transpilePackages: ['@imbridge/core', '@imbridge/provider-utils', '@imbridge/tencent-chat'],
  webpack(config: { resolve: { conditionNames?: string[] } }) {
    config.resolve.conditionNames = [
      '@imbridge/source',
      ...(config.resolve.conditionNames ?? ['...']),
    ];
    return config;
  },
};

// biome-ignore lint/style/noDefaultExport: Next.js reads the config from the default export.
export default nextConfig;
