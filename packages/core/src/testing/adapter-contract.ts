/**
 * The behaviours every {@link ChatAdapter} must have, as runner-agnostic contract cases.
 *
 * @module
 */
import { IMBridgeError, isAbortError } from '../errors/errors.ts';
import type { ChatAdapter, ReplyTarget } from '../spec/chat-adapter.ts';
import { type ContractCase, check, withTimeout } from './contract-support.ts';

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
