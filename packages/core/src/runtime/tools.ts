import { IMBridgeError, ValidationError } from '../errors/errors.ts';
import type { InboundMessage } from '../spec/chat-adapter.ts';
import type { JsonSchema, ModelToolDefinition } from '../spec/language-model.ts';

/**
 * A schema library's object that implements Standard Schema with JSON Schema output (zod ≥ 4.2,
 * valibot with its JSON Schema package, ArkType): `~standard.validate` checks a tool's input and
 * `~standard.jsonSchema.input()` describes it to the model. Only the members imbridge uses are
 * typed here, so no schema library is a dependency.
 */
export interface StandardJSONSchemaLike<Input = unknown> {
  /** The Standard Schema interface. */
  readonly '~standard': {
    /** Library name, e.g. `'zod'`. */
    readonly vendor: string;
    /** Checks a value; `issues` when invalid, else the (possibly transformed) `value`. */
    readonly validate: (
      value: unknown,
    ) =>
      | { readonly value: Input; readonly issues?: undefined }
      | { readonly issues: ReadonlyArray<{ readonly message: string }> }
      | Promise<
          | { readonly value: Input; readonly issues?: undefined }
          | { readonly issues: ReadonlyArray<{ readonly message: string }> }
        >;
    /** Standard JSON Schema: the schema of accepted input. */
    readonly jsonSchema?:
      | { readonly input: (options: { target: string }) => Record<string, unknown> }
      | undefined;
    /** Type-only carrier of the input type. */
    readonly types?: { readonly input: unknown; readonly output: Input } | undefined;
  };
}

/** What a tool's `execute` receives besides its input. */
export interface ToolExecutionContext {
  /** Fires when the reply is interrupted (the user pressed Stop, a newer message, shutdown). */
  signal: AbortSignal;
  /** The model's id of this call. */
  toolCallId: string;
  /** The message being answered. */
  message: InboundMessage;
  /** The adapter's platform id. */
  platform: string;
}

/**
 * A tool the bot's model may call: the runtime validates the model's arguments, runs `execute`
 * and sends the result back to the model (decision 0017).
 */
export interface Tool<Input = unknown, Output = unknown> {
  /** What the tool does and when to call it; the model reads this. */
  description?: string | undefined;
  /**
   * The input's schema: a Standard Schema with JSON Schema output (a zod 4 object schema), which
   * also validates the model's arguments, or a plain JSON Schema object (arguments are then
   * only parsed as JSON, not validated).
   */
  inputSchema: StandardJSONSchemaLike<Input> | JsonSchema;
  /**
   * Runs the tool. The result is sent to the model as text: strings as they are, anything else
   * as JSON. A thrown error is logged (`tool-failed`) and the model is told only that the tool
   * failed, never the error's text (which may hold internal details).
   */
  execute(input: Input, context: ToolExecutionContext): Output | Promise<Output>;
}

/** The bot's tools by name. */
export type ToolSet = Readonly<Record<string, Tool<unknown, unknown>>>;

/**
 * Declares a tool with its input type inferred from the schema.
 *
 * @example
 * ```ts
 * const lookUpOrder = tool({
 *   description: 'Looks up an order by its id',
 *   inputSchema: z.object({ orderId: z.string() }),
 *   execute: async ({ orderId }, { signal }) => orders.get(orderId, { signal }),
 * });
 * createBot({ model, tools: { lookUpOrder } });
 * ```
 */
