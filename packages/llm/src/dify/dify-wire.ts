/**
 * The Dify wire boundary: narrowing of untrusted JSON, request bodies and paths, and the mapping
 * of Dify usage and workflow outputs. Dify field names live here and in the event mapper.
 */
import type { JsonValue, ModelMessage, ModelUsage } from '@imbridge/core';
import { isRecord } from '@imbridge/provider-utils';

/** Vendor id used in errors and as `LanguageModel.provider`. */
export const DIFY_PROVIDER = 'dify';

/** The Dify app types {@link createDify} can talk to. */
export const DIFY_APPS = ['chat', 'agent', 'chatflow', 'completion', 'workflow'] as const;

/**
 * One of {@link DIFY_APPS}: `chat` (Chatbot), `agent` (Agent), `chatflow` (Chatflow, a.k.a.
 * advanced chat), `completion` (Text generator) or `workflow` (Workflow).
 */
export type DifyApp = (typeof DIFY_APPS)[number];

/** How Dify delivers the answer: server-sent events, or one JSON body at the end. */
export type DifyResponseMode = 'streaming' | 'blocking';

/**
 * What a Dify model returns as `providerState` (chat, agent and chatflow apps): the Dify
 * conversation to continue next turn. Pass it back unchanged as `ModelRequest.providerState`.
 */
export interface DifyProviderState {
  /** Dify's `conversation_id`. */
  conversationId: string;
}

/** A JSON object read off the wire, not yet trusted. */
export type WireRecord = Readonly<Record<string, unknown>>;

/** A string field, or `undefined` when absent or of another type. */
export function readString(record: WireRecord | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** A finite number field, or `undefined` when absent or of another type. */
export function readNumber(record: WireRecord | undefined, key: string): number | undefined {
  const value = record?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A nested object field, or `undefined` when absent or of another type. */
export function readRecord(record: WireRecord | undefined, key: string): WireRecord | undefined {
  const value = record?.[key];
  return isRecord(value) ? value : undefined;
}

/** Parses a JSON text into an object; `undefined` for invalid JSON or a non-object. */
export function parseWireRecord(text: string): WireRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRecord(value) ? value : undefined;
}

/** True for the apps that keep a conversation (`chat`, `agent`, `chatflow`). */
export function isChatApp(app: DifyApp): boolean {
  return app === 'chat' || app === 'agent' || app === 'chatflow';
}

/** The Service API path that runs the app. */
export function endpointPath(app: DifyApp): string {
  if (app === 'completion') return 'completion-messages';
  if (app === 'workflow') return 'workflows/run';
  return 'chat-messages';
}

/** The Service API path that stops a running task. */
export function stopPath(app: DifyApp, taskId: string): string {
  const id = encodeURIComponent(taskId);
  if (app === 'completion') return `completion-messages/${id}/stop`;
  if (app === 'workflow') return `workflows/tasks/${id}/stop`;
  return `chat-messages/${id}/stop`;
}

/** The conversation id held in a Dify `providerState`. */
export function readConversationId(state: JsonValue | undefined): string | undefined {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return undefined;
  const value = state.conversationId;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The newest user message: Dify keeps the history of chat apps itself. */
export function lastUserMessage(messages: ReadonlyArray<ModelMessage>): string | undefined {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role === 'user') return message.content;
  }
  return undefined;
}

/** What one request body is made of. */
export interface BodyInput {
  app: DifyApp;
  responseMode: DifyResponseMode;
  query: string;
  inputs: Readonly<Record<string, string>>;
  user: string;
  conversationId: string | undefined;
}

/**
 * The run body: chat apps take `query` and `conversation_id`; text generators and workflows get
 * the text as `inputs.query`.
 */
export function buildBody(input: BodyInput): WireRecord {
  const { query, inputs, user, responseMode, conversationId } = input;
  if (isChatApp(input.app)) {
    return {
      inputs: { ...inputs },
      query,
      response_mode: responseMode,
      user,
      conversation_id: conversationId, // JSON leaves it out when undefined
    };
  }
  return { inputs: { ...inputs, query }, response_mode: responseMode, user };
}

/** Maps `metadata.usage` (`prompt_tokens`, `completion_tokens`, `total_tokens`). */
export function mapUsage(metadata: WireRecord | undefined): ModelUsage | undefined {
  const usage = readRecord(metadata, 'usage');
  if (usage === undefined) return undefined;
  const inputTokens = readNumber(usage, 'prompt_tokens');
  const outputTokens = readNumber(usage, 'completion_tokens');
  const totalTokens = readNumber(usage, 'total_tokens');
  if (inputTokens === undefined && outputTokens === undefined && totalTokens === undefined)
    return undefined;
  return {
    ...(inputTokens !== undefined ? { inputTokens } : {}),
    ...(outputTokens !== undefined ? { outputTokens } : {}),
    ...(totalTokens !== undefined ? { totalTokens } : {}),
  };
}

/**
 * Picks the answer out of workflow `outputs`: the configured key, else `text`, else `answer`,
 * else the only string output. `undefined` when none fits.
 */
export function pickWorkflowOutput(
  outputs: WireRecord | undefined,
  outputKey: string | undefined,
): string | undefined {
  if (outputs === undefined) return undefined;
  if (outputKey !== undefined) {
    if (!Object.hasOwn(outputs, outputKey)) return undefined;
    const value = outputs[outputKey];
    if (typeof value === 'string') return value;
    return value === undefined || value === null ? undefined : JSON.stringify(value);
  }
  const text = readString(outputs, 'text') ?? readString(outputs, 'answer');
  if (text !== undefined) return text;
  const strings = Object.values(outputs).filter((value) => typeof value === 'string');
  return strings.length === 1 ? strings[0] : undefined;
}
