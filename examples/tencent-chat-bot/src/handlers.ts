import { commands, type Middleware, type ToolSet, tool } from '@imbridge/core';
import { z } from 'zod';

/** What `/help` answers. */
export const HELP_TEXT =
  'Ask me anything. I can look up an order ("Where is order 1001?"). ' +
  'Send /human to talk to a person, /bot to get me back.';

/** A stand-in for your own order service (a database, an internal HTTP API...). */
const ORDERS: Readonly<Record<string, { status: string; eta: string }>> = {
  '1001': { status: 'shipped', eta: 'tomorrow' },
  '1002': { status: 'being packed', eta: 'in three days' },
};

/** Looks an order up; honours the abort signal like a real service call would. */
async function findOrder(
  orderId: string,
  signal: AbortSignal,
): Promise<{ orderId: string; status: string; eta: string } | { orderId: string; error: string }> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, 20);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
  const order = ORDERS[orderId];
  return order === undefined ? { orderId, error: 'no such order' } : { orderId, ...order };
}

/** The tools the model may call. */
export const tools: ToolSet = {
  lookUpOrder: tool({
    description: 'Looks up the status and delivery estimate of an order by its number.',
    inputSchema: z.object({ orderId: z.string().regex(/^\d+$/).describe('The order number') }),
    execute: ({ orderId }, { signal }) => findOrder(orderId, signal),
  }),
};

/**
 * The bot's handlers: commands answered without the model. Everything else goes on to the
 * model (which may call the tools).
 */
export const middleware: Middleware[] = [
  commands({
    help: (ctx) => ctx.reply(HELP_TEXT),
    human: async (ctx) => {
      await ctx.handoff({ durationMs: 30 * 60_000 });
      await ctx.post('A colleague will answer you here. Send /bot to talk to me again.');
    },
    bot: async (ctx) => {
      await ctx.resume();
      await ctx.post('I am back. How can I help?');
    },
  }),
];
