/**
 * The task actions of the local TRTC: `StartAIConversation`, `DescribeAIConversation`,
 * `StopAIConversation` and `UpdateAIConversation`, with the request checks and error codes of
 * the TRTC API (reference §3.1–§3.4), and the map of every action's handler. Vendor field names
 * live here, in `api-control.ts`, `llm-request.ts` and the webhook bodies only.
 *
 * @module
 */
import { z } from 'zod';
import { controlHandler } from './api-control.ts';
import {
  type ActionHandler,
  type ConversationContext,
  runningTask,
  stopTask,
} from './conversation-context.ts';
import { parseLLMSettings } from './llm-request.ts';
import { parseJsonField, parseParameters, taskNotExist } from './parameters.ts';
import { newTaskId, type StoredTask } from './task-store.ts';
import type { LocalTRTCAction } from './types.ts';
import { LocalAPIError } from './wire.ts';

const text = z.string().min(1);
const integer = z.number().int();
const interruptMode = z.union([z.literal(0), z.literal(1)]);

/** `InterruptSpeechDuration` when it is left out, in milliseconds. */
const DEFAULT_INTERRUPT_SPEECH_DURATION_MS = 500;

const startSchema = z.object({
  SdkAppId: integer.positive(),
  RoomId: text,
  RoomIdType: z.union([z.literal(0), z.literal(1)]).optional(),
  SessionId: text.optional(),
  AgentConfig: z.object({
    UserId: text,
    UserSig: text,
    TargetUserId: text,
    WelcomeMessage: z.string().optional(),
    InterruptMode: interruptMode.optional(),
    InterruptSpeechDuration: integer.min(0).optional(),
  }),
  STTConfig: z.object({}).optional(),
  LLMConfig: z.string(),
  TTSConfig: z.string(),
});

/** `TTSConfig` is a JSON object; its fields depend on `TTSType` (§3.10). */
const ttsConfigSchema = z.object({});

const describeSchema = z.object({
  SdkAppId: integer.optional(),
  TaskId: z.string().optional(),
  SessionId: z.string().optional(),
});

const stopSchema = z.object({ TaskId: text });

/** Omitted fields are not updated (§3.4); `STTConfig` is read and has no effect here. */
const updateSchema = z.object({
  TaskId: text,
  WelcomeMessage: z.string().optional(),
  InterruptMode: interruptMode.optional(),
  InterruptSpeechDuration: integer.min(0).optional(),
  LLMConfig: z.string().optional(),
  TTSConfig: z.string().optional(),
  STTConfig: z.object({}).optional(),
});

function start(context: ConversationContext, body: unknown): Record<string, unknown> {
  const request = parseParameters(startSchema, body);
  const llm = parseLLMSettings(request.LLMConfig);
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
  const agent = request.AgentConfig;
  const task: StoredTask = {
    taskId: newTaskId(startedAtMs),
    sessionId: request.SessionId,
    roomId: request.RoomId,
    roomIdType: request.RoomIdType ?? 0,
    botUserId: agent.UserId,
    targetUserId: agent.TargetUserId,
    llmConfig: request.LLMConfig,
    ttsConfig: request.TTSConfig,
    welcomeMessage: agent.WelcomeMessage,
    interruptMode: agent.InterruptMode ?? 0,
    interruptSpeechDurationMs:
      agent.InterruptSpeechDuration ?? DEFAULT_INTERRUPT_SPEECH_DURATION_MS,
    llm,
    history: [],
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
  stopTask(context, runningTask(context, request.TaskId));
  return {};
}

function update(context: ConversationContext, body: unknown): Record<string, unknown> {
  const request = parseParameters(updateSchema, body);
  const llm = request.LLMConfig === undefined ? undefined : parseLLMSettings(request.LLMConfig);
  if (request.TTSConfig !== undefined) {
    parseJsonField('TTSConfig', request.TTSConfig, ttsConfigSchema);
  }
  const task = runningTask(context, request.TaskId);
  if (request.WelcomeMessage !== undefined) task.welcomeMessage = request.WelcomeMessage;
  if (request.InterruptMode !== undefined) task.interruptMode = request.InterruptMode;
  if (request.InterruptSpeechDuration !== undefined) {
    task.interruptSpeechDurationMs = request.InterruptSpeechDuration;
  }
  if (request.LLMConfig !== undefined && llm !== undefined) {
    task.llmConfig = request.LLMConfig;
    task.llm = llm;
  }
  if (request.TTSConfig !== undefined) task.ttsConfig = request.TTSConfig;
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
    ['UpdateAIConversation', (body) => update(context, body)],
    ['ControlAIConversation', controlHandler(context)],
  ]);
}
