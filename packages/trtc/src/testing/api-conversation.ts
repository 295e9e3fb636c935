/**
 * The AI-conversation actions of the local TRTC: `StartAIConversation`,
 * `DescribeAIConversation` and `StopAIConversation`, with the request checks and error codes of
 * the TRTC API (reference §3.1–§3.3). Vendor field names live here and in the webhook bodies
 * only.
 *
 * @module
 */
import { z } from 'zod';
import { newTaskId, type StoredTask, type TaskStore } from './task-store.ts';
import type { LocalTRTCAction } from './types.ts';
import { LocalAPIError } from './wire.ts';

/** What the actions need from the local TRTC. */
export interface ConversationContext {
  readonly sdkAppId: number;
  readonly tasks: TaskStore;
  readonly now: () => number;
  /** Called after a task started (901) or stopped (902). */
  readonly onTaskEvent: (eventType: 901 | 902, task: StoredTask) => void;
}

/** An action handler: the parsed JSON body in, the `Response` fields (without `RequestId`) out. */
export type ActionHandler = (body: unknown) => Record<string, unknown>;

const text = z.string().min(1);
const integer = z.number().int();

const startSchema = z.object({
  SdkAppId: integer.positive(),
  RoomId: text,
  RoomIdType: z.union([z.literal(0), z.literal(1)]).optional(),
  SessionId: text.optional(),
  AgentConfig: z.object({ UserId: text, UserSig: text, TargetUserId: text }),
  STTConfig: z.object({}).optional(),
  LLMConfig: z.string(),
  TTSConfig: z.string(),
});

/** The fields of `LLMConfig` TRTC needs to call an OpenAI-compatible model (§3.9). */
const llmConfigSchema = z.object({
  LLMType: text,
  Model: text,
  APIKey: text,
  APIUrl: z.url(),
});

/** `TTSConfig` is a JSON object; its fields depend on `TTSType` (§3.10). */
const ttsConfigSchema = z.object({});

const describeSchema = z.object({
  SdkAppId: integer.optional(),
  TaskId: z.string().optional(),
  SessionId: z.string().optional(),
});

const stopSchema = z.object({ TaskId: text });

/** The value at `path` in `input` (`undefined` when any step is missing). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Parses `input` with `schema`, or throws the code Tencent answers: `MissingParameter` for a
 * missing field, `InvalidParameter` for one of the wrong type, `InvalidParameterValue` otherwise.
 */
function parseParameters<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  prefix = '',
): z.infer<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue === undefined ? [] : issue.path;
  const name = `${prefix}${path.map(String).join('.')}` || 'body';
  if (valueAt(input, path) === undefined) {
    throw new LocalAPIError('MissingParameter', `The parameter \`${name}\` is missing.`);
  }
  if (issue?.code === 'invalid_type') {
    throw new LocalAPIError('InvalidParameter', `The parameter \`${name}\` has the wrong type.`);
  }
  throw new LocalAPIError('InvalidParameterValue', `The value of \`${name}\` is not valid.`);
}

/** Parses a JSON-string field (`LLMConfig`, `TTSConfig`) with `schema`. */
function parseJsonField<Schema extends z.ZodType>(
  name: string,
  value: string,
  schema: Schema,
): z.infer<Schema> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new LocalAPIError('InvalidParameterValue', `\`${name}\` is not a JSON string.`);
  }
  return parseParameters(schema, parsed, `${name}.`);
}

function taskNotExist(): LocalAPIError {
  return new LocalAPIError('FailedOperation.TaskNotExist', 'The task does not exist or has ended.');
}

function start(context: ConversationContext, body: unknown): Record<string, unknown> {
  const request = parseParameters(startSchema, body);
  parseJsonField('LLMConfig', request.LLMConfig, llmConfigSchema);
  parseJsonField('TTSConfig', request.TTSConfig, ttsConfigSchema);
  if (request.SdkAppId !== context.sdkAppId) {
    throw new LocalAPIError(
      'FailedOperation.SdkAppIdNotUnderAppId',
      `SdkAppId ${request.SdkAppId} does not belong to this account.`,
    );
  }
  if (request.SessionId !== undefined && context.tasks.runningBySession(request.SessionId)) {
    throw new LocalAPIError('FailedOperation.TaskExist', 'The task already exists.');
  }
  const startedAtMs = context.now();
  const task: StoredTask = {
    taskId: newTaskId(startedAtMs),
    sessionId: request.SessionId,
    roomId: request.RoomId,
    roomIdType: request.RoomIdType ?? 0,
    botUserId: request.AgentConfig.UserId,
    targetUserId: request.AgentConfig.TargetUserId,
    llmConfig: request.LLMConfig,
    ttsConfig: request.TTSConfig,
    startedAtMs,
    status: 'InProgress',
    stoppedAtMs: undefined,
  };
  context.tasks.add(task);
  context.onTaskEvent(901, task);
  return { TaskId: task.taskId };
}

function describe(context: ConversationContext, body: unknown): Record<string, unknown> {
  const request = parseParameters(describeSchema, body);
  let task: StoredTask | undefined;
  if (request.TaskId !== undefined && request.TaskId !== '') {
    task = context.tasks.runningById(request.TaskId);
  } else if (request.SessionId !== undefined && request.SessionId !== '') {
    if (request.SdkAppId === undefined) {
      throw new LocalAPIError('MissingParameter', 'The parameter `SdkAppId` is missing.');
    }
    task =
      request.SdkAppId === context.sdkAppId
        ? context.tasks.runningBySession(request.SessionId)
        : undefined;
  } else {
    throw new LocalAPIError('MissingParameter', 'The parameter `TaskId` is missing.');
  }
  if (task === undefined) throw taskNotExist();
  return {
    StartTime: new Date(task.startedAtMs).toISOString(),
    Status: task.status,
    TaskId: task.taskId,
    ...(task.sessionId === undefined ? {} : { SessionId: task.sessionId }),
  };
}

function stop(context: ConversationContext, body: unknown): Record<string, unknown> {
  const request = parseParameters(stopSchema, body);
  const task = context.tasks.runningById(request.TaskId);
  if (task === undefined) throw taskNotExist();
  context.tasks.stop(task, context.now());
  context.onTaskEvent(902, task);
  return {};
}

/** The handlers of the AI-conversation actions. */
export function conversationHandlers(
  context: ConversationContext,
): ReadonlyMap<LocalTRTCAction, ActionHandler> {
  return new Map<LocalTRTCAction, ActionHandler>([
    ['StartAIConversation', (body) => start(context, body)],
    ['DescribeAIConversation', (body) => describe(context, body)],
    ['StopAIConversation', (body) => stop(context, body)],
  ]);
}
