import { after } from 'next/server';
import { createTencentBot, type TencentBot } from '../../../src/bot.ts';

// One bot per server instance, made on the first webhook (not while `next build` imports this,
// where the TENCENT_IM_* secrets may be absent). `after` keeps the reply running once the
// vendor has its answer (on Vercel, through the platform's waitUntil).
let tencentBot: TencentBot | undefined;

/** What Next.js passes a route handler (this route has no dynamic segments). */
interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

/** `POST /tencent-chat/webhook`: Tencent Cloud Chat's robot callbacks. */
export function POST(request: Request, context: RouteContext): Promise<Response> {
  tencentBot ??= createTencentBot({ waitUntil: after });
  return tencentBot.webhook(request, context);
}

// Node.js runtime (the default): the bot's memory state and timers live in this process.
export const runtime = 'nodejs';
