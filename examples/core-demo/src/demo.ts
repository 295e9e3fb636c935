import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APICallError, createBot, memoryState, toNodeListener } from '@imbridge/core';
import {
  createMemoryAdapter,
  createScriptedModel,
  type MemoryChatChange,
  type MemoryWebhookBody,
  type Script,
  textSteps,
} from '@imbridge/core/testing';

/** One line of what the chat client saw. */
export interface ClientEvent {
  /** `user`: the user sent something; `bot`: a bot message appeared, grew or was finished. */
  from: 'user' | 'bot';
  /** created / updated / finished for bot messages; message / interrupt for the user. */
  type: MemoryChatChange['type'] | 'message' | 'interrupt';
  /** Text shown. */
  text: string;
  /** Bot message id. */
  messageId?: string;
  /** Bot message kind. */
  kind?: 'reply' | 'post' | 'error';
  /** Why a reply finished. */
  finishReason?: string;
  /** Milliseconds since the demo started. */
  atMs: number;
}

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Called for each client event as it happens (the CLI prints them). */
  onEvent?: (event: ClientEvent) => void;
  /** Delay between model chunks, in ms. @default 60 */
  chunkDelayMs?: number;
  /** Minimum time between updates of one reply, in ms. @default 250 */
  minUpdateIntervalMs?: number;
}

const ANSWERS: Record<string, string> = {
  'What is imbridge?':
    'imbridge is a TypeScript SDK that puts LLM bots into Tencent Cloud Chat, RongCloud and TRTC voice rooms. ' +
    'It receives webhooks, asks a model, and streams the answer back into the chat.',
  'Tell me a very long story.':
    'Once upon a time, in a server room far away, a bot learned to stream its answers one chunk at a time, ' +
    'and it kept talking, and talking, and talking, until someone finally pressed stop...',
  'What is the weather today?': 'Let me check the weather service for you',
};

function scriptFor(question: string, chunkDelayMs: number): Script {
  const answer = ANSWERS[question] ?? 'I do not know that one.';
  if (question.startsWith('What is the weather')) {
    // The model starts answering, then its upstream fails.
    return {
      steps: [
        ...textSteps(answer, { chunkSize: 6, delayMs: chunkDelayMs }),
        {
          type: 'error',
          delayMs: chunkDelayMs * 3,
          error: new APICallError({
            message: 'upstream weather tool failed (HTTP 502)',
            provider: 'demo',
            statusCode: 502,
          }),
        },
      ],
    };
  }
  return { steps: textSteps(answer, { chunkSize: 6, delayMs: chunkDelayMs }) };
}

/**
 * Runs the three demo conversations against a real HTTP server on 127.0.0.1: a streamed reply,
 * a reply the user interrupts, and a reply whose model fails. Returns what the client saw.
 */
export async function runDemo(options: DemoOptions = {}): Promise<ClientEvent[]> {
  const chunkDelayMs = options.chunkDelayMs ?? 60;
  const started = Date.now();
  const events: ClientEvent[] = [];
  const emit = (event: Omit<ClientEvent, 'atMs'>): void => {
    const full = { ...event, atMs: Date.now() - started };
    events.push(full);
    options.onEvent?.(full);
  };

  const adapter = createMemoryAdapter({
    platform: 'memory',
    token: 'demo-callback-token',
    limits: { minUpdateIntervalMs: options.minUpdateIntervalMs ?? 250, callsPerSecond: 200 },
  });
  const unsubscribe = adapter.onChange(({ type, message }) => {
    emit({
      from: 'bot',
      type,
      text: message.text,
      messageId: message.id,
      kind: message.kind,
      ...(message.finishReason !== undefined ? { finishReason: message.finishReason } : {}),
    });
  });
  const model = createScriptedModel({
    scripts: (request) => scriptFor(request.messages.at(-1)?.content ?? '', chunkDelayMs),
  });
  const bot = createBot({
    model,
    state: memoryState(),
    instructions: 'You are the imbridge demo bot.',
    errorMessage: 'Sorry, I could not finish that answer. Please try again.',
  });

  const server = createServer(toNodeListener(bot.webhook(adapter)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  const deliver = async (body: MemoryWebhookBody): Promise<void> => {
    const request = adapter.request(body);
    const response = await fetch(url, {
      method: 'POST',
      headers: request.headers,
      body: await request.text(),
    });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  };
  const say = async (id: string, text: string): Promise<void> => {
    emit({ from: 'user', type: 'message', text });
    await deliver({ type: 'message', id, userId: 'alice', text });
  };
  const waitFor = async (predicate: () => boolean): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('the demo timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  try {
    // 1. A streamed reply: appears, grows in paced updates, finishes.
    await say('m1', 'What is imbridge?');
    await bot.idle();

    // 2. An interrupted reply: the user presses stop while it streams.
    const before = adapter.messages.length;
    await say('m2', 'Tell me a very long story.');
    await waitFor(() => (adapter.messages[before]?.versions.length ?? 0) >= 3);
    const replyId = adapter.messages[before]?.id;
    emit({ from: 'user', type: 'interrupt', text: '(stop generating)' });
    await deliver({ type: 'interrupt', userId: 'alice', ...(replyId ? { replyId } : {}) });
    await bot.idle();

    // 3. An error reply: the model fails mid-answer; the user gets a short error message.
    await say('m3', 'What is the weather today?');
    await bot.idle();
  } finally {
    unsubscribe();
    await bot.close();
    await new Promise((resolve) => server.close(resolve));
  }
  return events;
}
