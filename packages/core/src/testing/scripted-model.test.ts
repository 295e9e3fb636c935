import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors.ts';
import type { ModelEvent } from '../spec/language-model.ts';
import { createScriptedModel, type ScriptedModel } from './scripted-model.ts';

/** Makes `count` calls one after another, asking `q0`, `q1`…, each read to its end. */
async function ask(model: ScriptedModel, count: number): Promise<ModelEvent[][]> {
  const answers: ModelEvent[][] = [];
  for (let index = 0; index < count; index += 1) {
    const events: ModelEvent[] = [];
    for await (const event of model.stream({ messages: [{ role: 'user', content: `q${index}` }] }))
      events.push(event);
    answers.push(events);
  }
  return answers;
}

const questionOf = (model: ScriptedModel, position: number): string | undefined =>
  model.calls[position]?.request.messages.at(-1)?.content;

describe('createScriptedModel', () => {
  it('keeps only the most recent 100 calls by default, oldest first', async () => {
    const model = createScriptedModel({ scripts: [{ steps: [{ type: 'text', text: 'a' }] }] });

    await ask(model, 1_000);

    expect(model.calls).toHaveLength(100);
    expect(model.callCount).toBe(1_000);
    expect(questionOf(model, 0)).toBe('q900');
    expect(questionOf(model, 99)).toBe('q999');
    expect(model.calls.every((call) => call.ended && call.yielded === 2)).toBe(true);
  });

  it('keeps at most maxRecordedCalls calls', async () => {
    const model = createScriptedModel({
      scripts: [{ steps: [{ type: 'text', text: 'a' }] }],
      maxRecordedCalls: 10,
    });

    await ask(model, 1_000);

    expect(model.calls.map((call) => call.request.messages.at(-1)?.content)).toEqual(
      Array.from({ length: 10 }, (_, index) => `q${990 + index}`),
    );
    expect(model.callCount).toBe(1_000);
  });

  it('passes every call its index among all calls, dropped ones included', async () => {
    const model = createScriptedModel({
      scripts: (_request, callIndex) => ({ steps: [{ type: 'text', text: `call ${callIndex}` }] }),
      maxRecordedCalls: 3,
    });

    const answers = await ask(model, 250);

    expect(answers.at(-1)?.[0]).toEqual({ type: 'text-delta', text: 'call 249' });
    expect(model.calls).toHaveLength(3);
  });

  it('plays the last of a list of scripts once older calls were dropped', async () => {
    const model = createScriptedModel({
      scripts: [
        { steps: [{ type: 'text', text: 'first' }] },
        { steps: [{ type: 'text', text: 'then' }] },
      ],
      maxRecordedCalls: 1,
    });

    const answers = await ask(model, 5);

    expect(answers.map((events) => events[0])).toEqual([
      { type: 'text-delta', text: 'first' },
      ...Array.from({ length: 4 }, () => ({ type: 'text-delta', text: 'then' })),
    ]);
  });

  it('records nothing with 0 and every call with Infinity', async () => {
    const none = createScriptedModel({ scripts: [{ steps: [] }], maxRecordedCalls: 0 });
    const all = createScriptedModel({
      scripts: [{ steps: [] }],
      maxRecordedCalls: Number.POSITIVE_INFINITY,
    });

    await ask(none, 1_000);
    await ask(all, 1_000);

    expect(none.calls).toHaveLength(0);
    expect(none.callCount).toBe(1_000);
    expect(all.calls).toHaveLength(1_000);
    expect(questionOf(all, 0)).toBe('q0');
  });

  it('still records the abort of a call that is among the kept ones', async () => {
    const model = createScriptedModel({
      scripts: [{ steps: [{ type: 'text', text: 'a' }, { type: 'stall' }] }],
      maxRecordedCalls: 2,
    });
    const controller = new AbortController();
    const iterator = model
      .stream({ messages: [{ role: 'user', content: 'stop me' }], signal: controller.signal })
      [Symbol.asyncIterator]();
    await iterator.next();
    const pending = iterator.next();
    controller.abort();

    await expect(pending).rejects.toThrow('aborted');
    expect(model.calls[0]).toMatchObject({ aborted: true, ended: true, yielded: 1 });
  });

  it.each([-1, 1.5, Number.NaN])(
    'refuses maxRecordedCalls %s with a ValidationError',
    (maxRecordedCalls) => {
      let caught: unknown;
      try {
        createScriptedModel({ scripts: [{ steps: [] }], maxRecordedCalls });
      } catch (error) {
        caught = error;
      }

      expect(ValidationError.isInstance(caught)).toBe(true);
      expect((caught as ValidationError).code).toBe('invalid-option');
      expect((caught as ValidationError).message).toContain('maxRecordedCalls');
    },
  );
});
