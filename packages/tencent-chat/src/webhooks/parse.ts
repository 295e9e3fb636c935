import {
  IMBridgeError,
  SignatureVerificationError,
  ValidationError,
  type ValidationIssue,
} from '@imbridge/core';
import type { z } from 'zod';
import { type ChatbotPayload, decodeChatbotPayload, formatMsgKey } from '../chatbot/payload.ts';
import { fromWireMessageBody, type MessageElement, textOfElements } from '../messages/elements.ts';
import { checkCallbackSign } from './sign.ts';
import {
  type BotGroupMessageCallback,
  botGroupMessageCallbackSchema,
  type C2CMessageCallback,
  CALLBACK_COMMANDS,
  c2cMessageCallbackSchema,
  type GroupAfterSendCallback,
  groupAfterSendCallbackSchema,
  webhookEnvelopeSchema,
} from './wire-schemas.ts';

/** Default cap on the webhook body size: 1 MiB. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link parseTencentWebhook}. */
export interface ParseTencentWebhookOptions {
  /** Your SDKAppID; callbacks for any other app are rejected. */
  sdkAppId: number;
  /**
   * The console's callback authentication token (a value or an async resolver). When set, every
   * callback must carry a valid `Sign` and a fresh `RequestTime`; when absent, signatures are not
   * checked. An empty token is a configuration error.
   */
  callbackToken?: string | (() => string | Promise<string>);
  /** The current time in unix seconds, for the replay window. @default Math.floor(Date.now() / 1000) */
  nowSeconds?: number;
  /** Accepted distance between `RequestTime` and now, in seconds. @default 60 */
  toleranceSeconds?: number;
  /** Largest accepted body, in bytes. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
}

/** Fields every parsed webhook carries. */
export interface TencentWebhookBase {
  /** The SDKAppID the callback was sent for (equal to the configured one). */
  sdkAppId: number;
  /** The `ClientIP` query parameter: the sender's IP address, when given. */
  clientIp?: string;
  /** The `OptPlatform` query parameter (`RESTAPI`, `Web`, `Android`, `iOS`...), when given. */
  platform?: string;
  /** The whole JSON body, unvalidated beyond the fields mapped into this result. */
  raw: Readonly<Record<string, unknown>>;
}

/** Fields of a one-to-one (C2C) message callback. */
export interface TencentC2CMessageFields extends TencentWebhookBase {
  /** Sender account. */
  fromUserId: string;
  /** Receiver account (the robot, `@RBT#...`, for bot callbacks). */
  toUserId: string;
  /** `MsgSeq` (uint32). */
  sequence: number;
  /** `MsgRandom` (uint32). */
  random: number;
  /** Message time, unix seconds. */
  timeSeconds: number;
  /** Message key `<seq>_<random>_<time>`, used to modify or withdraw the message. */
  msgKey: string;
  /** Client-side message id, when given. */
  messageId?: string;
  /** The message body in imbridge's element names. */
  elements: MessageElement[];
  /** The text elements joined (empty for a custom-only message). */
  text: string;
  /** The first custom element that is a `chatbotPlugin: 2` payload (e.g. an interrupt), if any. */
  chatbotPayload?: ChatbotPayload;
  /** Message-level custom data; absent when empty. */
  cloudCustomData?: string;
  /** When the event happened, unix milliseconds. */
  eventTimeMs?: number;
  /** True for an online-only message (no offline storage), e.g. a chatbot interrupt. */
  onlineOnly: boolean;
  /** Delivery result (`SendMsgResult`): `0` = delivered. */
  sendResultCode?: number;
  /** The receiver's total C2C unread count; `-1` when delivery failed. */
  unreadCount?: number;
}

/**
 * `Bot.OnC2CMessage`: a user (or the admin through REST) sent a one-to-one message to a robot.
 *
 * @see https://www.tencentcloud.com/document/product/1047/68952
 */
export interface TencentBotC2CMessageWebhook extends TencentC2CMessageFields {
  /** Discriminant. */
  command: 'bot.c2c-message';
}

/**
 * `C2C.CallbackAfterSendMsg`: any one-to-one message was sent, including REST `sendmsg` calls
 * and failed deliveries. A bot using it as a trigger must skip its own messages.
 *
 * @see https://www.tencentcloud.com/document/product/1047/34365
 */
export interface TencentC2CAfterSendWebhook extends TencentC2CMessageFields {
  /** Discriminant. */
  command: 'c2c.after-send';
}

/** Fields of a group message callback. */
export interface TencentGroupMessageFields extends TencentWebhookBase {
  /** Group id. */
  groupId: string;
  /** Group type, e.g. `Public`, `Work`, `Meeting`, `AVChatRoom`, `Community`. */
  groupType: string;
  /** Sender account. */
  fromUserId: string;
  /** Account that made the request (the admin for REST sends), when given. */
  operatorUserId?: string;
  /** Group-scoped `MsgSeq` (uint32); with `groupId` it identifies the message. */
  sequence: number;
  /** `Random` (uint32). */
  random: number;
  /** Message time, unix seconds. */
  timeSeconds: number;
  /** Client-side message id, when given. */
  messageId?: string;
  /** The message body in imbridge's element names. */
  elements: MessageElement[];
  /** The text elements joined (still including the `@` mention text). */
  text: string;
  /** The first custom element that is a `chatbotPlugin: 2` payload (e.g. an interrupt), if any. */
  chatbotPayload?: ChatbotPayload;
  /** Message-level custom data; absent when empty. */
  cloudCustomData?: string;
  /** When the event happened, unix milliseconds. */
  eventTimeMs?: number;
  /** True for a message delivered to online members only. */
  onlineOnly: boolean;
  /** Community topic id, when the message was sent in a topic. */
  topicId?: string;
}

/**
 * `Bot.OnGroupMessage`: one or more robots were @-mentioned in a group (not triggered by @all).
 *
 * @see https://www.tencentcloud.com/document/product/1047/68953
 */
export interface TencentBotGroupMessageWebhook extends TencentGroupMessageFields {
  /** Discriminant. */
  command: 'bot.group-message';
  /** The robots mentioned. */
  atRobotIds: string[];
}

/**
 * `Group.CallbackAfterSendMsg`: any group message was sent.
 *
 * @see https://cloud.tencent.com/document/product/269/2661
 */
export interface TencentGroupAfterSendWebhook extends TencentGroupMessageFields {
  /** Discriminant. */
  command: 'group.after-send';
  /** Accounts @-mentioned individually. */
  atUserIds: string[];
  /** True when the message @-mentions everyone. */
  atAll: boolean;
}

/** Any other callback command: acknowledge it and report it as ignored. */
export interface TencentUnknownWebhook extends TencentWebhookBase {
  /** Discriminant. */
  command: 'unknown';
  /** The vendor `CallbackCommand`, e.g. `State.StateChange`. */
  callbackCommand: string;
}

/**
 * A verified, validated Tencent Cloud Chat webhook, discriminated by `command`.
 *
 * @see https://www.tencentcloud.com/document/product/1047/34354
 */
export type TencentWebhook =
  | TencentBotC2CMessageWebhook
  | TencentBotGroupMessageWebhook
  | TencentC2CAfterSendWebhook
  | TencentGroupAfterSendWebhook
  | TencentUnknownWebhook;

/** The `command` values of {@link TencentWebhook}. */
export type TencentWebhookCommand = TencentWebhook['command'];

function queryParam(url: URL, name: string): string | undefined {
  const exact = url.searchParams.get(name);
  if (exact !== null) return exact;
  const lower = name.toLowerCase();
  for (const [key, value] of url.searchParams) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function bodyTooLarge(maxBodyBytes: number): ValidationError {
  return new ValidationError({
    code: 'body-too-large',
    message: `The webhook body exceeds ${maxBodyBytes} bytes`,
  });
}

/** Reads the body as UTF-8 text, counting bytes and stopping as soon as the cap is passed. */
async function readBodyText(request: Request, maxBodyBytes: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > maxBodyBytes) {
    throw bodyTooLarge(maxBodyBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    if (request.body !== null) {
      const reader = request.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBodyBytes) {
          reader.cancel().catch(() => {});
          throw bodyTooLarge(maxBodyBytes);
        }
        chunks.push(value);
      }
    }
  } catch (error) {
    if (ValidationError.isInstance(error)) throw error;
    throw new ValidationError({
      code: 'body-unreadable',
      message: 'The webhook body could not be read',
      cause: error,
    });
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    let text = '';
    for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
    return text + decoder.decode();
  } catch {
    throw new ValidationError({
      code: 'invalid-encoding',
      message: 'The webhook body is not valid UTF-8',
    });
  }
}

