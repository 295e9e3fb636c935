import { ValidationError, type ValidationIssue } from '@imbridge/core';
import type { z } from 'zod';
import {
  TRTC_AGENT_STOP_REASONS,
  type TRTCAgentStopReason,
  type TRTCAIServiceWebhookFields,
  type TRTCWebhook,
  type TRTCWebhookFields,
} from './types.ts';
import {
  AI_SERVICE_EVENT_GROUP,
  type AIServiceEventInfo,
  EVENT_TYPES,
  errorMetricSchema,
  metricMessageSchema,
  serviceMessageSchema,
  serviceStartSchema,
  serviceStopSchema,
  sessionStatusSchema,
  speakingFinishedSchema,
  startOfSpeechSchema,
} from './wire-schemas.ts';

/** zod issues as {@link ValidationIssue}s. */
export function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    message: issue.message,
  }));
}

const DIGITS = /^\d{1,15}$/;

/** A unix-milliseconds value: a non-negative safe integer, or a string of up to 15 digits. */
export function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  }
  return typeof value === 'string' && DIGITS.test(value) ? Number(value) : undefined;
}

/** A duration or offset in milliseconds: any finite non-negative number. */
function millisecondsOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function stopReasonOf(leaveCode: number): TRTCAgentStopReason {
  return Object.hasOwn(TRTC_AGENT_STOP_REASONS, leaveCode)
    ? TRTC_AGENT_STOP_REASONS[leaveCode as keyof typeof TRTC_AGENT_STOP_REASONS]
    : 'unknown';
}

/** `{ [key]: value }` when the value is present, `{}` otherwise. */
function optional<Key extends string, Value>(
  key: Key,
  value: Value | null | undefined,
): { [K in Key]?: Value } {
  return value == null ? {} : ({ [key]: value } as { [K in Key]?: Value });
}

/** What the envelope says, before the event is dispatched. */
export interface Envelope {
  eventGroupId: number;
  eventType: number;
  callbackTimeMs: number | undefined;
  sdkAppId: number | undefined;
}

function commonFields(
  envelope: Envelope,
  body: Readonly<Record<string, unknown>>,
): TRTCWebhookFields {
  return {
    eventGroupId: envelope.eventGroupId,
    eventType: envelope.eventType,
    ...optional('sdkAppId', envelope.sdkAppId),
    ...optional('callbackTimeMs', envelope.callbackTimeMs),
    raw: body,
  };
}

function aiServiceFields(
  envelope: Envelope,
  body: Readonly<Record<string, unknown>>,
  info: AIServiceEventInfo,
): TRTCAIServiceWebhookFields {
  return {
    ...commonFields(envelope, body),
    taskId: info.TaskId,
    roomId: info.RoomId,
    ...optional('roomIdType', info.RoomIdType),
    ...optional('eventTimeMs', timeOf(info.EventMsTs)),
  };
}

/** Validates `body` with `schema`, or throws an `invalid-payload` naming the event type. */
function validate<Output>(
  schema: z.ZodType<Output>,
  eventType: number,
  body: Readonly<Record<string, unknown>>,
): Output {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError({
      code: 'invalid-payload',
      message: `The TRTC ${eventType} callback body does not have the expected shape`,
      issues: toIssues(parsed.error),
    });
  }
  return parsed.data;
}

/**
 * Validates and maps a callback body by its event group and type. Other groups, and types of
 * group 9 without a typed result, come back as `{ kind: 'unknown' }`.
 */
export function dispatch(envelope: Envelope, body: Readonly<Record<string, unknown>>): TRTCWebhook {
  const { eventType } = envelope;
  if (envelope.eventGroupId !== AI_SERVICE_EVENT_GROUP) {
    return { kind: 'unknown', ...commonFields(envelope, body) };
  }
  switch (eventType) {
    case EVENT_TYPES.serviceStart: {
      const { EventInfo: info } = validate(serviceStartSchema, eventType, body);
      return {
        kind: 'agent-started',
        ...aiServiceFields(envelope, body, info),
        succeeded: info.Payload.Status === 0,
        status: info.Payload.Status,
      };
    }
    case EVENT_TYPES.serviceStop: {
      const { EventInfo: info } = validate(serviceStopSchema, eventType, body);
      return {
        kind: 'agent-stopped',
        ...aiServiceFields(envelope, body, info),
        stopReason: stopReasonOf(info.Payload.LeaveCode),
        leaveCode: info.Payload.LeaveCode,
      };
    }
    case EVENT_TYPES.serviceMessage: {
      const { EventInfo: info } = validate(serviceMessageSchema, eventType, body);
      const payload = info.Payload;
      return {
        kind: 'message',
        ...aiServiceFields(envelope, body, info),
        userId: payload.UserId,
        text: payload.Text,
        ...optional('roundId', payload.RoundId),
        ...optional('startTimeMs', millisecondsOf(payload.StartTimeMs)),
        ...optional('endTimeMs', millisecondsOf(payload.EndTimeMs)),
      };
    }
    case EVENT_TYPES.startOfSpeech: {
      const { EventInfo: info } = validate(startOfSpeechSchema, eventType, body);
      return {
        kind: 'speech-started',
        ...aiServiceFields(envelope, body, info),
        userId: info.Payload.UserId,
        ...optional('roundId', info.Payload.RoundId),
      };
    }
    case EVENT_TYPES.speakingFinished: {
      const { EventInfo: info } = validate(speakingFinishedSchema, eventType, body);
      return {
        kind: 'agent-speaking-finished',
        ...aiServiceFields(envelope, body, info),
        userId: info.Payload.UserId,
        ...optional('roundId', info.Payload.RoundId),
        ...optional('text', info.Payload.Text),
      };
    }
    case EVENT_TYPES.metricMessage: {
      const { EventInfo: info } = validate(metricMessageSchema, eventType, body);
      return {
        kind: 'metric',
        ...aiServiceFields(envelope, body, info),
        metric: info.Payload.Metric,
        value: info.Payload.Value,
        ...optional('roundId', info.Payload.Tag?.RoundId),
      };
    }
    case EVENT_TYPES.errorMetric: {
      const { EventInfo: info } = validate(errorMetricSchema, eventType, body);
      const tag = info.Payload.Tag;
      return {
        kind: 'error',
        ...aiServiceFields(envelope, body, info),
        metric: info.Payload.Metric,
        ...optional('roundId', tag?.RoundId),
        ...optional('errorCode', tag?.Code),
        ...optional('errorMessage', tag?.Message),
      };
    }
    case EVENT_TYPES.sessionStatus: {
      const { EventInfo: info } = validate(sessionStatusSchema, eventType, body);
      return {
        kind: 'session-status',
        ...aiServiceFields(envelope, body, info),
        status: info.Payload.Status,
      };
    }
    default:
      return { kind: 'unknown', ...commonFields(envelope, body) };
  }
}
