/**
 * Sample webhooks as each vendor sends them, signed with the vendor packages' own helpers:
 * Tencent Chat's `Sign` query parameter (`computeCallbackSign`), RongCloud's query signature
 * (`rongCloudSignature`) and TRTC's `Sign` header (`computeTrtcWebhookSignature`). The bodies
 * follow the shapes of the packages' local stand-ins and fixtures.
 *
 * @module
 */
import { rongCloudSignature } from '@imbridge/rongcloud';
import {
  computeCallbackSign,
  encodeChatbotPayload,
  formatMsgKey,
  type MessageElement,
  toWireMessageBody,
} from '@imbridge/tencent-chat';
import { computeTrtcWebhookSignature } from '@imbridge/trtc';

/** A webhook ready to POST. */
export interface SampleWebhook {
  /** The URL with the vendor's query parameters (the signature included). */
  url: URL;
  /** Headers to send. */
  headers: Record<string, string>;
  /** The exact body. */
  body: string;
  /** What it is, e.g. `Bot.OnC2CMessage`, `message:private`, `903`. */
  event: string;
}

function randomUint32(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** What a Tencent Chat sample needs. */
export interface TencentSampleOptions {
  url: string;
  sdkAppId: number;
  /** The callback token; `undefined` sends no `Sign`. */
  callbackToken: string | undefined;
  from: string;
  robotId: string;
  text: string;
  /** A group: `Bot.OnGroupMessage` mentioning the robot. */
  groupId?: string | undefined;
  /** A stop request (`src: 22`) for the reply with this msgKey, instead of a text. */
  interruptMsgKey?: string | undefined;
  nowMs: number;
}

/** A signed `Bot.OnC2CMessage` (text or stop request) or `Bot.OnGroupMessage`. */
export async function tencentSample(options: TencentSampleOptions): Promise<SampleWebhook> {
  const timeSeconds = Math.floor(options.nowMs / 1000);
  const sequence = randomUint32() % 1_000_000;
  const random = randomUint32();
  let command: string;
  let body: Record<string, unknown>;
  if (options.groupId !== undefined) {
    command = 'Bot.OnGroupMessage';
    const elements: MessageElement[] = [
      { type: 'text', text: `@${options.robotId} ${options.text}` },
    ];
    body = {
      CallbackCommand: command,
      GroupId: options.groupId,
      Type: 'Public',
      From_Account: options.from,
      Operator_Account: options.from,
      Random: random,
      MsgSeq: sequence,
      MsgTime: timeSeconds,
      OnlineOnlyFlag: 0,
      MsgBody: toWireMessageBody(elements),
      AtRobots_Account: [options.robotId],
      CloudCustomData: '',
      EventTime: options.nowMs,
    };
  } else {
    command = 'Bot.OnC2CMessage';
    const interrupt = options.interruptMsgKey;
    const elements: MessageElement[] =
      interrupt === undefined
        ? [{ type: 'text', text: options.text }]
        : [
            {
              type: 'custom',
              data: encodeChatbotPayload({ kind: 'interrupt', msgKey: interrupt }),
            },
          ];
    const msgKey = formatMsgKey({ sequence, random, timeSeconds });
    body = {
      CallbackCommand: command,
      From_Account: options.from,
      To_Account: options.robotId,
      MsgSeq: sequence,
      MsgRandom: random,
      MsgTime: timeSeconds,
      MsgKey: msgKey,
      MsgId: `imbridge-${msgKey}`,
      OnlineOnlyFlag: interrupt === undefined ? 0 : 1,
      SendMsgResult: 0,
      ErrorInfo: 'send msg succeed',
      UnreadMsgNum: 0,
      MsgBody: toWireMessageBody(elements),
      CloudCustomData: '',
      EventTime: options.nowMs,
    };
  }
  const url = new URL(options.url);
  url.searchParams.set('SdkAppid', String(options.sdkAppId));
  url.searchParams.set('CallbackCommand', command);
  url.searchParams.set('contenttype', 'json');
  url.searchParams.set('ClientIP', '127.0.0.1');
  url.searchParams.set('OptPlatform', 'Web');
  if (options.callbackToken !== undefined) {
    const requestTime = String(timeSeconds);
    url.searchParams.set('Sign', await computeCallbackSign(options.callbackToken, requestTime));
    url.searchParams.set('RequestTime', requestTime);
  }
  return { url, headers: JSON_HEADERS, body: JSON.stringify(body), event: command };
}

/** What a RongCloud sample needs. */
export interface RongCloudSampleOptions {
  url: string;
  /** The App Secret; `undefined` sends no signature. */
  appSecret: string | undefined;
  botUserId: string;
  from: string;
  text: string;
  /** A group: `message:group` mentioning the bot. */
  groupId?: string | undefined;
  nowMs: number;
}

/** A signed `message:private` or `message:group` bot webhook with an `RC:TxtMsg`. */
export function rongCloudSample(options: RongCloudSampleOptions): SampleWebhook {
  const group = options.groupId !== undefined;
  const event = group ? 'message:group' : 'message:private';
  const content = group
    ? {
        content: options.text,
        mentionedInfo: { type: 2, userIdList: [options.botUserId], mentionedContent: '' },
      }
    : { content: options.text, extra: '' };
  const body = {
    type: event,
    timestamp: options.nowMs,
    bot: { userId: options.botUserId, name: options.botUserId, type: 'Message AI', metadata: {} },
    data: {
      fromUserId: options.from,
      ...(group ? { toGroupId: options.groupId } : { toUserId: options.botUserId }),
      objectName: 'RC:TxtMsg',
      content: JSON.stringify(content),
      channelType: group ? 'GROUP' : 'PERSON',
      msgUID: `IMBR-${randomUint32().toString(36).toUpperCase()}`,
      msgTimestamp: options.nowMs,
    },
  };
  const url = new URL(options.url);
  if (options.appSecret !== undefined) {
    const nonce = String(randomUint32());
    const timestamp = String(options.nowMs);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('signTimestamp', timestamp);
    url.searchParams.set('signature', rongCloudSignature(options.appSecret, nonce, timestamp));
  }
  return { url, headers: JSON_HEADERS, body: JSON.stringify(body), event };
}

/** The TRTC AI service events (group 9) `webhook replay trtc --event` sends. */
export const TRTC_SAMPLE_EVENTS = {
  started: 901,
  stopped: 902,
  message: 903,
  'speech-started': 904,
  'speaking-finished': 905,
  error: 908,
  'session-ready': 909,
} as const;

/** A key of {@link TRTC_SAMPLE_EVENTS}. */
export type TrtcSampleEvent = keyof typeof TRTC_SAMPLE_EVENTS;

/** What a TRTC sample needs. */
export interface TrtcSampleOptions {
  url: string;
  /** The callback key; `undefined` sends no `Sign` header. */
  callbackKey: string | undefined;
  /** The `SdkAppId` header, when known. */
  sdkAppId: number | undefined;
  event: TrtcSampleEvent;
  taskId: string;
  roomId: string;
  /** The user speaking. */
  from: string;
  /** The agent. */
  botUserId: string;
  text: string;
  nowMs: number;
}

function trtcPayload(options: TrtcSampleOptions, roundId: string): Record<string, unknown> {
  switch (options.event) {
    case 'started':
      return { Status: 0 };
    case 'stopped':
      return { LeaveCode: 0 };
    case 'message':
      return {
        UserId: options.from,
        Text: options.text,
        RoundId: roundId,
        StartTimeMs: options.nowMs - 1_500,
        EndTimeMs: options.nowMs,
      };
    case 'speech-started':
      return { UserId: options.from, RoundId: roundId };
    case 'speaking-finished':
      return { UserId: options.botUserId, RoundId: roundId, Text: options.text };
    case 'error':
      return { Metric: 'llm_error', Tag: { RoundId: roundId, Code: 500, Message: options.text } };
    case 'session-ready':
      return { Status: 'session_ready' };
  }
}

/** A signed TRTC AI service callback. */
export async function trtcSample(options: TrtcSampleOptions): Promise<SampleWebhook> {
  const eventType = TRTC_SAMPLE_EVENTS[options.event];
  const body = JSON.stringify({
    EventGroupId: 9,
    EventType: eventType,
    CallbackTs: options.nowMs,
    EventInfo: {
      EventMsTs: options.nowMs,
      TaskId: options.taskId,
      RoomId: options.roomId,
      RoomIdType: /^\d+$/.test(options.roomId) ? 0 : 1,
      Payload: trtcPayload(options, `imbridge-${randomUint32().toString(16)}`),
    },
  });
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (options.sdkAppId !== undefined) headers.SdkAppId = String(options.sdkAppId);
  if (options.callbackKey !== undefined) {
    headers.Sign = await computeTrtcWebhookSignature(body, { callbackKey: options.callbackKey });
  }
  return { url: new URL(options.url), headers, body, event: String(eventType) };
}
