import { IMBridgeError, isAbortError } from '../errors/errors.ts';
import type { ChatAdapter, ReplyTarget } from '../spec/chat-adapter.ts';
import type { LanguageModel, ModelEvent } from '../spec/language-model.ts';

/**
 * One contract test: a name and a function that throws when the implementation breaks the
 * contract. Runner-agnostic: `for (const test of cases) it(test.name, test.run)`.
 */
export interface ContractCase {
  /** What the implementation must do. */
  name: string;
  /** Throws a descriptive error on a violation. */
  run: () => Promise<void>;
}

/** Thrown by a contract case that found a violation. */
export class ContractViolation extends Error {
  /** The error class name. */
  override readonly name = 'ContractViolation';
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ContractViolation(message);
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new ContractViolation(`${what} took over ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The backend behaviours a model under contract test must be wired to. */
export type ModelContractScenario =
  /** Answers `expectedText`, in several chunks. */
  | 'text'
  /** Answers slowly: a first chunk, then nothing for seconds (used to test abort). */
  | 'slow'
  /** The backend fails (e.g. HTTP 500 or a vendor error event). */
  | 'error';

/** Options of {@link languageModelContract}. */
export interface LanguageModelContractOptions {
  /** Builds a model whose backend behaves as the scenario says. */
  createModel: (scenario: ModelContractScenario) => LanguageModel | Promise<LanguageModel>;
  /** The answer of the `text` scenario. */
  expectedText: string;
  /** Longest time a model may take to stop after an abort, in milliseconds. @default 1000 */
  abortWithinMs?: number | undefined;
  /** Limit for a whole scenario, in milliseconds. @default 10_000 */
  timeoutMs?: number | undefined;
}

async function collect(
  iterable: AsyncIterable<ModelEvent>,
): Promise<{ events: ModelEvent[]; thrown: unknown }> {
  const events: ModelEvent[] = [];
  try {
    for await (const event of iterable) events.push(event);
    return { events, thrown: undefined };
  } catch (error) {
    return { events, thrown: error };
  }
}

/**
 * The behaviours every {@link LanguageModel} implementation must have. Run them in any test
 * runner.
 *
 * @example
 * ```ts
 * for (const test of languageModelContract({ createModel, expectedText: 'Hello, world' })) {
 *   it(test.name, test.run);
 * }
 * ```
 */
export function languageModelContract(options: LanguageModelContractOptions): ContractCase[] {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const abortWithinMs = options.abortWithinMs ?? 1000;
  const request = (signal?: AbortSignal) => ({
    messages: [{ role: 'user' as const, content: 'Say the expected text.' }],
    user: 'contract-user',
    ...(signal !== undefined ? { signal } : {}),
  });
  return [
    {
      name: 'declares specificationVersion v1 or v2, a provider and a model id',
      run: async () => {
        const model = await options.createModel('text');
        check(
          model.specificationVersion === 'v1' || model.specificationVersion === 'v2',
          `specificationVersion is ${String(model.specificationVersion)}`,
        );
        check(typeof model.provider === 'string' && model.provider.length > 0, 'provider is empty');
        check(typeof model.modelId === 'string' && model.modelId.length > 0, 'modelId is empty');
      },
    },
    {
      name: 'streams text deltas that add up to the answer and ends with exactly one finish event',
      run: async () => {
        const model = await options.createModel('text');
        const { events, thrown } = await withTimeout(
          collect(model.stream(request())),
          timeoutMs,
          'the text scenario',
        );
        check(thrown === undefined, `the stream threw: ${String(thrown)}`);
        let text = '';
        for (const event of events) {
          if (event.type === 'text-delta') text += event.text;
          if (event.type === 'text-replace') text = event.text;
        }
        check(
          text === options.expectedText,
          `text was ${JSON.stringify(text)}, expected ${JSON.stringify(options.expectedText)}`,
        );
        const finishes = events.filter((event) => event.type === 'finish');
        check(finishes.length === 1, `${finishes.length} finish events`);
        check(events.at(-1)?.type === 'finish', 'events follow the finish event');
        check(
          !events.some((event) => event.type === 'error'),
          'an error event in a successful stream',
        );
      },
    },
    {
      name: 'stops promptly once its signal aborts mid-stream',
      run: async () => {
        const model = await options.createModel('slow');
        const controller = new AbortController();
        const iterator = model.stream(request(controller.signal))[Symbol.asyncIterator]();
        const first = await withTimeout(iterator.next(), timeoutMs, 'the first event');
        check(!first.done, 'the slow scenario ended before any event');
        const abortedAt = Date.now();
        controller.abort();
        let textAfterAbort = '';
        try {
          await withTimeout(
            (async () => {
              for (;;) {
                const step = await iterator.next();
                if (step.done) return;
                if (step.value.type === 'text-delta') textAfterAbort += step.value.text;
                if (step.value.type === 'finish' || step.value.type === 'error') return;
              }
            })(),
            abortWithinMs + 1000,
            'stopping after abort',
          );
        } catch (error) {
          if (error instanceof ContractViolation) throw error;
          // Throwing an abort error is a valid way to stop.
        }
        check(Date.now() - abortedAt <= abortWithinMs + 1000, 'the model did not stop promptly');
        check(
          textAfterAbort.length === 0,
          `text arrived after the abort: ${JSON.stringify(textAfterAbort)}`,
        );
      },
    },
    {
      name: 'does not stream text when the signal is already aborted',
      run: async () => {
        const model = await options.createModel('text');
        const controller = new AbortController();
        controller.abort();
        const { events, thrown } = await withTimeout(
          collect(model.stream(request(controller.signal))),
          timeoutMs,
          'the pre-aborted call',
        );
        check(
          !events.some((event) => event.type === 'text-delta'),
          'text arrived for an aborted call',
        );
        check(
          thrown === undefined || isAbortError(thrown) || IMBridgeError.isInstance(thrown),
          `threw a non-imbridge error: ${String(thrown)}`,
        );
      },
    },
    {
      name: 'reports a backend failure as a typed error (never as a short successful answer)',
      run: async () => {
        const model = await options.createModel('error');
        const { events, thrown } = await withTimeout(
          collect(model.stream(request())),
          timeoutMs,
          'the error scenario',
        );
        const errorEvent = events.find((event) => event.type === 'error');
        const error = errorEvent?.type === 'error' ? errorEvent.error : thrown;
        check(error !== undefined, 'no error event and nothing thrown');
        check(
          !events.some((event) => event.type === 'finish'),
          'a finish event in a failed stream',
        );
        check(
          IMBridgeError.isInstance(error),
          `the error is not an IMBridgeError: ${String(error)}`,
        );
        check(
          typeof (error as unknown as { retryable?: unknown }).retryable === 'boolean',
          'the error has no boolean retryable',
        );
      },
    },
  ];
}

/** A message as a client sees it, for {@link chatAdapterContract}. */
export interface ObservedMessage {
  /** Platform id. */
  id?: string;
  /** Current text. */
  text: string;
  /** True once the message is final. */
  finished: boolean;
}

/** What a chat adapter under contract test provides. */
export interface ChatAdapterContractHarness {
  /** The adapter. */
  adapter: ChatAdapter;
  /** A valid (signed) webhook request carrying one user message in a direct chat. */
  messageRequest(input: { messageId: string; text: string }): Request | Promise<Request>;
  /** A request whose body is not a valid payload. */
  malformedRequest(): Request | Promise<Request>;
  /** A request with a forged signature; omit when the platform does not sign webhooks. */
  forgedRequest?(): Request | Promise<Request>;
  /** The messages a client sees in the conversation, oldest first. */
  observe(target: ReplyTarget): Promise<ObservedMessage[]>;
  /** Frees resources (servers...). */
  close?(): Promise<void>;
}

/** Options of {@link chatAdapterContract}. */
export interface ChatAdapterContractOptions {
  /** Builds a fresh harness for each case. */
  setup: () => Promise<ChatAdapterContractHarness>;
  /** Whether the platform signs webhooks (then the harness must offer `forgedRequest`). @default true */
  signedWebhooks?: boolean | undefined;
}

async function withHarness(
  options: ChatAdapterContractOptions,
  body: (harness: ChatAdapterContractHarness) => Promise<void>,
): Promise<void> {
  const harness = await options.setup();
  try {
    await body(harness);
  } finally {
    await harness.close?.();
  }
}

async function receiveMessage(
  harness: ChatAdapterContractHarness,
  messageId: string,
  text: string,
) {
  const result = await harness.adapter.receive(await harness.messageRequest({ messageId, text }));
  check(
    result.response.status >= 200 && result.response.status < 300,
    `status ${result.response.status} for a valid webhook`,
  );
  const messages = result.events.filter((event) => event.type === 'message');
  check(messages.length === 1, `${messages.length} message events for one message`);
  const event = messages[0];
  check(event?.type === 'message', 'no message event');
  return event.message;
}

/**
 * The behaviours every {@link ChatAdapter} implementation must have. Run them in any test
 * runner.
 *
 * @example
 * ```ts
 * for (const test of chatAdapterContract({ setup })) it(test.name, test.run);
 * ```
 */
export function chatAdapterContract(options: ChatAdapterContractOptions): ContractCase[] {
  const cases: ContractCase[] = [
    {
      name: 'declares a platform id and positive limits',
      run: () =>
        withHarness(options, async ({ adapter }) => {
          check(adapter.platform.length > 0, 'platform is empty');
          check(adapter.limits.maxMessageBytes > 0, 'maxMessageBytes is not positive');
          check(adapter.limits.minUpdateIntervalMs >= 0, 'minUpdateIntervalMs is negative');
          check(adapter.limits.callsPerSecond > 0, 'callsPerSecond is not positive');
        }),
    },
    {
      name: 'turns a valid webhook into one message event with a stable id, text and target',
      run: () =>
        withHarness(options, async (harness) => {
          const first = await receiveMessage(harness, 'contract-1', 'hello contract');
          const again = await receiveMessage(harness, 'contract-1', 'hello contract');
          check(first.id === again.id, 'two deliveries of one message have different ids');
          check(first.text === 'hello contract', `text is ${JSON.stringify(first.text)}`);
          check(first.target.conversationId.length > 0, 'conversationId is empty');
          check(first.target.type === 'direct', 'a direct message is not direct');
          check(!first.sender.isBot, 'a user is reported as a bot');
          check(first.mentionsBot, 'a direct message does not address the bot');
        }),
    },
    {
      name: 'rejects a malformed body with a 4xx and no message event, without throwing',
      run: () =>
        withHarness(options, async (harness) => {
          const result = await harness.adapter.receive(await harness.malformedRequest());
          check(
            result.response.status >= 400 && result.response.status < 500,
            `status ${result.response.status}`,
          );
          check(
            !result.events.some((event) => event.type === 'message'),
            'a message event from a malformed body',
          );
        }),
    },
    {
      name: 'streams a reply: the client sees one message growing, then finished with the final text',
      run: () =>
        withHarness(options, async (harness) => {
          const message = await receiveMessage(harness, 'contract-2', 'stream please');
          const sink = await harness.adapter.openReply(message.target, { replyTo: message });
          await sink.update('Hel');
          check(
            typeof sink.id === 'string' && sink.id.length > 0,
            'the reply has no id after its first update',
          );
          await sink.update('Hello');
          await sink.finish('Hello, contract', { reason: 'complete' });
          const seen = await harness.observe(message.target);
          const reply = seen.find((item) => item.id === sink.id) ?? seen.at(-1);
          check(reply !== undefined, 'the client sees no reply');
          check(reply.text === 'Hello, contract', `the client sees ${JSON.stringify(reply.text)}`);
          check(reply.finished, 'the reply is not marked finished');
        }),
    },
    {
      name: 'finishes an interrupted reply with its partial text',
      run: () =>
        withHarness(options, async (harness) => {
          const message = await receiveMessage(harness, 'contract-3', 'interrupt me');
          const sink = await harness.adapter.openReply(message.target, { replyTo: message });
          await sink.update('Part');
          await sink.finish('Partial', { reason: 'interrupted' });
          const seen = await harness.observe(message.target);
          const reply = seen.find((item) => item.id === sink.id) ?? seen.at(-1);
          check(reply?.finished === true, 'the interrupted reply is not marked finished');
          check(reply.text === 'Partial', `the client sees ${JSON.stringify(reply.text)}`);
        }),
    },
    {
      name: 'posts a plain message and an error message the client can see',
      run: () =>
        withHarness(options, async (harness) => {
          const message = await receiveMessage(harness, 'contract-4', 'post please');
          const posted = await harness.adapter.post(message.target, 'plain text');
          check(typeof posted.id === 'string' && posted.id.length > 0, 'post returned no id');
          await harness.adapter.postError(message.target, 'Something went wrong');
          const texts = (await harness.observe(message.target)).map((item) => item.text);
          check(texts.includes('plain text'), 'the posted message is not visible');
          check(
            texts.some((text) => text.includes('Something went wrong')),
            'the error message is not visible',
          );
        }),
    },
  ];
  if (options.signedWebhooks === false) return cases;
  cases.push({
    name: 'rejects a forged signature with a 4xx and no events',
    run: () =>
      withHarness(options, async (harness) => {
        check(
          harness.forgedRequest !== undefined,
          'signed webhooks but no forgedRequest in the harness',
        );
        const result = await harness.adapter.receive(await harness.forgedRequest());
        check(
          result.response.status >= 400 && result.response.status < 500,
          `status ${result.response.status}`,
        );
        check(result.events.length === 0, 'events from a forged request');
      }),
  });
  return cases;
}
