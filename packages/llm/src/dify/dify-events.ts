/**
 * Dify events (streamed, or a blocking body replayed as events) mapped to model events, with
 * the state needed for one `finish` (usage, conversation id) and for workflow outputs.
 */
import { APICallError, type FinishEvent, type ModelEvent, type ModelUsage } from '@imbridge/core';
import { streamErrorToAPICallError } from './dify-errors.ts';
import {
  DIFY_PROVIDER,
  type DifyApp,
  type DifyProviderState,
  isChatApp,
  mapUsage,
  pickWorkflowOutput,
  readNumber,
  readRecord,
  readString,
  type WireRecord,
} from './dify-wire.ts';

/** The outcome of one Dify event: model events to yield, and whether the answer is complete. */
export interface MappedEvent {
  events: ModelEvent[];
  done: boolean;
}

/** Maps the events of one Dify answer. */
export interface EventMapper {
  /** The last `task_id` seen (for the stop endpoint). */
  readonly taskId: string | undefined;
  /** Maps one Dify event object. */
  handle(payload: WireRecord): MappedEvent;
  /** Called when the body ended without a terminal event having completed the answer. */
  end(): ModelEvent[];
}

/** What the mapper of one answer needs. */
export interface EventMapperOptions {
  app: DifyApp;
  workflowOutputKey: string | undefined;
  /** The conversation the request continued, if any. */
  sentConversationId: string | undefined;
  /** Values to redact from Dify's text. */
  secrets: readonly string[];
}

/** Creates the event mapper of one Dify answer. */
export function createEventMapper(options: EventMapperOptions): EventMapper {
  const app = options.app;
  let conversationId = options.sentConversationId;
  let taskId: string | undefined;
  let sawText = false;
  let replaced = false;
  let stopped = false;
  let usage: ModelUsage | undefined;
  let messageEnded = false;
  let workflowFinished = false;
  let reasoningStarted = false;
  const thoughts = new Map<string, string>();

  const finish = (): FinishEvent => ({
    type: 'finish',
    reason: stopped ? 'other' : replaced ? 'content-filter' : 'stop',
    ...(usage !== undefined ? { usage } : {}),
    ...(isChatApp(app) && conversationId !== undefined
      ? { providerState: { conversationId } satisfies DifyProviderState }
      : {}),
  });
  const reasoning = (text: string): ModelEvent => {
    const separated = reasoningStarted ? `\n${text}` : text;
    reasoningStarted = true;
    return { type: 'reasoning-delta', text: separated };
  };
  const completed = (): MappedEvent => ({ events: [finish()], done: true });
  const none: MappedEvent = { events: [], done: false };
  const failed = (error: APICallError): MappedEvent => ({
    events: [{ type: 'error', error }],
    done: true,
  });

  const onAgentThought = (payload: WireRecord): MappedEvent => {
    const thought = readString(payload, 'thought') ?? '';
    const id = readString(payload, 'id') ?? String(readNumber(payload, 'position') ?? '');
    const previous = thoughts.get(id) ?? '';
    thoughts.set(id, thought);
    if (thought.length === 0 || thought === previous) return none;
    // Dify re-sends a thought when its tool call finishes: yield only what is new.
    if (previous.length > 0 && thought.startsWith(previous)) {
      return {
        events: [{ type: 'reasoning-delta', text: thought.slice(previous.length) }],
        done: false,
      };
    }
    return { events: [reasoning(thought)], done: false };
  };

  const onWorkflowFinished = (payload: WireRecord): MappedEvent => {
    const data = readRecord(payload, 'data');
    const status = readString(data, 'status');
    if (status === 'failed') {
      const detail = readString(data, 'error') ?? 'no detail';
      return failed(
        new APICallError({
          message: `${DIFY_PROVIDER} workflow failed: ${detail.slice(0, 300)}`,
          provider: DIFY_PROVIDER,
          kind: 'server',
          retryable: false,
          providerCode: 'workflow_failed',
        }),
      );
    }
    if (status === 'stopped') stopped = true;
    const totalTokens = readNumber(data, 'total_tokens');
    if (usage === undefined && totalTokens !== undefined) usage = { totalTokens };
    if (app === 'chatflow') {
      workflowFinished = true;
      return messageEnded ? completed() : none;
    }
    const events: ModelEvent[] = [];
    if (!sawText && !stopped) {
      const outputs = readRecord(data, 'outputs');
      const text = pickWorkflowOutput(outputs, options.workflowOutputKey);
      if (text === undefined) {
        const keys = outputs === undefined ? 'none' : Object.keys(outputs).join(', ') || 'none';
        return failed(
          new APICallError({
            message: `${DIFY_PROVIDER} workflow finished without a usable answer output (outputs: ${keys.slice(0, 200)})`,
            provider: DIFY_PROVIDER,
            kind: 'invalid-request',
            retryable: false,
            hint: 'set workflowOutputKey to the output variable that holds the answer',
          }),
        );
      }
      if (text.length > 0) events.push({ type: 'text-delta', text });
      sawText = true;
    }
    events.push(finish());
    return { events, done: true };
  };

  return {
    get taskId(): string | undefined {
      return taskId;
    },
    handle(payload: WireRecord): MappedEvent {
      const eventConversationId = readString(payload, 'conversation_id');
      if (eventConversationId !== undefined && eventConversationId.length > 0)
        conversationId = eventConversationId;
      const eventTaskId = readString(payload, 'task_id');
      if (eventTaskId !== undefined && eventTaskId.length > 0) taskId = eventTaskId;

      switch (readString(payload, 'event')) {
        case 'message':
        case 'agent_message':
        case 'text_chunk': {
          // Chat apps stream `answer`; workflows stream `text_chunk` with `data.text`.
          const text =
            readString(payload, 'answer') ?? readString(readRecord(payload, 'data'), 'text');
          if (text === undefined || text.length === 0) return none;
          sawText = true;
          return { events: [{ type: 'text-delta', text }], done: false };
        }
        case 'message_replace': {
          replaced = true;
          sawText = true;
          return {
            events: [{ type: 'text-replace', text: readString(payload, 'answer') ?? '' }],
            done: false,
          };
        }
        case 'agent_thought':
          return onAgentThought(payload);
        case 'reasoning_chunk': {
          const text = readString(readRecord(payload, 'data'), 'reasoning');
          return text === undefined || text.length === 0
            ? none
            : { events: [{ type: 'reasoning-delta', text }], done: false };
        }
        case 'message_end': {
          usage = mapUsage(readRecord(payload, 'metadata')) ?? usage;
          if (app === 'workflow') return none;
          if (app === 'chatflow') {
            messageEnded = true;
            return workflowFinished ? completed() : none;
          }
          return completed();
        }
        case 'workflow_finished':
          return app === 'workflow' || app === 'chatflow' ? onWorkflowFinished(payload) : none;
        case 'error':
          return failed(streamErrorToAPICallError(payload, options.secrets));
        default:
          // `ping`, workflow and node progress, TTS, files and future events carry no answer.
          return none;
      }
    },
    end(): ModelEvent[] {
      if (app === 'chatflow' && (messageEnded || workflowFinished)) return [finish()];
      const error = new APICallError({
        message: `${DIFY_PROVIDER} stream ended before its final event`,
        provider: DIFY_PROVIDER,
        kind: 'network',
        retryable: true,
      });
      return [{ type: 'error', error }];
    },
  };
}
