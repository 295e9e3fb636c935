import { createTencentBot, type TencentBot, tencentOptionsFromEnv } from '../../../src/bot.ts';
import { toNextRouteHandler } from '../../../src/route-handler.ts';

// One bot per server instance, made on the first webhook (not while `next build` imports this).
let tencentBot: TencentBot | undefined;

/** `POST /tencent-chat/webhook`: Tencent Cloud Chat's robot callbacks. */
export const POST = toNextRouteHandler(() => {
  tencentBot ??= createTencentBot({ adapter: tencentOptionsFromEnv() });
  return tencentBot.webhook;
});

// Node.js runtime (the default): the bot's memory state and timers live in this process.
export const runtime = 'nodejs';
