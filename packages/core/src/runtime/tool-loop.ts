import type { InboundMessage } from '../spec/chat-adapter.ts';
import type {
  LanguageModel,
  ModelEvent,
  ModelMessage,
  ModelRequest,
  ModelUsage,
  ToolCallEvent,
} from '../spec/language-model.ts';
import type { ToolCallInfo } from './hooks.ts';
import { failSpan, inSpan, type TelemetryOptions, type TelemetrySpan } from './telemetry.ts';
import { type PreparedTools, runTool, type ToolRunResult } from './tools.ts';

/** What {@link toolLoopModel} needs. */
export interface ToolLoopOptions {
  /** The bot's model. */
  model: LanguageModel;
  /** The bot's tools, or none (one plain model call). */
  tools: PreparedTools | undefined;
  /** Most model calls per answer; the last one is asked to answer without tools. */
  maxSteps: number;
  /** The message being answered (tools receive it). */
  message: InboundMessage;
  /** The adapter's platform id. */
  platform: string;
  /** Each tool call, once it ended (log and hooks). */
  onToolCall: (info: Omit<ToolCallInfo, 'platform' | 'conversationId' | 'message'>) => void;
  /** Spans, when configured. */
  telemetry: TelemetryOptions | undefined;
}

function addUsage(
  sum: ModelUsage | undefined,
  usage: ModelUsage | undefined,
): ModelUsage | undefined {
  if (usage === undefined) return sum;
  if (sum === undefined) return { ...usage };
  const add = (a: number | undefined, b: number | undefined): number | undefined =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  return {
    inputTokens: add(sum.inputTokens, usage.inputTokens),
    outputTokens: add(sum.outputTokens, usage.outputTokens),
    totalTokens: add(sum.totalTokens, usage.totalTokens),
  };
}

/**
 * The bot's model with its tools as one model: each call runs the model, and while it asks for
 * tools (finish reason `tool-calls`), runs them and calls it again with the results, at most
 * `maxSteps` times. The text of all steps streams into one reply (a blank line between steps).
 * Without tools it is the model itself. The request's signal (an interrupt) aborts the model
 * and any running tool.
 */
export function toolLoopModel(options: ToolLoopOptions): LanguageModel {
  const { model, tools } = options;
  if (tools === undefined && options.telemetry === undefined) return model;
  return {
    specificationVersion: model.specificationVersion,
    provider: model.provider,
    modelId: model.modelId,
    stream: (request) => runSteps(options, request),
  };
}

async function* runSteps(
  options: ToolLoopOptions,
  request: ModelRequest,
): AsyncGenerator<ModelEvent> {
  const { model, tools } = options;
  const signal = request.signal ?? new AbortController().signal;
  const messages: ModelMessage[] = [...request.messages];
  let usage: ModelUsage | undefined;
  let previousText = '';
  for (let stepIndex = 1; ; stepIndex++) {
    const lastStep = stepIndex >= options.maxSteps;
    const stepRequest: ModelRequest =
      tools === undefined
        ? request
        : {
            ...request,
            messages,
            tools: tools.definitions,
            toolChoice: lastStep ? 'none' : 'auto',
          };
    let stepText = '';
    let separatorDue = previousText.length > 0;
    const calls: ToolCallEvent[] = [];
    let finish: Extract<ModelEvent, { type: 'finish' }> | undefined;
    const span = startModelSpan(options, stepIndex);
    try {
      for await (const event of model.stream(stepRequest)) {
        if (event.type === 'text-delta') {
          if (event.text.length === 0) continue;
          stepText += event.text;
          if (separatorDue) {
            separatorDue = false;
            yield { type: 'text-delta', text: '\n\n' };
          }
          yield event;
        } else if (event.type === 'text-replace') {
          stepText = event.text;
          separatorDue = false;
          const prefix = previousText.length > 0 ? `${previousText}\n\n` : '';
          yield { type: 'text-replace', text: prefix + event.text };
        } else if (event.type === 'tool-call') {
          if (tools !== undefined) calls.push(event);
        } else if (event.type === 'finish') {
          finish = event;
          break;
        } else if (event.type === 'error') {
          failSpan(span, event.error);
          yield event;
          return;
        } else if (event.type === 'reasoning-delta') {
          yield event;
        }
      }
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      endModelSpan(span, finish, calls.length);
    }
    // A stream without `finish`: the reader reports it as a truncated answer.
    if (finish === undefined) return;
    usage = addUsage(usage, finish.usage);
    if (calls.length === 0 || lastStep) {
      yield { ...finish, usage };
      return;
    }
    messages.push({
      role: 'assistant',
      content: stepText,
      toolCalls: calls.map((call) => ({
        id: call.toolCallId,
        name: call.toolName,
        input: call.input,
      })),
    });
    const results = await Promise.all(
      calls.map((call) => runOneTool(options, tools as PreparedTools, call, signal)),
    );
    signal.throwIfAborted();
    calls.forEach((call, index) => {
      const result = results[index] as ToolRunResult;
      messages.push({
        role: 'tool',
        toolCallId: call.toolCallId,
        toolName: call.toolName,
        content: result.content,
        isError: result.isError || undefined,
      });
    });
    if (stepText.length > 0)
      previousText = previousText.length > 0 ? `${previousText}\n\n${stepText}` : stepText;
  }
}

