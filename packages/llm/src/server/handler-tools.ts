/**
 * Reading the tool parts of an OpenAI Chat Completions request — `tools`, `tool_choice`,
 * assistant `tool_calls` and `tool` messages — into a model request, with every malformed field
 * refused as a 400 that names it.
 */
import type {
  JsonSchema,
  ModelToolCall,
  ModelToolChoice,
  ModelToolDefinition,
} from '@imbridge/core';
import { isRecord } from '@imbridge/provider-utils';
import { BadRequest } from './bad-request.ts';

/** OpenAI's rule for function names. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** What a request asks of tools. */
export interface ParsedTools {
  /** The tools, in order (empty when none). */
  tools: ModelToolDefinition[];
  /** The choice, when the request made one. */
  toolChoice: ModelToolChoice | undefined;
}

function invalid(param: string, expected: string): BadRequest {
  return new BadRequest(`${param} must be ${expected}`, {
    errorCode: 'invalid_value',
    reason: 'invalid-tools',
    param,
  });
}

function toolName(value: unknown, param: string): string {
  if (typeof value !== 'string' || !TOOL_NAME.test(value)) {
    throw invalid(param, 'a function name of 1 to 64 letters, digits, _ or -');
  }
  return value;
}

function parseTool(value: unknown, param: string): ModelToolDefinition {
  if (!isRecord(value)) throw invalid(param, 'an object');
  if (value.type !== 'function') throw invalid(`${param}.type`, '"function"');
  const wireFunction = value.function;
  if (!isRecord(wireFunction)) throw invalid(`${param}.function`, 'an object');
  const name = toolName(wireFunction.name, `${param}.function.name`);
  const description = wireFunction.description;
  if (description !== undefined && description !== null && typeof description !== 'string') {
    throw invalid(`${param}.function.description`, 'a string');
  }
  const parameters = wireFunction.parameters;
  if (parameters !== undefined && parameters !== null && !isRecord(parameters)) {
    throw invalid(`${param}.function.parameters`, 'a JSON Schema object');
  }
  return {
    name,
    ...(typeof description === 'string' ? { description } : {}),
    // OpenAI lets a function without parameters leave the schema out.
    inputSchema: isRecord(parameters)
      ? (parameters as JsonSchema)
      : { type: 'object', properties: {} },
  };
}

/**
 * Reads `tools` and `tool_choice`. A `tool_choice` naming one function (`{ type: 'function',
 * function: { name } }`) keeps only that tool and becomes `'required'`, which means the same.
 *
 * @throws {BadRequest} naming the field (`tools[1].function.name`, `tool_choice`…) when one is
 * malformed, a name repeats, `tool_choice` names an unknown tool, or the request uses the
 * deprecated `functions` (not supported: use `tools`).
 */
export function parseTools(json: Readonly<Record<string, unknown>>): ParsedTools {
  if (json.functions !== undefined && json.functions !== null) {
    throw new BadRequest('functions is deprecated and not supported: send tools', {
      errorCode: 'unsupported_parameter',
      reason: 'invalid-tools',
      param: 'functions',
    });
  }
  const wireTools = json.tools;
  let tools: ModelToolDefinition[] = [];
  if (wireTools !== undefined && wireTools !== null) {
    if (!Array.isArray(wireTools)) throw invalid('tools', 'an array');
    tools = wireTools.map((tool, index) => parseTool(tool, `tools[${index}]`));
    const names = new Set<string>();
    tools.forEach((tool, index) => {
      if (names.has(tool.name)) {
        throw invalid(`tools[${index}].function.name`, 'unique (it repeats an earlier tool)');
      }
      names.add(tool.name);
    });
  }
  const choice = json.tool_choice;
  if (choice === undefined || choice === null) return { tools, toolChoice: undefined };
  if (choice === 'auto' || choice === 'none' || choice === 'required') {
    return { tools, toolChoice: choice };
  }
  if (isRecord(choice) && choice.type === 'function' && isRecord(choice.function)) {
    const name = toolName(choice.function.name, 'tool_choice.function.name');
    const chosen = tools.filter((tool) => tool.name === name);
    if (chosen.length === 0)
      throw invalid('tool_choice.function.name', 'the name of a tool in tools');
    return { tools: chosen, toolChoice: 'required' };
  }
  throw invalid(
    'tool_choice',
    '"auto", "none", "required" or { "type": "function", "function": { "name": … } }',
  );
}

/**
 * Reads an assistant message's `tool_calls` (`undefined` when it has none).
 *
 * @throws {BadRequest} naming the field when a call is malformed.
 */
export function parseToolCalls(value: unknown, param: string): ModelToolCall[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalid(param, 'an array');
  const calls = value.map((call, index): ModelToolCall => {
    const at = `${param}[${index}]`;
    if (!isRecord(call)) throw invalid(at, 'an object');
    if (call.type !== undefined && call.type !== 'function')
      throw invalid(`${at}.type`, '"function"');
    if (typeof call.id !== 'string' || call.id.length === 0) {
      throw invalid(`${at}.id`, 'a non-empty string');
    }
    if (!isRecord(call.function)) throw invalid(`${at}.function`, 'an object');
    const name = toolName(call.function.name, `${at}.function.name`);
    const input = call.function.arguments;
    if (typeof input !== 'string') throw invalid(`${at}.function.arguments`, 'a string of JSON');
    return { id: call.id, name, input };
  });
  return calls.length > 0 ? calls : undefined;
}

/**
 * The tool name of a `tool` message: its `name` when given, else the name of the earlier
 * assistant call with its `tool_call_id`.
 *
 * @throws {BadRequest} when `tool_call_id` is missing or answers no earlier call.
 */
export function toolMessageName(
  item: Readonly<Record<string, unknown>>,
  param: string,
  calls: ReadonlyMap<string, string>,
): { toolCallId: string; toolName: string } {
  const toolCallId = item.tool_call_id;
  if (typeof toolCallId !== 'string' || toolCallId.length === 0) {
    throw invalid(`${param}.tool_call_id`, 'a non-empty string');
  }
  const named = typeof item.name === 'string' && item.name.length > 0 ? item.name : undefined;
  const toolName = named ?? calls.get(toolCallId);
  if (toolName === undefined) {
    throw invalid(`${param}.tool_call_id`, 'the id of a tool call of an earlier assistant message');
  }
  return { toolCallId, toolName };
}
