import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../pacer/token-bucket.ts';
import { createMemoryAdapter } from '../testing/memory-adapter.ts';
import { ReplyWriter } from './reply-writer.ts';

function writerFor(maxMessageBytes: number, overflow: 'split' | 'stop' = 'split') {
  const adapter = createMemoryAdapter({ limits: { maxMessageBytes, minUpdateIntervalMs: 0 } });
  const target = { conversationId: 'c', type: 'direct' as const, userId: 'u' };
  const writer = new ReplyWriter({
    adapter,
    message: { id: 'm', target, sender: { id: 'u', isBot: false }, text: 'q', mentionsBot: true },
    bucket: new TokenBucket({ ratePerSecond: 1e9 }),
    minIntervalMs: 0,
    maxMessageBytes,
    overflow,
    overflowNotice: '…',
    signal: new AbortController().signal,
    onReplyId: () => undefined,
    onShown: () => undefined,
    onSegmentFinished: () => undefined,
    onPaused: () => undefined,
    onFailure: () => undefined,
    onSplit: () => undefined,
  });
  return { adapter, writer };
}

describe('ReplyWriter', () => {
  it('splits any delta stream (emoji split across deltas included) into parts that fit and add up', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 60 }),
        fc.integer({ min: 8, max: 60 }),
        async (pieces, maxBytes) => {
          // Cut the joined text at arbitrary code-unit positions, so surrogate pairs straddle deltas.
          const full = pieces.join('');
          fc.pre(full.length > 0);
          const { adapter, writer } = writerFor(maxBytes);
          let text = '';
          for (let index = 0; index < full.length; index += 3) {
            const delta = full.slice(index, index + 3);
            text += delta;
            await writer.push(text, delta);
          }
          await writer.finish(text, 'complete');
          const parts = adapter.messages.map((message) => message.text);
          expect(parts.join('')).toBe(full);
          for (const part of parts) {
            expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(
              Math.max(maxBytes, 4),
            );
          }
          expect(adapter.messages.every((message) => message.finished)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('opens no message for an empty answer', async () => {
    const { adapter, writer } = writerFor(100);
    await writer.finish('', 'interrupted');
    expect(adapter.messages).toHaveLength(0);
  });
});
