/**
 * Webhook bodies that are valid JSON and correctly signed but nested too deeply, delivered by the
 * local Tencent Chat over loopback HTTP to the real bot server: they are refused with a 4xx (so
 * Tencent does not redeliver them), logged, and never reach the bot's state.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { start, stopRunning } from '../adapter/__fixtures__/harness.ts';
import { botC2CTextMessage } from './__fixtures__/callbacks.ts';

afterEach(stopRunning);

/** `depth` nested arrays around `0`, built as text (a recursive builder would overflow). */
function nestedArrays(depth: number): string {
  return `${'['.repeat(depth)}0${']'.repeat(depth)}`;
}

/** A real `Bot.OnC2CMessage` body whose `CloudCustomData` is replaced by `value` (raw JSON). */
function c2cBodyWith(value: string): string {
  const body = JSON.stringify({ ...botC2CTextMessage, To_Account: '@RBT#assistant' });
  return `${body.slice(0, -1)},"Extra":${value}}`;
}

describe('Tencent webhook over loopback: nesting depth', () => {
  it('answers a signed body nested 50,000 levels deep with 400 and logs webhook-rejected', async () => {
    const { chat, bot, logs, model } = await start();
    const answer = await chat.deliverWebhook('Bot.OnC2CMessage', c2cBodyWith(nestedArrays(50_000)));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      ActionStatus: 'FAIL',
      ErrorInfo: 'invalid request: json-too-deep',
      ErrorCode: 1,
    });
    await bot.idle();
    const rejected = logs.filter((entry) => entry.event === 'webhook-rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ level: 'warn', reason: 'json-too-deep', statusCode: 400 });
    expect(model.calls).toHaveLength(0);
  });

  it('still answers a signed body with ordinary nesting (the limit leaves room)', async () => {
    const { chat, bot, model } = await start();
    const answer = await chat.deliverWebhook('Bot.OnC2CMessage', c2cBodyWith(nestedArrays(32)));
    expect(answer.status).toBe(200);
    await bot.idle();
    expect(model.calls).toHaveLength(1);
  });
});