function toIssues(error: z.ZodError): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    message: issue.message,
  }));
}

function invalidPayload(callbackCommand: string, error: z.ZodError): ValidationError {
  return new ValidationError({
    code: 'invalid-payload',
    message: `The ${callbackCommand} webhook body does not have the expected shape`,
    issues: toIssues(error),
  });
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError({ code: 'invalid-json', message: 'The webhook body is not JSON' });
  }
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstChatbotPayload(elements: ReadonlyArray<MessageElement>): ChatbotPayload | undefined {
  for (const element of elements) {
    if (element.type !== 'custom') continue;
    const payload = decodeChatbotPayload(element.data);
    if (payload !== undefined) return payload;
  }
  return undefined;
}

/** Optional fields shared by every message result, without `undefined` values. */
function messageExtras(body: {
  MsgId?: string | null | undefined;
  CloudCustomData?: string | null | undefined;
  EventTime?: number | null | undefined;
}): { messageId?: string; cloudCustomData?: string; eventTimeMs?: number } {
  return {
    ...(body.MsgId != null && body.MsgId !== '' ? { messageId: body.MsgId } : {}),
    ...(body.CloudCustomData != null && body.CloudCustomData !== ''
      ? { cloudCustomData: body.CloudCustomData }
      : {}),
    ...(body.EventTime != null ? { eventTimeMs: body.EventTime } : {}),
  };
}

