import { describe, expect, it } from 'vitest';
import { runDemo } from './demo.ts';

describe('core demo', () => {
  it('shows a paced streamed reply, an interrupted reply and an error reply', async () => {
    const events = await runDemo({ chunkDelayMs: 10, minUpdateIntervalMs: 40 });
    const replies = new Map<string, typeof events>();
    for (const event of events) {
      if (event.from === 'bot' && event.kind === 'reply' && event.messageId !== undefined) {
        replies.set(event.messageId, [...(replies.get(event.messageId) ?? []), event]);
      }
    }
    const [streamed, interrupted, failed] = [...replies.values()];
    // 1. Appears, grows through several updates (each a prefix of the next), then finished.
    expect(streamed?.[0]?.type).toBe('created');
    expect(streamed?.filter((event) => event.type === 'updated').length).toBeGreaterThan(1);
    expect(streamed?.at(-1)).toMatchObject({ type: 'finished', finishReason: 'complete' });
    const texts = streamed?.map((event) => event.text) ?? [];
    for (let index = 1; index < texts.length; index += 1) {
      expect(texts[index]?.startsWith(texts[index - 1] ?? '')).toBe(true);
    }
    expect(texts.at(-1)).toContain('streams the answer back into the chat.');
    // 2. Stopped part-way, marked finished as interrupted, no error message.
    expect(interrupted?.at(-1)).toMatchObject({ type: 'finished', finishReason: 'interrupted' });
    expect(interrupted?.at(-1)?.text.endsWith('pressed stop...')).toBe(false);
    // 3. Partial text finished as error, then a short error message without the upstream detail.
    expect(failed?.at(-1)).toMatchObject({ type: 'finished', finishReason: 'error' });
    const errorMessages = events.filter((event) => event.kind === 'error');
    expect(errorMessages.map((event) => event.text)).toEqual([
      'Sorry, I could not finish that answer. Please try again.',
    ]);
    expect(JSON.stringify(events)).not.toContain('HTTP 502');
  });
});
