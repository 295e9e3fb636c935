/** A known OpenAI-compatible endpoint: where it lives and what to know about it. */
export interface OpenAICompatiblePreset {
  /** API root to pass as `baseUrl` (`/chat/completions` is appended). */
  readonly baseUrl: string;
  /** Vendor quirks worth knowing (auth, reasoning fields, usage placement, extra body fields). */
  readonly notes: string;
}

/**
 * Base URLs of vendors that speak OpenAI's Chat Completions, for
 * `createOpenAICompatible({ ...OPENAI_COMPATIBLE_PRESETS.deepseek, apiKey, model })`.
 *
 * Regional variants are separate entries (`qwenCn` / `qwenIntl`...): an API key works only in the
 * region that issued it. The values are plain data; spread one and override what differs.
 *
 * @see https://api-docs.deepseek.com/
 * @see https://help.aliyun.com/zh/model-studio/compatibility-of-openai-with-dashscope
 * @see https://platform.moonshot.cn/docs/api/chat
 * @see https://cloud.tencent.com/document/product/1729/111007
 * @see https://docs.bigmodel.cn/cn/guide/develop/openai/introduction
 * @see https://platform.minimax.io/docs/api-reference/text-openai-api
 * @see https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html
 * @example
 * ```ts
 * const model = createOpenAICompatible({
 *   ...OPENAI_COMPATIBLE_PRESETS.qwenCn,
 *   apiKey: process.env.DASHSCOPE_API_KEY,
 *   model: 'qwen-plus',
 *   provider: 'qwen',
 * });
 * ```
 */
export const OPENAI_COMPATIBLE_PRESETS = {
  /** OpenAI itself. */
  openai: {
    baseUrl: 'https://api.openai.com/v1',
    notes:
      'Usage only with includeUsage (a trailing chunk with empty choices); may echo part of a wrong API key in 401 bodies.',
  },
  /** DeepSeek (`deepseek-chat`, `deepseek-reasoner`). */
  deepseek: {
    baseUrl: 'https://api.deepseek.com',
    notes:
      '`/v1` also works. deepseek-reasoner streams delta.reasoning_content; usage arrives in a trailing chunk with empty choices; sends `: keep-alive` comments while queued.',
  },
  /** Alibaba Qwen through DashScope's compatible mode, mainland China region. */
  qwenCn: {
    baseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
    notes:
      'Keys from the Beijing region. Thinking models stream delta.reasoning_content; usage needs includeUsage.',
  },
  /** Alibaba Qwen through DashScope's compatible mode, international (Singapore) region. */
  qwenIntl: {
    baseUrl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
    notes:
      'Keys from the international console; a US region is https://dashscope-us.aliyuncs.com/compatible-mode/v1.',
  },
  /** Moonshot / Kimi, mainland China. */
  moonshotCn: {
    baseUrl: 'https://api.moonshot.cn/v1',
    notes:
      'Puts usage inside choices[0] of the final chunk instead of at the top level (read either way).',
  },
  /** Moonshot / Kimi, international. */
  moonshotIntl: {
    baseUrl: 'https://api.moonshot.ai/v1',
    notes: 'Same API as moonshotCn, separate accounts and keys.',
  },
  /** Tencent Hunyuan. */
  hunyuan: {
    baseUrl: 'https://api.hunyuan.cloud.tencent.com/v1',
    notes: 'Accepts extra body fields such as enable_enhancement (pass them in `body`).',
  },
  /** Zhipu GLM (BigModel), mainland China. */
  zhipuCn: {
    baseUrl: 'https://open.bigmodel.cn/api/paas/v4',
    notes:
      'GLM thinking models stream delta.reasoning_content; finish_reason "sensitive" means content filter and "network_error" an upstream failure.',
  },
  /** Zhipu GLM (Z.ai), international. */
  zhipuIntl: {
    baseUrl: 'https://api.z.ai/api/paas/v4',
    notes: 'Same API as zhipuCn, separate accounts and keys.',
  },
  /** MiniMax in OpenAI mode, global platform. */
  minimaxGlobal: {
    baseUrl: 'https://api.minimax.io/v1',
    notes:
      'Streams delta.role as "" (tolerated here). For the native chatcompletion_v2 API use the MiniMax adapter; an Anthropic-compatible endpoint lives at /anthropic/v1.',
  },
  /** MiniMax in OpenAI mode, mainland China platform. */
  minimaxCn: {
    baseUrl: 'https://api.minimaxi.com/v1',
    notes: 'Same API as minimaxGlobal, separate accounts and keys.',
  },
  /** Ollama on the local machine. */
  ollama: {
    baseUrl: 'http://localhost:11434/v1',
    notes:
      'No API key needed. The native API lives at /api; reasoning models stream delta.reasoning.',
  },
  /** vLLM's OpenAI-compatible server (`vllm serve`). */
  vllm: {
    baseUrl: 'http://localhost:8000/v1',
    notes: 'API key only when started with --api-key; model is the served model name.',
  },
} as const satisfies Record<string, OpenAICompatiblePreset>;

/** The name of one of {@link OPENAI_COMPATIBLE_PRESETS}. */
export type OpenAICompatiblePresetName = keyof typeof OPENAI_COMPATIBLE_PRESETS;
