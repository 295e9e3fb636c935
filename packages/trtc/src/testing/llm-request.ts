/**
 * What the local TRTC sends to the customer's LLM: the `LLMConfig` fields it reads (reference
 * §3.9), the history it keeps, and the OpenAI chat-completions body and headers of one turn
 * (reference §4). Vendor field names live here only.
 *
 * @module
 */
import { z } from 'zod';
import { parseJsonField } from './parameters.ts';

/** One chat message as the OpenAI API takes it. */
export interface ChatMessage {
  readonly role: string;
  readonly content: string;
}

/** A round of the history: a user message and the reply, or one pushed assistant message. */
export type HistoryRound = readonly ChatMessage[];

/** The most rounds TRTC keeps (`History` ranges from 0 to 50). */
export const MAX_HISTORY_ROUNDS = 50;

/** `LLMConfig.Timeout` when it is left out, in seconds. */
const DEFAULT_TIMEOUT_SECONDS = 3;

const text = z.string().min(1);

/** The `LLMConfig` fields the local TRTC checks and uses; others pass unread. */
export const llmConfigSchema = z.object({
  LLMType: text,
  Model: text,
  APIKey: text,
  APIUrl: z.url({ protocol: /^https?$/ }),
  Streaming: z.boolean().optional(),
  SystemPrompt: z.string().optional(),
  Timeout: z.number().min(1).max(50).optional(),
  History: z.number().int().min(0).max(MAX_HISTORY_ROUNDS).optional(),
  MaxTokens: z.number().int().min(1).optional(),
  Temperature: z.number().optional(),
  TopP: z.number().optional(),
  ExtraBody: z.record(z.string(), z.unknown()).optional(),
  UserMessages: z.array(z.object({ Role: text, Content: z.string() })).optional(),
});

/** A task's `LLMConfig`, read. Holds the API key: never copied into a record. */
export interface LLMSettings {
  readonly model: string;
  readonly apiKey: string;
  readonly apiUrl: string;
  /** `Streaming`, `true` when left out. */
  readonly streaming: boolean;
  readonly systemPrompt: string | undefined;
  /** `Timeout` in milliseconds (3 s when left out). */
  readonly timeoutMs: number;
  /** `History`: rounds sent with each turn (0 when left out). */
  readonly historyRounds: number;
  readonly maxTokens: number | undefined;
  readonly temperature: number | undefined;
  readonly topP: number | undefined;
  readonly extraBody: Readonly<Record<string, unknown>> | undefined;
  readonly userMessages: readonly ChatMessage[];
}

/**
 * Reads the `LLMConfig` JSON string of a Start or an Update.
 *
 * @throws {LocalAPIError} `MissingParameter`, `InvalidParameter` or `InvalidParameterValue`
 *   naming the field (never its value).
 */
export function parseLLMSettings(json: string): LLMSettings {
  const config = parseJsonField('LLMConfig', json, llmConfigSchema);
  return {
    model: config.Model,
    apiKey: config.APIKey,
    apiUrl: config.APIUrl,
    streaming: config.Streaming ?? true,
    systemPrompt: config.SystemPrompt,
    timeoutMs: (config.Timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    historyRounds: config.History ?? 0,
    maxTokens: config.MaxTokens,
    temperature: config.Temperature,
    topP: config.TopP,
    extraBody: config.ExtraBody,
    userMessages: (config.UserMessages ?? []).map(({ Role, Content }) => ({
      role: Role,
      content: Content,
    })),
  };
}

/**
 * The messages of one turn: the system prompt (if any), `UserMessages`, the last
 * `historyRounds` rounds of `history`, then the user's text.
 */
export function chatMessages(
  settings: LLMSettings,
  history: readonly HistoryRound[],
  userText: string,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (settings.systemPrompt !== undefined && settings.systemPrompt !== '') {
    messages.push({ role: 'system', content: settings.systemPrompt });
  }
  messages.push(...settings.userMessages);
  if (settings.historyRounds > 0) {
    for (const round of history.slice(-settings.historyRounds)) messages.push(...round);
  }
  messages.push({ role: 'user', content: userText });
  return messages;
}

/** The chat-completions body of one turn; `ExtraBody` fields are merged last. */
export function chatCompletionBody(
  settings: LLMSettings,
  messages: readonly ChatMessage[],
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: settings.model,
    messages,
    stream: settings.streaming,
  };
  if (settings.maxTokens !== undefined) body.max_tokens = settings.maxTokens;
  if (settings.temperature !== undefined) body.temperature = settings.temperature;
  if (settings.topP !== undefined) body.top_p = settings.topP;
  return { ...body, ...settings.extraBody };
}

/** Who a turn is for, as the `X-*` headers say. */
export interface TurnParties {
  readonly taskId: string;
  readonly requestId: string;
  readonly sdkAppId: number;
  /** The user who spoke (the task's target user). */
  readonly userId: string;
  readonly roomId: string;
  readonly roomIdType: number;
  readonly invokeLLM: boolean;
}

/** The headers TRTC sends with each LLM request (reference §4). */
export function chatCompletionHeaders(
  settings: LLMSettings,
  parties: TurnParties,
): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Authorization: `Bearer ${settings.apiKey}`,
    'X-Task-Id': parties.taskId,
    'X-Request-Id': parties.requestId,
    'X-Sdk-App-Id': String(parties.sdkAppId),
    'X-User-Id': parties.userId,
    'X-Room-Id': parties.roomId,
    'X-Room-Id-Type': String(parties.roomIdType),
  };
  if (parties.invokeLLM) headers['X-Invoke-LLM'] = '1';
  return headers;
}

/** Adds a round to `history`, keeping the last {@link MAX_HISTORY_ROUNDS}. */
export function addHistoryRound(history: HistoryRound[], round: HistoryRound): void {
  history.push(round);
  if (history.length > MAX_HISTORY_ROUNDS) history.splice(0, history.length - MAX_HISTORY_ROUNDS);
}
