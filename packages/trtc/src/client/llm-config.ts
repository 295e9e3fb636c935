import type { SecretInput } from '@imbridge/provider-utils';
import { z } from 'zod';
import {
  addExtra,
  extraSchema,
  httpUrl,
  mapFields,
  nonEmptyString,
  resolveCallSecret,
  secretInputSchema,
} from './wire.ts';

/** One extra context message TRTC puts before the conversation. */
export interface LLMUserMessage {
  /** The role, e.g. `'system'`, `'user'`, `'assistant'`. */
  role: string;
  /** The text. */
  content: string;
}

/**
 * The LLM TRTC calls for the agent's replies (TRTC's `LLMConfig`, sent as a JSON string).
 *
 * @see https://cloud.tencent.com/document/product/647/115413
 */
export interface LLMConfig {
  /** `LLMType`: `'openai'` for any OpenAI-compatible API; also `'coze'`, `'minimax'`… */
  type: 'openai' | 'coze' | 'minimax' | (string & {});
  /** The model name. */
  model: string;
  /**
   * The key TRTC presents to the LLM (a value, or a function returning it, resolved at each
   * call). Never logged; redacted from every error of the call.
   */
  apiKey: SecretInput;
  /** The **full** chat-completions URL, e.g. `https://api.openai.com/v1/chat/completions`. */
  apiUrl: string;
  /**
   * Stream the LLM's answer (recommended).
   *
   * @default false (Chinese docs); true (international docs)
   */
  streaming?: boolean | undefined;
  /** The system prompt. */
  systemPrompt?: string | undefined;
  /**
   * Limit of the LLM call, in seconds (decimals allowed), from 1 to 50.
   *
   * @default 3
   */
  timeoutSeconds?: number | undefined;
  /**
   * Rounds of context TRTC keeps and sends, 0 to 50.
   *
   * @default 0
   */
  history?: number | undefined;
  /**
   * `'played'`: history holds only the text that was actually spoken; `'generated'`: all of it.
   *
   * @default 'generated'
   */
  historyMode?: 'generated' | 'played' | undefined;
  /** The most tokens an answer may have. */
  maxTokens?: number | undefined;
  /** Sampling temperature. */
  temperature?: number | undefined;
  /** Nucleus sampling. */
  topP?: number | undefined;
  /** Fields added to the body of each LLM request, e.g. `{ enable_thinking: false }`. */
  extraBody?: Readonly<Record<string, unknown>> | undefined;
  /** Extra context messages. */
  userMessages?: readonly LLMUserMessage[] | undefined;
  /** Custom parameters TRTC puts in the body of each LLM request. */
  metaInfo?: Readonly<Record<string, unknown>> | undefined;
  /**
   * Fields a vendor needs beyond these (Coze's `BotId`, `UserId`, `conversation_id`), sent as
   * given. A key that a typed field sets is refused. Not redacted: put keys in `apiKey`.
   */
  extra?: Readonly<Record<string, unknown>> | undefined;
}

/** Checks an {@link LLMConfig}. */
export const llmConfigSchema = z.strictObject({
  type: nonEmptyString,
  model: nonEmptyString,
  apiKey: secretInputSchema,
  apiUrl: httpUrl,
  streaming: z.boolean().optional(),
  systemPrompt: z.string().optional(),
  timeoutSeconds: z.number().min(1).max(50).optional(),
  history: z.int().min(0).max(50).optional(),
  historyMode: z.enum(['generated', 'played']).optional(),
  maxTokens: z.int().min(1).optional(),
  temperature: z.number().min(0).optional(),
  topP: z.number().min(0).max(1).optional(),
  extraBody: z.record(z.string(), z.unknown()).optional(),
  userMessages: z.array(z.strictObject({ role: nonEmptyString, content: z.string() })).optional(),
  metaInfo: z.record(z.string(), z.unknown()).optional(),
  extra: extraSchema,
});

/**
 * `LLMConfig` as the JSON string TRTC expects, with the API key resolved and its forms added to
 * `secrets`.
 */
export async function llmConfigToWire(
  llm: z.infer<typeof llmConfigSchema>,
  method: string,
  secrets: string[],
): Promise<string> {
  const apiKey = await resolveCallSecret(llm.apiKey, method, 'llmConfig.apiKey', secrets);
  const wire = mapFields(
    { ...llm, apiKey },
    {
      type: 'LLMType',
      model: 'Model',
      apiKey: 'APIKey',
      apiUrl: 'APIUrl',
      streaming: 'Streaming',
      systemPrompt: 'SystemPrompt',
      timeoutSeconds: 'Timeout',
      history: 'History',
      maxTokens: 'MaxTokens',
      temperature: 'Temperature',
      topP: 'TopP',
      extraBody: 'ExtraBody',
      metaInfo: 'MetaInfo',
    },
    {},
  );
  if (llm.historyMode !== undefined) wire.HistoryMode = llm.historyMode === 'played' ? 1 : 0;
  if (llm.userMessages !== undefined) {
    wire.UserMessages = llm.userMessages.map(({ role, content }) => ({
      Role: role,
      Content: content,
    }));
  }
  return JSON.stringify(addExtra(wire, llm.extra, method, 'llmConfig'));
}