async function runOneTool(
  options: ToolLoopOptions,
  tools: PreparedTools,
  call: ToolCallEvent,
  signal: AbortSignal,
): Promise<ToolRunResult> {
  const attributes: Record<string, string | number | boolean> = {
    'imbridge.tool.name': call.toolName,
  };
  if (options.telemetry?.recordContent === true) attributes['imbridge.tool.input'] = call.input;
  return inSpan(options.telemetry, 'imbridge.tool', attributes, async (span) => {
    const startedAtMs = Date.now();
    const result = await runTool(tools, call, {
      signal,
      toolCallId: call.toolCallId,
      message: options.message,
      platform: options.platform,
    });
    if (result.isError) failSpan(span, result.error ?? new Error(result.content));
    else if (span !== undefined && options.telemetry?.recordContent === true) {
      span.setAttributes({ 'imbridge.tool.output': result.content });
    }
    options.onToolCall({
      toolCallId: call.toolCallId,
      toolName: call.toolName,
      input: call.input,
      output: result.content,
      isError: result.isError,
      error: result.error,
      durationMs: Date.now() - startedAtMs,
    });
    return result;
  });
}

/**
 * Model spans are started and ended by hand (not with `inSpan`): the step's events are yielded
 * from inside, and a generator cannot yield from a callback.
 */
function startModelSpan(options: ToolLoopOptions, stepIndex: number): TelemetrySpan | undefined {
  return options.telemetry?.tracer.startActiveSpan(
    'imbridge.model',
    {
      attributes: {
        'imbridge.model.provider': options.model.provider,
        'imbridge.model.id': options.model.modelId,
        'imbridge.model.step': stepIndex,
      },
    },
    (span) => span,
  );
}

function endModelSpan(
  span: TelemetrySpan | undefined,
  finish: Extract<ModelEvent, { type: 'finish' }> | undefined,
  toolCallCount: number,
): void {
  if (span === undefined) return;
  const attributes: Record<string, string | number | boolean> = {
    'imbridge.model.tool_calls': toolCallCount,
  };
  if (finish !== undefined) attributes['imbridge.model.finish_reason'] = finish.reason;
  if (finish?.usage?.inputTokens !== undefined) {
    attributes['imbridge.usage.input_tokens'] = finish.usage.inputTokens;
  }
  if (finish?.usage?.outputTokens !== undefined) {
    attributes['imbridge.usage.output_tokens'] = finish.usage.outputTokens;
  }
  span.setAttributes(attributes);
  span.end();
}