export function tool<Input, Output>(definition: Tool<Input, Output>): Tool<Input, Output> {
  return definition;
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function isStandardSchema(schema: unknown): schema is StandardJSONSchemaLike {
  return (
    typeof schema === 'object' &&
    schema !== null &&
    '~standard' in schema &&
    typeof (schema as StandardJSONSchemaLike)['~standard']?.validate === 'function'
  );
}

/** The JSON Schema of a tool's input, without the `$schema` line (vendors reject some). */
function jsonSchemaOf(name: string, schema: Tool['inputSchema']): JsonSchema {
  if (!isStandardSchema(schema)) {
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
      throw new ValidationError({
        code: 'invalid-option',
        message: `createBot: tools.${name}.inputSchema must be a JSON Schema object or a zod (Standard JSON Schema) schema`,
      });
    }
    return schema;
  }
  const describe = schema['~standard'].jsonSchema;
  if (describe === undefined) {
    throw new ValidationError({
      code: 'invalid-option',
      message: `createBot: tools.${name}.inputSchema (${schema['~standard'].vendor}) cannot describe itself as JSON Schema; use zod ≥ 4.2 or pass a JSON Schema object`,
    });
  }
  const { $schema: _ignored, ...rest } = describe.input({ target: 'draft-2020-12' });
  return rest as JsonSchema;
}

/** A tool set checked and described for the model, built once per bot. */
export interface PreparedTools {
  readonly definitions: ReadonlyArray<ModelToolDefinition>;
  readonly byName: ReadonlyMap<string, Tool<unknown, unknown>>;
}

/** Checks the bot's tools and converts their schemas once. */
export function prepareTools(tools: ToolSet | undefined): PreparedTools | undefined {
  if (tools === undefined) return undefined;
  const definitions: ModelToolDefinition[] = [];
  const byName = new Map<string, Tool<unknown, unknown>>();
  for (const [name, candidate] of Object.entries(tools)) {
    if (!TOOL_NAME.test(name)) {
      throw new ValidationError({
        code: 'invalid-option',
        message: `createBot: tool name ${JSON.stringify(name)} must be 1–64 letters, digits, _ or -`,
      });
    }
    if (typeof candidate?.execute !== 'function') {
      throw new ValidationError({
        code: 'invalid-option',
        message: `createBot: tools.${name}.execute must be a function`,
      });
    }
    definitions.push({
      name,
      description: candidate.description,
      inputSchema: jsonSchemaOf(name, candidate.inputSchema),
    });
    byName.set(name, candidate);
  }
  return definitions.length === 0 ? undefined : { definitions, byName };
}

/** What running one tool call gave: the text for the model, and whether it failed. */
export interface ToolRunResult {
  content: string;
  isError: boolean;
  /** The failure, for the log and hooks (not sent to the model). */
  error?: unknown;
}

function resultText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (output === undefined) return 'null';
  return JSON.stringify(output) ?? 'null';
}

/**
 * Runs one tool call: parses and validates the arguments, then `execute`. Invalid arguments are
 * reported to the model (so it can correct them); a failing tool is reported as failed only.
 */
export async function runTool(
  tools: PreparedTools,
  call: { toolCallId: string; toolName: string; input: string },
  context: ToolExecutionContext,
): Promise<ToolRunResult> {
  const found = tools.byName.get(call.toolName);
  if (found === undefined) {
    return { content: `Unknown tool: ${call.toolName}`, isError: true };
  }
  let input: unknown;
  try {
    input = call.input.trim().length === 0 ? {} : JSON.parse(call.input);
  } catch {
    return { content: 'The arguments are not valid JSON.', isError: true };
  }
  const schema = found.inputSchema;
  if (isStandardSchema(schema)) {
    const checked = await schema['~standard'].validate(input);
    if (checked.issues !== undefined) {
      const issues = checked.issues.map((issue) => issue.message).join('; ');
      return { content: `Invalid arguments: ${issues}`, isError: true };
    }
    input = checked.value;
  }
  try {
    const output = await (found.execute as (input: unknown, c: ToolExecutionContext) => unknown)(
      input,
      context,
    );
    return { content: resultText(output), isError: false };
  } catch (error) {
    return {
      content: 'The tool failed.',
      isError: true,
      error: error instanceof Error ? error : IMBridgeError.from(error),
    };
  }
}
