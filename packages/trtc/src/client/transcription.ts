import { z } from 'zod';
import { sttConfigSchema, sttConfigToWire } from './agent-config.ts';
import type { TRTCClient } from './client.ts';
import { roomToWire } from './room.ts';
import { roomIdSchema } from './room-schema.ts';
import type { TRTCTransport } from './transport.ts';
import {
  callOptions,
  callOptionsShape,
  checkInput,
  mapFields,
  nonEmptyString,
  parseResponse,
  secretForms,
  startTask,
} from './wire.ts';

const sdkAppIdSchema = z.int().min(1);

const transcriptionParamsSchema = z
  .strictObject({
    userId: nonEmptyString,
    userSig: nonEmptyString,
    maxIdleTimeSeconds: z.int().min(1).optional(),
    mode: z.enum(['room', 'single-user']).optional(),
    targetUserId: nonEmptyString.optional(),
    targetUserIds: z.array(nonEmptyString).optional(),
    voicePrint: z
      .strictObject({ enabled: z.boolean().optional(), ids: z.array(nonEmptyString).optional() })
      .optional(),
    turnDetection: z
      .strictObject({ semanticEagerness: z.enum(['low', 'medium', 'high', 'auto']).optional() })
      .optional(),
  })
  .refine((params) => params.mode !== 'single-user' || params.targetUserId !== undefined, {
    message: "is required when mode is 'single-user'",
    path: ['targetUserId'],
  });

// RecognizeConfig shares STTConfig's fields, with VadLevel 0–3 and up to 300 hot words.
const recognizeConfigSchema = sttConfigSchema.omit({ customParam: true }).extend({
  vadLevel: z.int().min(0).max(3).optional(),
  hotWords: z.array(sttConfigSchema.shape.hotWords.unwrap().element).max(300).optional(),
});

const translationConfigSchema = z.strictObject({
  targetLanguages: z.array(nonEmptyString).min(1),
  mode: z.enum(['text', 'speech']).optional(),
  ttsConfig: z
    .strictObject({
      voiceId: nonEmptyString,
      model: z.enum(['flow_01_turbo', 'flow_01_ex']).optional(),
      speed: z.number().min(0.5).max(2).optional(),
      volume: z.number().gt(0).max(10).optional(),
    })
    .optional(),
  terminology: z
    .array(z.strictObject({ source: nonEmptyString, target: nonEmptyString }))
    .optional(),
});

const startSchema = z.strictObject({
  ...callOptionsShape,
  sdkAppId: sdkAppIdSchema,
  roomId: roomIdSchema,
  transcriptionParams: transcriptionParamsSchema,
  recognizeConfig: recognizeConfigSchema.optional(),
  translationConfig: translationConfigSchema.optional(),
  sessionId: nonEmptyString.optional(),
});
const taskSchema = z.strictObject({ ...callOptionsShape, taskId: nonEmptyString });
const describeSchema = z.union([
  taskSchema,
  z.strictObject({ ...callOptionsShape, sdkAppId: sdkAppIdSchema, sessionId: nonEmptyString }),
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

/** `TranscriptionParams` on the wire (TRTC's field names and numeric codes). */
function transcriptionParamsToWire(
  params: z.infer<typeof transcriptionParamsSchema>,
): Record<string, unknown> {
  const wire = mapFields(
    params,
    {
      userId: 'UserId',
      userSig: 'UserSig',
      maxIdleTimeSeconds: 'MaxIdleTime',
      targetUserId: 'TargetUserId',
      targetUserIds: 'TargetUserIdList',
    },
    {},
  );
  if (params.mode !== undefined) wire.TranscriptionMode = params.mode === 'single-user' ? 1 : 0;
  if (params.voicePrint !== undefined) {
    const voicePrint: Record<string, unknown> = {};
    if (params.voicePrint.enabled !== undefined) {
      voicePrint.Mode = params.voicePrint.enabled ? 1 : 0;
    }
    if (params.voicePrint.ids !== undefined) voicePrint.IdList = params.voicePrint.ids;
    wire.VoicePrint = voicePrint;
  }
  if (params.turnDetection?.semanticEagerness !== undefined) {
    wire.TurnDetection = { SemanticEagerness: params.turnDetection.semanticEagerness };
  }
  return wire;
}

/** `TranslationConfig` on the wire. */
function translationConfigToWire(
  translation: z.infer<typeof translationConfigSchema>,
): Record<string, unknown> {
  const wire: Record<string, unknown> = { TargetLanguages: translation.targetLanguages };
  if (translation.mode !== undefined) wire.Mode = translation.mode === 'speech' ? 2 : 1;
  if (translation.ttsConfig !== undefined) {
    wire.TTSConfig = mapFields(
      translation.ttsConfig,
      { voiceId: 'VoiceId', model: 'Model', speed: 'Speed', volume: 'Volume' },
      {},
    );
  }
  if (translation.terminology !== undefined) {
    wire.Terminology = translation.terminology.map(({ source, target }) => ({
      Source: source,
      Target: target,
    }));
  }
  return wire;
}

/** The AI-transcription methods of the client. */
export type AITranscriptionMethods = Pick<
  TRTCClient,
  'startAITranscription' | 'stopAITranscription' | 'describeAITranscription'
>;

/** Builds the AI-transcription methods on a transport. */
export function aiTranscriptionMethods(transport: TRTCTransport): AITranscriptionMethods {
  return {
    async startAITranscription(options) {
      const method = 'startAITranscription';
      const input = checkInput(startSchema, options, method);
      // The robot's UserSig: redacted from every error of the call.
      const secrets = secretForms(input.transcriptionParams.userSig);
      const body: Record<string, unknown> = {
        SdkAppId: input.sdkAppId,
        ...roomToWire(input.roomId),
        TranscriptionParams: transcriptionParamsToWire(input.transcriptionParams),
        SessionId: input.sessionId,
        RecognizeConfig:
          input.recognizeConfig === undefined ? undefined : sttConfigToWire(input.recognizeConfig),
        TranslationConfig:
          input.translationConfig === undefined
            ? undefined
            : translationConfigToWire(input.translationConfig),
      };
      return startTask(transport, {
        action: 'StartAITranscription',
        method,
        body,
        sessionId: input.sessionId,
        options,
        secrets,
      });
    },

    async stopAITranscription(options) {
      const input = checkInput(taskSchema, options, 'stopAITranscription');
      const answer = await transport.call(
        'StopAITranscription',
        { TaskId: input.taskId },
        callOptions(options),
      );
      return {
        requestId: parseResponse(plainAnswerSchema, answer, 'stopAITranscription').RequestId,
      };
    },

    async describeAITranscription(options) {
      const method = 'describeAITranscription';
      const input = checkInput(describeSchema, options, method);
      // By session, TaskId is sent empty: TRTC then looks the task up by SdkAppId and SessionId.
      const body =
        'taskId' in input
          ? { TaskId: input.taskId }
          : { TaskId: '', SdkAppId: input.sdkAppId, SessionId: input.sessionId };
      const answer = await transport.call('DescribeAITranscription', body, callOptions(options));
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
  };
}