function elementsAndText(body: { MsgBody: C2CMessageCallback['MsgBody'] }): {
  elements: MessageElement[];
  text: string;
  chatbotPayload?: ChatbotPayload;
} {
  const elements = fromWireMessageBody(body.MsgBody);
  const chatbotPayload = firstChatbotPayload(elements);
  return {
    elements,
    text: textOfElements(elements),
    ...(chatbotPayload !== undefined ? { chatbotPayload } : {}),
  };
}

function mapC2CMessage(
  body: C2CMessageCallback,
  base: TencentWebhookBase,
): TencentC2CMessageFields {
  return {
    ...base,
    fromUserId: body.From_Account,
    toUserId: body.To_Account,
    sequence: body.MsgSeq,
    random: body.MsgRandom,
    timeSeconds: body.MsgTime,
    msgKey:
      body.MsgKey ??
      formatMsgKey({ sequence: body.MsgSeq, random: body.MsgRandom, timeSeconds: body.MsgTime }),
    ...elementsAndText(body),
    ...messageExtras(body),
    onlineOnly: body.OnlineOnlyFlag === 1,
    ...(body.SendMsgResult != null ? { sendResultCode: body.SendMsgResult } : {}),
    ...(body.UnreadMsgNum != null ? { unreadCount: body.UnreadMsgNum } : {}),
  };
}

function mapGroupMessage(
  body: BotGroupMessageCallback | GroupAfterSendCallback,
  base: TencentWebhookBase,
): TencentGroupMessageFields {
  return {
    ...base,
    groupId: body.GroupId,
    groupType: body.Type,
    fromUserId: body.From_Account,
    ...(body.Operator_Account != null && body.Operator_Account !== ''
      ? { operatorUserId: body.Operator_Account }
      : {}),
    sequence: body.MsgSeq,
    random: body.Random,
    timeSeconds: body.MsgTime,
    ...elementsAndText(body),
    ...messageExtras(body),
    onlineOnly: body.OnlineOnlyFlag === 1,
    ...(body.TopicId != null && body.TopicId !== '' ? { topicId: body.TopicId } : {}),
  };
}

