import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { memoryLogger } from '@imbridge/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AgentView,
  DEMO_SAY_TEXT,
  DEMO_UTTERANCES,
  type DemoResult,
  runVoiceAgentDemo,
} from './demo.ts';
import { renderView, summarize } from './demo-render.ts';
import { DEMO_API_SECRET_KEY, DEMO_APP_SECRET_KEY } from './local-services.ts';

describe('TRTC voice agent demo', () => {
  const logger = memoryLogger();
  // A webhook receiver standing in for the console's callback URL.
  const received: string[] = [];
  const receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      received.push(body);
      response.end('{"code":0}');
    });
  });
  let result: DemoResult;
  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    result = await runVoiceAgentDemo({
      chunkDelayMs: 5,
      callbackUrl: `http://127.0.0.1:${port}/trtc/webhook`,
      logger,
    });
  });
  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('answers each sentence, and the third from the conversation the server kept', () => {
    expect(result.turns.map((turn) => [turn.userText, turn.status, turn.replyText])).toEqual([
      [
        DEMO_UTTERANCES[0],
        'completed',
        'Loud and clear! TRTC turns your speech into text, my server answers, and TRTC reads the answer aloud.',
      ],
      [
        DEMO_UTTERANCES[1],
        'completed',
        'You said "Book a table for two at seven tonight". I am the offline demo model: set MODEL to use a real one.',
      ],
      [
        DEMO_UTTERANCES[2],
        'completed',
        'Before this you said "Hi, can you hear me", then "Book a table for two at seven tonight". I remember because the server keeps this call\'s conversation.',
      ],
    ]);
  });

  it('streams each answer to TRTC in several deltas that add up to what TRTC speaks', () => {
    const answers: AgentView[][] = [];
    for (const view of result.views) {
      if (view.from !== 'agent') continue;
      if (view.seq === 1) answers.push([]);
      answers.at(-1)?.push(view);
    }
    expect(answers).toHaveLength(3);
    answers.forEach((deltas, index) => {
      expect(deltas.length).toBeGreaterThan(2);
      expect(deltas.map((view) => view.seq)).toEqual(deltas.map((_, seq) => seq + 1));
      expect(deltas.at(-1)?.text).toBe(result.turns[index]?.replyText);
    });
  });

  it('goes through the admin API: refused without the token, then start, describe, say and stop', () => {
    const calls = result.views.flatMap((view) =>
      view.from === 'admin' ? [[view.method, view.withToken, view.status, view.body.status]] : [],
    );
    expect(calls).toEqual([
      ['POST', false, 401, undefined],
      ['POST', true, 201, 'started'],
      ['GET', true, 200, 'in-progress'],
      ['POST', true, 200, undefined],
      ['DELETE', true, 200, 'stopped'],
    ]);
    expect(result.session).toMatchObject({ status: 'started', sessionId: 'demo-call-1' });
    expect(result.pushedTexts).toEqual([DEMO_SAY_TEXT]);
  });

  it("refuses what comes after the stop: TRTC has no task, and the session's key gets 401", () => {
    expect(result.stoppedTaskRefused).toBe(true);
    expect(result.replayTurn).toMatchObject({
      status: 'failed',
      failure: 'http-error',
      httpStatus: 401,
      replyText: '',
    });
    const refusals = result.views.filter((view) => view.from === 'endpoint');
    expect(refusals).toEqual([
      {
        from: 'endpoint',
        status: 401,
        reason: 'authenticate refused the request: the session was stopped',
        atMs: expect.any(Number),
      },
    ]);
    expect(summarize(result)).toMatchObject({ ok: true });
    expect(summarize(result).line).toMatch(/^demo ok: 3 of 3 utterances answered/);
  });

  it("posts TRTC's webhooks for the call: started, each sentence, stopped", () => {
    const types = result.webhooks.map((webhook) => webhook.eventType);
    expect(types.filter((type) => type === 901)).toHaveLength(2); // the call and the replay
    expect(types.filter((type) => type === 902)).toHaveLength(2);
    expect(types.indexOf(901)).toBe(0);
    expect(result.webhooks.every((webhook) => webhook.status === 200)).toBe(true);
    const sentences = result.webhooks
      .filter((webhook) => webhook.eventType === 903)
      .map((webhook) => JSON.parse(webhook.body) as { EventInfo: { Payload: { Text: string } } })
      .map((body) => body.EventInfo.Payload.Text);
    for (const [index, text] of DEMO_UTTERANCES.entries()) {
      expect(sentences).toContain(text);
      expect(sentences).toContain(result.turns[index]?.replyText);
    }
    expect(received).toHaveLength(result.webhooks.length);
  });

  it('prints plain text with no secret', () => {
    const printed = [...result.views.map((view) => renderView(view)), summarize(result).line].join(
      '\n',
    );
    expect(printed).not.toContain('\u001b[');
    expect(printed).toContain('POST /agents → 401');
    for (const secret of [DEMO_APP_SECRET_KEY, DEMO_API_SECRET_KEY]) {
      expect(printed).not.toContain(secret);
      expect(JSON.stringify(logger.entries)).not.toContain(secret);
    }
    expect(printed).not.toMatch(/eyJ[\w-]+\./); // no session key (a JWT)
  });
});
