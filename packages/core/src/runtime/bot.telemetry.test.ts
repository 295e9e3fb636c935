import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryState } from '../state/memory-state.ts';
import { createMemoryAdapter } from '../testing/memory-adapter.ts';
import { createScriptedModel, textSteps } from '../testing/scripted-model.ts';
import { createBot } from './bot.ts';
import { tool } from './tools.ts';

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  contextManager.disable();
  context.disable();
});

const SECRET_TEXT = 'my card number is 4111';
const ANSWER = 'Your order ships today.';

async function run(recordContent: boolean): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const adapter = createMemoryAdapter({ limits: { minUpdateIntervalMs: 5, callsPerSecond: 1000 } });
  const model = createScriptedModel({
    scripts: [
      { steps: [{ type: 'tool-call', toolName: 'order', input: { id: '42' } }] },
      { steps: textSteps(ANSWER), usage: { inputTokens: 3, outputTokens: 4 } },
    ],
  });
  const bot = createBot({
    model,
    state: memoryState(),
    logger: false,
    telemetry: { tracer: provider.getTracer('imbridge-test'), recordContent },
    tools: {
      order: tool({ inputSchema: { type: 'object' }, execute: () => ({ status: 'shipping' }) }),
    },
    middleware: [
      async (ctx, next) => {
        await ctx.post('One moment.');
        await next();
      },
    ],
  });
  const handler = bot.webhook(adapter);
  const response = await handler(
    adapter.request({ type: 'message', id: 'm1', userId: 'alice', text: SECRET_TEXT }),
  );
  expect(response.status).toBe(200);
  await bot.idle();
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

describe('telemetry', () => {
  it('traces webhook, turn, model steps, tool and vendor calls as one tree, without text by default', async () => {
    const spans = await run(false);
    const byName = (name: string) => spans.filter((span) => span.name === name);
    expect(byName('imbridge.webhook')).toHaveLength(1);
    expect(byName('imbridge.turn')).toHaveLength(1);
    expect(byName('imbridge.model')).toHaveLength(2);
    expect(byName('imbridge.tool')).toHaveLength(1);
    const vendorCalls = byName('imbridge.vendor').map(
      (span) => span.attributes['imbridge.vendor.call'],
    );
    expect(vendorCalls).toContain('post');
    expect(vendorCalls).toContain('finish');
    const webhook = byName('imbridge.webhook')[0] as ReadableSpan;
    const turn = byName('imbridge.turn')[0] as ReadableSpan;
    const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
    // The turn runs in the background, started from the webhook: it is the webhook's child.
    expect(parentOf(turn)).toBe(webhook.spanContext().spanId);
    for (const span of [...byName('imbridge.model'), ...byName('imbridge.tool')]) {
      expect(parentOf(span)).toBe(turn.spanContext().spanId);
    }
    expect(webhook.attributes['http.response.status_code']).toBe(200);
    const lastModel = byName('imbridge.model')[1] as ReadableSpan;
    expect(lastModel.attributes).toMatchObject({
      'imbridge.model.finish_reason': 'stop',
      'imbridge.usage.output_tokens': 4,
    });
    const everything = JSON.stringify(spans.map((span) => span.attributes));
    expect(everything).not.toContain('4111');
    expect(everything).not.toContain('ships today');
    expect(everything).not.toContain('alice');
  });

  it('records tool arguments and results only when recordContent is on', async () => {
    const spans = await run(true);
    const toolSpan = spans.find((span) => span.name === 'imbridge.tool');
    expect(toolSpan?.attributes).toMatchObject({
      'imbridge.tool.name': 'order',
      'imbridge.tool.input': '{"id":"42"}',
      'imbridge.tool.output': '{"status":"shipping"}',
    });
  });
});
