import { z } from 'zod';
import {
  agentConfigSchema,
  agentConfigToWire,
  INTERRUPT_MODES,
  sttConfigSchema,
  sttConfigToWire,
} from './agent-config.ts';
import type { TRTCClient } from './client.ts';
import { llmConfigSchema, llmConfigToWire } from './llm-config.ts';
import { roomToWire } from './room.ts';
import { roomIdSchema } from './room-schema.ts';
import type { TRTCTransport } from './transport.ts';
import { ttsConfigSchema, ttsConfigToWire } from './tts-config.ts';
import {
  callOptions,
  callOptionsShape,
  checkInput,
  nonEmptyString,
  parseResponse,
  secretForms,
  startTask,
} from './wire.ts';

const sdkAppIdSchema = z.int().min(1);

const startSchema = z.strictObject({
  ...callOptionsShape,
  sdkAppId: sdkAppIdSchema,
  roomId: roomIdSchema,
  agentConfig: agentConfigSchema,
  llmConfig: llmConfigSchema,
  ttsConfig: ttsConfigSchema,
  sttConfig: sttConfigSchema.optional(),
  sessionId: nonEmptyString.optional(),
  experimentalParams: z.string().optional(),
});
const taskSchema = z.strictObject({ ...callOptionsShape, taskId: nonEmptyString });
const describeSchema = z.union([
  taskSchema,
  z.strictObject({ ...callOptionsShape, sdkAppId: sdkAppIdSchema, sessionId: nonEmptyString }),
]);
const updateSchema = z.strictObject({
  ...callOptionsShape,
  taskId: nonEmptyString,
  welcomeMessage: z.string().optional(),
  interruptMode: z.enum(['server', 'client']).optional(),
  interruptSpeechDurationMs: z.int().min(0).optional(),
  llmConfig: llmConfigSchema.optional(),
  ttsConfig: ttsConfigSchema.optional(),
});
const controlSchema = z.discriminatedUnion('command', [
  z
    .strictObject({
      ...callOptionsShape,
      taskId: nonEmptyString,
      command: z.literal('server-push-text'),
      text: z.string().optional(),
      audioBase64: z.base64().min(1).optional(),
      interrupt: z.boolean().optional(),
      stopAfterPlay: z.boolean().optional(),
      dropMode: z.enum(['drop', 'queue']).optional(),
      priority: z.enum(['normal', 'high']).optional(),
      addHistory: z.boolean().optional(),
      metaInfo: z.record(z.string(), z.unknown()).optional(),
    })
    .refine((command) => command.text !== undefined || command.audioBase64 !== undefined, {
      message: 'needs text or audioBase64',
    }),
  z.strictObject({
    ...callOptionsShape,
    taskId: nonEmptyString,
    command: z.literal('invoke-llm'),
    content: nonEmptyString,
    interrupt: z.boolean().optional(),
    experimentalParams: z.string().optional(),
  }),
]);

const requestIdSchema = z.string().optional();
const plainAnswerSchema = z.looseObject({ RequestId: requestIdSchema });
const describeAnswerSchema = z.looseObject({
  TaskId: z.string(),
  Status: z.string(),
  StartTime: z.string().optional(),
  SessionId: z.string().optional(),
  RequestId: requestIdSchema,
});

const STATUSES = {
  Idle: 'idle',
  Preparing: 'preparing',
  InProgress: 'in-progress',
  Stopped: 'stopped',
} as const;

/** The AI-conversation methods of the client. */
export type AIConversationMethods = Pick<
  TRTCClient,
  | 'startAIConversation'
  | 'stopAIConversation'
  | 'describeAIConversation'
  | 'updateAIConversation'
  | 'controlAIConversation'
>;