function mapGroupAtInfo(body: GroupAfterSendCallback): { atUserIds: string[]; atAll: boolean } {
  const atUserIds: string[] = [];
  let atAll = false;
  for (const entry of body.GroupAtInfo ?? []) {
    if (entry.GroupAtAllFlag === 1) atAll = true;
    else if (entry.GroupAt_Account != null && entry.GroupAt_Account !== '') {
      atUserIds.push(entry.GroupAt_Account);
    }
  }
  return { atUserIds, atAll };
}

function dispatch(
  callbackCommand: string,
  body: unknown,
  base: TencentWebhookBase,
): TencentWebhook {
  switch (callbackCommand) {
    case CALLBACK_COMMANDS.botC2CMessage:
    case CALLBACK_COMMANDS.c2cAfterSend: {
      const parsed = c2cMessageCallbackSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(callbackCommand, parsed.error);
      const fields = mapC2CMessage(parsed.data, base);
      return callbackCommand === CALLBACK_COMMANDS.botC2CMessage
        ? { command: 'bot.c2c-message', ...fields }
        : { command: 'c2c.after-send', ...fields };
    }
    case CALLBACK_COMMANDS.botGroupMessage: {
      const parsed = botGroupMessageCallbackSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(callbackCommand, parsed.error);
      return {
        command: 'bot.group-message',
        ...mapGroupMessage(parsed.data, base),
        atRobotIds: parsed.data.AtRobots_Account ?? [],
      };
    }
    case CALLBACK_COMMANDS.groupAfterSend: {
      const parsed = groupAfterSendCallbackSchema.safeParse(body);
      if (!parsed.success) throw invalidPayload(callbackCommand, parsed.error);
      return {
        command: 'group.after-send',
        ...mapGroupMessage(parsed.data, base),
        ...mapGroupAtInfo(parsed.data),
      };
    }
    default:
      return { command: 'unknown', callbackCommand, ...base };
  }
}

async function verifySignature(
  url: URL,
  options: ParseTencentWebhookOptions & {
    callbackToken: NonNullable<ParseTencentWebhookOptions['callbackToken']>;
  },
): Promise<void> {
  const token =
    typeof options.callbackToken === 'string'
      ? options.callbackToken
      : await options.callbackToken();
  if (typeof token !== 'string' || token === '') {
    throw new IMBridgeError({
      code: 'invalid-options',
      message: 'callbackToken must be a non-empty string',
    });
  }
  const check = await checkCallbackSign({
    token,
    requestTime: queryParam(url, 'RequestTime'),
    sign: queryParam(url, 'Sign'),
    ...(options.nowSeconds !== undefined ? { nowSeconds: options.nowSeconds } : {}),
    ...(options.toleranceSeconds !== undefined
      ? { toleranceSeconds: options.toleranceSeconds }
      : {}),
  });
  if (!check.valid) {
    const messages = {
      missing: 'The webhook request carries no Sign or RequestTime',
      malformed: 'The webhook Sign or RequestTime is malformed',
      expired: 'The webhook RequestTime is outside the accepted window',
      mismatch: 'The webhook signature does not match',
    } as const;
    throw new SignatureVerificationError({ reason: check.reason, message: messages[check.reason] });
  }
}

/**
 * Verifies and parses a Tencent Cloud Chat webhook (third-party callback) request.
 *
 * Checks run in this order, and nothing is read from the body before the request is known to
 * come from Tencent for this app: `SdkAppid` query parameter; `Sign`/`RequestTime` (when
 * `callbackToken` is set); body size (streamed with a byte counter); UTF-8 and JSON; then the
 * schema of the `CallbackCommand` (body field, else query parameter). Commands without a typed
 * result come back as `{ command: 'unknown' }`; acknowledge them with
 * {@link webhookAcknowledgement}.
 *
 * @throws {SignatureVerificationError} `reason` `'app-mismatch'` (absent or other `SdkAppid`),
 * `'missing'`, `'malformed'`, `'expired'` or `'mismatch'`.
 * @throws {ValidationError} `code` `'body-too-large'`, `'body-unreadable'`, `'invalid-encoding'`,
 * `'invalid-json'`, `'invalid-payload'` (with `issues`) or `'missing-command'`.
 * @throws {IMBridgeError} `code` `'invalid-options'` when `sdkAppId` is not a positive integer
 * or `callbackToken` resolves to an empty string.
 * @example
 * ```ts
 * export async function handle(request: Request): Promise<Response> {
 *   try {
 *     const webhook = await parseTencentWebhook(request, { sdkAppId: 1400000000, callbackToken });
 *     if (webhook.command === 'bot.c2c-message') queueReply(webhook.fromUserId, webhook.text);
 *     return webhookAcknowledgement();
 *   } catch (error) {
 *     return webhookRejection(error);
 *   }
 * }
 * ```
 * @see https://www.tencentcloud.com/document/product/1047/34354
 */
