/**
 * `ControlAIConversation` of the local TRTC (reference §3.5): `ServerPushText` is recorded (and
 * may interrupt the running turns, join the LLM history, or stop the task after "playing"), and
 * `InvokeLLM` starts a turn in the background with its `Content` as the user message.
 *
 * @module
 */
import { z } from 'zod';
import {
  type ActionHandler,
  type ConversationContext,
  runningTask,
  stopTask,
} from './conversation-context.ts';
import { addHistoryRound } from './llm-request.ts';
import { invalidValue, missingParameter, parseParameters } from './parameters.ts';

const zeroOrOne = z.union([z.literal(0), z.literal(1)]);

const serverPushTextSchema = z.object({
  Text: z.string().optional(),
  Interrupt: z.boolean().optional(),
  StopAfterPlay: z.boolean().optional(),
  Audio: z.string().optional(),
  DropMode: zeroOrOne.optional(),
  Priority: zeroOrOne.optional(),
  AddHistory: z.boolean().optional(),
  MetaInfo: z.string().optional(),
});

const invokeLLMSchema = z.object({
  Content: z.string().min(1),
  Interrupt: z.boolean().optional(),
  ExperimentalParams: z.string().optional(),
});

const controlSchema = z.object({
  TaskId: z.string().min(1),
  Command: z.string().min(1),
  ServerPushText: serverPushTextSchema.optional(),
  InvokeLLM: invokeLLMSchema.optional(),
});

type ControlRequest = z.infer<typeof controlSchema>;

function pushText(context: ConversationContext, request: ControlRequest): Record<string, unknown> {
  const push = request.ServerPushText;
  if (push === undefined) throw missingParameter('ServerPushText');
  const hasAudio = push.Audio !== undefined && push.Audio !== '';
  if (!hasAudio && (push.Text === undefined || push.Text === '')) {
    throw missingParameter('ServerPushText.Text');
  }
  const task = runningTask(context, request.TaskId);
  context.pushedTexts.push({
    taskId: task.taskId,
    text: push.Text,
    audio: push.Audio,
    interrupt: push.Interrupt,
    stopAfterPlay: push.StopAfterPlay,
    dropMode: push.DropMode,
    priority: push.Priority,
    addHistory: push.AddHistory,
    metaInfo: push.MetaInfo,
    atMs: context.now(),
  });
  if (push.Interrupt === true) context.abortTurns(task.taskId);
  // With Audio, Text is not spoken: there is nothing to remember.
  if (push.AddHistory === true && !hasAudio && push.Text !== undefined) {
    addHistoryRound(task.history, [{ role: 'assistant', content: push.Text }]);
  }
  // Nothing is played here, so "after playback" is now.
  if (push.StopAfterPlay === true) stopTask(context, task);
  return {};
}

function invoke(context: ConversationContext, request: ControlRequest): Record<string, unknown> {
  const command = request.InvokeLLM;
  if (command === undefined) throw missingParameter('InvokeLLM');
  const task = runningTask(context, request.TaskId);
  if (command.Interrupt === true) context.abortTurns(task.taskId);
  context.invokeLLM(task, command.Content);
  return {};
}

/** The handler of `ControlAIConversation`. */
export function controlHandler(context: ConversationContext): ActionHandler {
  return (body) => {
    const request = parseParameters(controlSchema, body);
    switch (request.Command) {
      case 'ServerPushText':
        return pushText(context, request);
      case 'InvokeLLM':
        return invoke(context, request);
      default:
        throw invalidValue('Command');
    }
  };
}
