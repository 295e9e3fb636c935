import type { RequestHandler } from '@imbridge/core';
import { createApp } from './app.ts';
import { createTencentBot } from './bot.ts';

/** The worker's environment: the `TENCENT_IM_*` variables and secrets (`wrangler secret put`). */
type Bindings = Record<string, string | undefined>;

// One bot per isolate, made on the first request (Workers pass the environment per request).
let webhook: RequestHandler | undefined;

const app = createApp<{ Bindings: Bindings }>((c) => {
  webhook ??= createTencentBot({ adapter: { env: c.env } }).webhook;
  return webhook;
});

// biome-ignore lint/style/noDefaultExport: Cloudflare Workers run the module's default export.
export default app;