export async function parseTencentWebhook(
  request: Request,
  options: ParseTencentWebhookOptions,
): Promise<TencentWebhook> {
  if (!Number.isSafeInteger(options.sdkAppId) || options.sdkAppId <= 0) {
    throw new IMBridgeError({
      code: 'invalid-options',
      message: 'sdkAppId must be a positive integer',
    });
  }
  const url = new URL(request.url);
  if (queryParam(url, 'SdkAppid') !== String(options.sdkAppId)) {
    throw new SignatureVerificationError({
      reason: 'app-mismatch',
      message: 'The webhook was not sent for the configured SDKAppID',
    });
  }
  if (options.callbackToken !== undefined) {
    await verifySignature(url, { ...options, callbackToken: options.callbackToken });
  }

  const text = await readBodyText(request, options.maxBodyBytes ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES);
  const json = parseJsonText(text);
  const envelope = webhookEnvelopeSchema.safeParse(json);
  if (!envelope.success || !isJsonObject(json)) {
    throw new ValidationError({
      code: 'invalid-payload',
      message: 'The webhook body is not a JSON object',
      issues: envelope.success
        ? [{ path: [], message: 'Expected an object' }]
        : toIssues(envelope.error),
    });
  }
  const callbackCommand = envelope.data.CallbackCommand ?? queryParam(url, 'CallbackCommand');
  if (callbackCommand === undefined || callbackCommand === '') {
    throw new ValidationError({
      code: 'missing-command',
      message: 'The webhook names no CallbackCommand',
      issues: [{ path: ['CallbackCommand'], message: 'Required' }],
    });
  }

  const clientIp = queryParam(url, 'ClientIP');
  const platform = queryParam(url, 'OptPlatform');
  const base: TencentWebhookBase = {
    sdkAppId: options.sdkAppId,
    ...(clientIp !== undefined && clientIp !== '' ? { clientIp } : {}),
    ...(platform !== undefined && platform !== '' ? { platform } : {}),
    raw: json,
  };
  return dispatch(callbackCommand, json, base);
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' } as const;

/**
 * The success answer Tencent expects from a webhook: HTTP 200 with
 * `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}`.
 *
 * @see https://www.tencentcloud.com/document/product/1047/34354
 */
export function webhookAcknowledgement(): Response {
  return new Response(JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0 }), {
    status: 200,
    headers: JSON_HEADERS,
  });
}

/**
 * The answer to a webhook {@link parseTencentWebhook} rejected: 401 for a
 * {@link SignatureVerificationError}, 413 for a body over the cap, 400 for any other
 * {@link ValidationError}, 500 otherwise. The short JSON body names only the error code and
 * reason; it never echoes the signature, the token or the request body.
 */
export function webhookRejection(error: unknown): Response {
  let status = 500;
  let errorInfo = 'internal error';
  if (SignatureVerificationError.isInstance(error)) {
    status = 401;
    errorInfo = `signature rejected: ${error.reason}`;
  } else if (ValidationError.isInstance(error)) {
    status = error.code === 'body-too-large' ? 413 : 400;
    errorInfo = `invalid request: ${error.code}`;
  }
  return new Response(
    JSON.stringify({ ActionStatus: 'FAIL', ErrorInfo: errorInfo, ErrorCode: 1 }),
    {
      status,
      headers: JSON_HEADERS,
    },
  );
}
