/**
 * End to end: the voice agent started through the real client against the local TRTC, which
 * calls the agent's endpoint over loopback HTTP the way TRTC does (bearer key, `X-Room-Id`…,
 * streamed chat completion), one turn per simulated utterance.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AgentHarness,
  llmConfigOf,
  postUtterance,
  SDK_APP_ID,
  startAgentHarness,
  trtcHeaders,
} from './__fixtures__/agent-harness.ts';

const opened: AgentHarness[] = [];
async function harness(...args: Parameters<typeof startAgentHarness>): Promise<AgentHarness> {
  const started = await startAgentHarness(...args);
  opened.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((started) => started.close()));
});

function refusalReasons(h: AgentHarness): (string | undefined)[] {
  return h.logger.entries
    .filter((entry) => entry.event === 'webhook-rejected')
    .map((entry) => ('error' in entry ? entry.error.message : undefined));
}

describe('voice agent through the local TRTC', () => {
  it("answers each utterance, and the second answer's model call has the first turn", async () => {
    const h = await harness();
    const { taskId } = await h.agent.start({ roomId: 8001, targetUserId: 'alice' });
    if (taskId === undefined) throw new Error('no task');
    const first = await h.local.simulateUtterance(taskId, 'What is the weather?');
    expect(first).toMatchObject({
      status: 'completed',
      replyText: 'You said: What is the weather?',
      httpStatus: 200,
    });
    const second = await h.local.simulateUtterance(taskId, 'And tomorrow?');
    expect(second.replyText).toBe('You said: And tomorrow?');
    expect(h.model.calls.map((call) => call.request.messages)).toEqual([
      [{ role: 'user', content: 'What is the weather?' }],
      [
        { role: 'user', content: 'What is the weather?' },
        { role: 'assistant', content: 'You said: What is the weather?' },
        { role: 'user', content: 'And tomorrow?' },
      ],
    ]);
    expect(h.model.calls[0]?.request.metadata).toMatchObject({
      taskId,
      roomId: '8001',
      sdkAppId: String(SDK_APP_ID),
    });
  });

  it('refuses a task started with a forged key, and one whose key has expired', async () => {
    let clockMs = Date.now();
    const h = await harness({ tokenTtlSeconds: 60, now: () => clockMs });
    // A task someone started with a key of their own making, pointed at this endpoint.
    const forged = await h.trtc.startAIConversation({
      sdkAppId: SDK_APP_ID,
      roomId: 8002,
      agentConfig: { userId: 'intruder', userSig: 'sig', targetUserId: 'alice' },
      llmConfig: {
        type: 'openai',
        model: 'x',
        apiKey: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln',
        apiUrl: h.endpointUrl,
      },
      ttsConfig: { type: 'flow', voiceId: 'v', model: 'flow_01_turbo' },
    });
    if (forged.status !== 'started') throw new Error('not started');
    const refused = await h.local.simulateUtterance(forged.taskId, 'hello');
    expect(refused).toMatchObject({ status: 'failed', failure: 'http-error', httpStatus: 401 });

    const { taskId } = await h.agent.start({ roomId: 8003, targetUserId: 'alice' });
    if (taskId === undefined) throw new Error('no task');
    expect((await h.local.simulateUtterance(taskId, 'hi')).status).toBe('completed');
    clockMs += 66_000; // past the expiry and the 5 s of clock tolerance
    const late = await h.local.simulateUtterance(taskId, 'still there?');
    expect(late).toMatchObject({ status: 'failed', httpStatus: 401 });
    expect(refusalReasons(h)).toEqual([
      'authenticate refused the request: the session key is not signed by this agent',
      'authenticate refused the request: the session key has expired',
    ]);
    expect(h.model.calls).toHaveLength(1);
  });

  it('aborts the model when TRTC drops the connection mid-answer', async () => {
    const h = await harness({}, { hang: (text) => text === 'tell me a long story' });
    const { taskId } = await h.agent.start({ roomId: 8004, targetUserId: 'alice' });
    if (taskId === undefined) throw new Error('no task');
    const interrupt = new AbortController();
    const turn = h.local.simulateUtterance(taskId, 'tell me a long story', {
      signal: interrupt.signal,
    });
    while (h.model.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    interrupt.abort();
    expect((await turn).status).toBe('aborted');
    await h.model.calls[0]?.ended;
    expect(h.model.calls[0]?.aborted).toBe(true);
  });

  it('Stop ends the task and its running turn, and the endpoint refuses the stopped session key', async () => {
    const h = await harness({}, { hang: (text) => text === 'keep talking' });
    const { taskId } = await h.agent.start({
      roomId: 'room-e2e',
      targetUserId: 'alice',
      sessionId: 'e2e-session',
    });
    if (taskId === undefined) throw new Error('no task');
    const key = llmConfigOf(h.local, taskId).APIKey as string;
    const running = h.local.simulateUtterance(taskId, 'keep talking');
    while (h.model.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    expect(await h.agent.stop({ taskId })).toMatchObject({
      status: 'stopped',
      sessionId: 'e2e-session',
    });
    expect((await running).status).toBe('aborted');
    await h.model.calls[0]?.ended;
    expect(h.model.calls[0]?.aborted).toBe(true);
    expect(h.local.tasks[0]?.status).toBe('Stopped');
    await expect(h.local.simulateUtterance(taskId, 'hello?')).rejects.toThrow();

    // The key, replayed with TRTC's headers, is refused now.
    const replay = await postUtterance(
      h.endpointUrl,
      trtcHeaders(key, { roomId: 'room-e2e', roomIdType: '1', userId: 'alice', taskId }),
      'hello?',
    );
    expect(replay.status).toBe(401);
    expect(refusalReasons(h).at(-1)).toContain('the session was stopped');
    expect(h.model.calls).toHaveLength(1);
  });

  it('refuses the key of a task TRTC reports stopped (902), and logs no rejected callback', async () => {
    const h = await harness();
    const { taskId } = await h.agent.start({ roomId: 8005, targetUserId: 'alice' });
    if (taskId === undefined) throw new Error('no task');
    const key = llmConfigOf(h.local, taskId).APIKey as string;
    // Stopped behind the agent's back (in real life: the user left, the room was dismissed).
    await h.trtc.stopAIConversation({ taskId });
    await h.local.flushWebhooks();
    expect(h.local.webhooks.map((webhook) => [webhook.eventType, webhook.status])).toEqual([
      [901, 200],
      [902, 200],
    ]);
    const replay = await postUtterance(
      h.endpointUrl,
      trtcHeaders(key, { roomId: '8005', userId: 'alice', taskId }),
      'hello?',
    );
    expect(replay.status).toBe(401);
    expect(refusalReasons(h)).toEqual([
      'authenticate refused the request: the session was stopped',
    ]);
  });

  it('a session started again under the same id gets a working key; the stopped task key stays refused, even after its late 902', async () => {
    const h = await harness();
    const first = await h.agent.start({ roomId: 8006, targetUserId: 'alice', sessionId: 'reused' });
    if (first.taskId === undefined) throw new Error('no task');
    const oldKey = llmConfigOf(h.local, first.taskId).APIKey as string;
    // Stopped behind the agent's back; its 902 may arrive before or after the restart.
    await h.trtc.stopAIConversation({ taskId: first.taskId });
    const second = await h.agent.start({
      roomId: 8006,
      targetUserId: 'alice',
      sessionId: 'reused',
    });
    if (second.taskId === undefined) throw new Error('no task');
    expect(second.status).toBe('started');
    await h.local.flushWebhooks(); // the first task's 902 has arrived by now
    const answered = await h.local.simulateUtterance(second.taskId, 'hello again');
    expect(answered).toMatchObject({ status: 'completed', replyText: 'You said: hello again' });
    const replay = await postUtterance(
      h.endpointUrl,
      trtcHeaders(oldKey, { roomId: '8006', userId: 'alice', taskId: first.taskId }),
      'old key',
    );
    expect(replay.status).toBe(401);
    expect(refusalReasons(h)).toEqual([
      'authenticate refused the request: the session was stopped',
    ]);
  });
});
