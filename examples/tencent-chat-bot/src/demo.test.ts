import { describe, expect, it } from 'vitest';
import { readConfig } from './config.ts';
import { runTencentDemo } from './demo.ts';
import { HELP_TEXT } from './handlers.ts';

describe('Tencent Cloud Chat demo', () => {
  it('streams, interrupts, reports an error and answers a group, as a client sees it', async () => {
    const views = await runTencentDemo({ chunkDelayMs: 10, minUpdateIntervalMs: 40 });
    const byMessage = new Map<string, typeof views>();
    for (const item of views) {
      if (item.from === 'robot' && item.messageId !== undefined) {
        byMessage.set(item.messageId, [...(byMessage.get(item.messageId) ?? []), item]);
      }
    }
    const [streamed, interrupted, failed, errorMessage, group, help, order] = [
      ...byMessage.values(),
    ];
    // 1. One chatbot message: grows through versions, only the last is finished.
    expect(streamed?.length).toBeGreaterThan(2);
    expect(
      streamed?.slice(0, -1).every((item) => item.kind === 'stream' && item.finished === false),
    ).toBe(true);
    expect(streamed?.at(-1)).toMatchObject({ kind: 'stream', finished: true });
    expect(streamed?.at(-1)?.text).toContain('marked finished.');
    // 2. Stopped part-way and marked finished.
    expect(interrupted?.at(-1)).toMatchObject({ kind: 'stream', finished: true });
    expect(interrupted?.at(-1)?.text.endsWith('pressed stop...')).toBe(false);
    // 3. Partial text finished, then a src 23 error message without the upstream detail.
    expect(failed?.at(-1)).toMatchObject({
      kind: 'stream',
      finished: true,
      text: 'Let me look that up for you',
    });
    expect(errorMessage?.[0]).toMatchObject({
      kind: 'error',
      text: 'Sorry, I could not answer that. Please try again.',
    });
    expect(JSON.stringify(views)).not.toContain('HTTP 502');
    // 4. The group @-mention is answered in the group, without the mention in the question.
    expect(group?.[0]?.conversation).toBe('group @TGS#demo');
    expect(group?.at(-1)?.text.startsWith('You asked: "hello group"')).toBe(true);
    // 5. /help is answered by the command handler.
    expect(help?.at(-1)).toMatchObject({ kind: 'stream', finished: true, text: HELP_TEXT });
    // 6. The model called lookUpOrder and answered from the order service's result.
    expect(order?.at(-1)).toMatchObject({
      kind: 'stream',
      finished: true,
      text: 'Let me check that order.\n\nOrder 1001 is shipped; it should arrive tomorrow.',
    });
  });
});

describe('readConfig', () => {
  const base = {
    TENCENT_IM_SDK_APP_ID: '1400000000',
    TENCENT_IM_SECRET_KEY: 'secret',
    TENCENT_IM_ROBOT_ID: '@RBT#assistant',
  };

  it('reads the settings with defaults', () => {
    const config = readConfig({ ...base, TENCENT_IM_CALLBACK_TOKEN: 'token' });
    expect(config.robotId).toBe('@RBT#assistant');
    expect(config.port).toBe(3000);
    expect(config.adapter).toMatchObject({
      sdkAppId: 1400000000,
      adminUserId: 'administrator',
      region: 'china',
      streamMode: 'custom-message',
      callbackToken: 'token',
      robotIds: ['@RBT#assistant'],
    });
  });

  it('names the missing or invalid variable', () => {
    expect(() => readConfig({ ...base, TENCENT_IM_SECRET_KEY: '' })).toThrow(
      'TENCENT_IM_SECRET_KEY',
    );
    expect(() => readConfig({ ...base, TENCENT_IM_REGION: 'mars' })).toThrow('TENCENT_IM_REGION');
    expect(() => readConfig({ ...base, TENCENT_IM_SDK_APP_ID: 'abc' })).toThrow(
      'TENCENT_IM_SDK_APP_ID',
    );
  });
});
