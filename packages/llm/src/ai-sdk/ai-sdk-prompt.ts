/**
 * imbridge request → AI SDK call options: instructions, messages, tools and tool choice.
 */
import type { ModelMessage, ModelRequest, ToolModelMessage } from '@imbridge/core';
import type {
  AISDKCallOptions,
  AISDKFunctionTool,
  AISDKJsonValue,
  AISDKPromptMessage,
  AISDKTextPart,
  AISDKToolCallPart,
  AISDKToolResultOutput,
  AISDKToolResultPart,
} from './ai-sdk-spec.ts';

/**
 * Parses JSON text the model or a tool produced; `undefined` when it is not JSON. The value only
 * travels back to the same model (as a tool call's input or a tool's output), so no schema
 * applies beyond "JSON".
 */
function parseJson(text: string): { value: AISDKJsonValue } | undefined {
  try {
    return { value: JSON.parse(text) as AISDKJsonValue };
  } catch {
    return undefined;
  }
}

function toolOutput(message: ToolModelMessage): AISDKToolResultOutput {
  // Objects and arrays go as `json` (providers with structured tool results, such as Gemini, use
  // them as they are); anything else goes as the exact text.
  const parsed = parseJson(message.content);
  const structured =
    parsed !== undefined && typeof parsed.value === 'object' && parsed.value !== null;
  if (message.isError === true) {
    return structured && parsed !== undefined
      ? { type: 'error-json', value: parsed.value }
      : { type: 'error-text', value: message.content };
  }
  return structured && parsed !== undefined
    ? { type: 'json', value: parsed.value }
    : { type: 'text', value: message.content };
}

function assistantContent(
  message: Extract<ModelMessage, { role: 'assistant' }>,
): Array<AISDKTextPart | AISDKToolCallPart> {
  const content: Array<AISDKTextPart | AISDKToolCallPart> = [];
  const calls = message.toolCalls ?? [];
  if (message.content.length > 0 || calls.length === 0) {
    content.push({ type: 'text', text: message.content });
  }
  for (const call of calls) {
    // Invalid JSON from the model goes back as the raw text (the provider re-encodes it).
    const parsed = parseJson(call.input);
    content.push({
      type: 'tool-call',
      toolCallId: call.id,
      toolName: call.name,
      input: parsed === undefined ? call.input : parsed.value,
    });
  }
  return content;
}

/**
 * The AI SDK prompt of a request: `instructions` as the system message, then the messages;
 * consecutive `tool` messages become one AI SDK tool message with several results.
 */
export function toAiSdkPrompt(request: ModelRequest): AISDKPromptMessage[] {
  const prompt: AISDKPromptMessage[] = [];
  if (request.instructions !== undefined && request.instructions.length > 0) {
    prompt.push({ role: 'system', content: request.instructions });
  }
  let toolResults: AISDKToolResultPart[] | undefined;
  for (const message of request.messages) {
    if (message.role === 'tool') {
      const part: AISDKToolResultPart = {
        type: 'tool-result',
        toolCallId: message.toolCallId,
        toolName: message.toolName,
        output: toolOutput(message),
      };
      if (toolResults === undefined) {
        toolResults = [part];
        prompt.push({ role: 'tool', content: toolResults });
      } else {
        toolResults.push(part);
      }
      continue;
    }
    toolResults = undefined;
    if (message.role === 'user') {
      prompt.push({ role: 'user', content: [{ type: 'text', text: message.content }] });
    } else {
      prompt.push({ role: 'assistant', content: assistantContent(message) });
    }
  }
  return prompt;
}

/** The tools and tool choice of a request as AI SDK call options (none without tools). */
export function toAiSdkTools(
  request: ModelRequest,
): Pick<AISDKCallOptions, 'tools' | 'toolChoice'> {
  if (request.tools === undefined || request.tools.length === 0) return {};
  const tools = request.tools.map((tool): AISDKFunctionTool => {
    const definition: AISDKFunctionTool = {
      type: 'function',
      name: tool.name,
      inputSchema: tool.inputSchema,
    };
    if (tool.description !== undefined) definition.description = tool.description;
    return definition;
  });
  return { tools, toolChoice: { type: request.toolChoice ?? 'auto' } };
}