/** Builds the AI-conversation methods on a transport. */
export function aiConversationMethods(transport: TRTCTransport): AIConversationMethods {
  return {
    async startAIConversation(options) {
      const method = 'startAIConversation';
      const input = checkInput(startSchema, options, method);
      // Keys inside the configs and the agent's UserSig: redacted from every error of the call.
      const secrets = secretForms(input.agentConfig.userSig);
      const body: Record<string, unknown> = {
        SdkAppId: input.sdkAppId,
        ...roomToWire(input.roomId),
        AgentConfig: agentConfigToWire(input.agentConfig),
        SessionId: input.sessionId,
        STTConfig: input.sttConfig === undefined ? undefined : sttConfigToWire(input.sttConfig),
        LLMConfig: await llmConfigToWire(input.llmConfig, method, secrets),
        TTSConfig: await ttsConfigToWire(input.ttsConfig, method, secrets),
        ExperimentalParams: input.experimentalParams,
      };
      return startTask(transport, {
        action: 'StartAIConversation',
        method,
        body,
        sessionId: input.sessionId,
        options,
        secrets,
      });
    },

    async stopAIConversation(options) {
      const input = checkInput(taskSchema, options, 'stopAIConversation');
      const answer = await transport.call(
        'StopAIConversation',
        { TaskId: input.taskId },
        callOptions(options),
      );
      return {
        requestId: parseResponse(plainAnswerSchema, answer, 'stopAIConversation').RequestId,
      };
    },

    async describeAIConversation(options) {
      const method = 'describeAIConversation';
      const input = checkInput(describeSchema, options, method);
      const body =
        'taskId' in input
          ? { TaskId: input.taskId }
          : { SdkAppId: input.sdkAppId, SessionId: input.sessionId };
      const answer = await transport.call('DescribeAIConversation', body, callOptions(options));
      const parsed = parseResponse(describeAnswerSchema, answer, method);
      return {
        taskId: parsed.TaskId,
        status: Object.hasOwn(STATUSES, parsed.Status)
          ? STATUSES[parsed.Status as keyof typeof STATUSES]
          : 'unknown',
        vendorStatus: parsed.Status,
        startTime: parsed.StartTime,
        sessionId: parsed.SessionId === '' ? undefined : parsed.SessionId,
        requestId: parsed.RequestId,
      };
    },

    async updateAIConversation(options) {
      const method = 'updateAIConversation';
      const input = checkInput(updateSchema, options, method);
      const secrets: string[] = [];
      const body: Record<string, unknown> = {
        TaskId: input.taskId,
        WelcomeMessage: input.welcomeMessage,
        InterruptMode:
          input.interruptMode === undefined ? undefined : INTERRUPT_MODES[input.interruptMode],
        InterruptSpeechDuration: input.interruptSpeechDurationMs,
        LLMConfig:
          input.llmConfig === undefined
            ? undefined
            : await llmConfigToWire(input.llmConfig, method, secrets),
        TTSConfig:
          input.ttsConfig === undefined
            ? undefined
            : await ttsConfigToWire(input.ttsConfig, method, secrets),
      };
      const answer = await transport.call(
        'UpdateAIConversation',
        body,
        callOptions(options),
        secrets,
      );
      return { requestId: parseResponse(plainAnswerSchema, answer, method).RequestId };
    },

    async controlAIConversation(options) {
      const method = 'controlAIConversation';
      const input = checkInput(controlSchema, options, method);
      const body: Record<string, unknown> =
        input.command === 'server-push-text'
          ? {
              TaskId: input.taskId,
              Command: 'ServerPushText',
              ServerPushText: {
                Text: input.text,
                Interrupt: input.interrupt,
                StopAfterPlay: input.stopAfterPlay,
                Audio: input.audioBase64,
                DropMode:
                  input.dropMode === undefined ? undefined : input.dropMode === 'queue' ? 1 : 0,
                Priority:
                  input.priority === undefined ? undefined : input.priority === 'high' ? 1 : 0,
                AddHistory: input.addHistory,
                MetaInfo: input.metaInfo === undefined ? undefined : JSON.stringify(input.metaInfo),
              },
            }
          : {
              TaskId: input.taskId,
              Command: 'InvokeLLM',
              InvokeLLM: {
                Content: input.content,
                Interrupt: input.interrupt,
                ExperimentalParams: input.experimentalParams,
              },
            };
      const answer = await transport.call('ControlAIConversation', body, callOptions(options));
      return { requestId: parseResponse(plainAnswerSchema, answer, method).RequestId };
    },
  };
}
