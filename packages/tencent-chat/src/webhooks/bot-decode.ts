/**
 * The robot commands (`Bot.OnC2CMessage`, `Bot.OnGroupMessage`, which also carry the chatbot
 * stop/interrupt custom message) checked by hand, without zod: they are what a bot receives on
 * every turn, and loading zod costs ~140 ms on the first webhook and decoding with it ~2.5 % of
 * a reply's CPU.
 *
 * The checks accept exactly the bodies `wire-schemas.ts` accepts, and build the same parsed
 * value (`MsgContent` copied without an own `__proto__` key, as zod's record does). A body they
 * do not accept is not rejected here: the parser hands it to the zod decoder (`decode.ts`), which
 * rejects it with the same error as always. `bot-decode.test.ts` compares both on random bodies.
 *
 * @internal
 * @module
 */
import { isRecord } from '@imbridge/provider-utils';
import type { ReceivedWireMessageElement } from '../messages/elements.ts';
import { CALLBACK_COMMANDS } from './commands.ts';
import {
  toBotC2CWebhook,
  toBotGroupWebhook,
  type WebhookQuery,
  webhookBase,
} from './message-fields.ts';
import type { TencentBotC2CMessageWebhook, TencentBotGroupMessageWebhook } from './types.ts';
import type { BotGroupMessageCallback, C2CMessageCallback } from './wire-schemas.ts';

/** What a reader returns for a value its schema would reject. */
const INVALID: unique symbol = Symbol('invalid');

type Reader<T> = (value: unknown) => T | typeof INVALID;

const UINT32_MAX = 4_294_967_295;

/** `z.string()`. */
const string: Reader<string> = (value) => (typeof value === 'string' ? value : INVALID);

/** `z.string().min(1)`. */
const nonEmptyString: Reader<string> = (value) =>
  typeof value === 'string' && value.length >= 1 ? value : INVALID;

/** `z.number().int()` (a safe integer), bounded like `.min()`/`.max()`. */
function integer(min: number, max: number): Reader<number> {
  return (value) =>
    typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max
      ? value
      : INVALID;
}

const uint32 = integer(0, UINT32_MAX);
const anyInteger = integer(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
const nonNegativeInteger = integer(0, Number.MAX_SAFE_INTEGER);

/** `.nullish()`. */
function nullish<T>(read: Reader<T>): Reader<T | null | undefined> {
  return (value) => (value === undefined || value === null ? value : read(value));
}

/** `z.array(item)`. */
function arrayOf<T>(read: Reader<T>): Reader<T[]> {
  return (value) => {
    if (!Array.isArray(value)) return INVALID;
    const items: T[] = [];
    for (const item of value) {
      const checked = read(item);
      if (checked === INVALID) return INVALID;
      items.push(checked);
    }
    return items;
  };
}

/**
 * `z.record(z.string(), z.unknown())` on JSON: any object, copied without an own `__proto__` key
 * (zod skips it so it cannot replace the copy's prototype).
 */
const jsonRecord: Reader<Record<string, unknown>> = (value) => {
  if (!isRecord(value)) return INVALID;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) if (key !== '__proto__') copy[key] = value[key];
  return copy;
};

type Fields = Record<string, Reader<unknown>>;
type Checked<F extends Fields> = { [K in keyof F]: Exclude<ReturnType<F[K]>, typeof INVALID> };

/** `z.object(fields)`: unknown keys are left out of the result. */
function objectOf<F extends Fields>(fields: F): Reader<Checked<F>> {
  const entries = Object.entries(fields);
  return (value) => {
    if (!isRecord(value)) return INVALID;
    const result: Record<string, unknown> = {};
    for (const [key, read] of entries) {
      const checked = read(value[key]);
      if (checked === INVALID) return INVALID;
      if (checked !== undefined) result[key] = checked;
    }
    return result as Checked<F>;
  };
}

const messageBody: Reader<ReceivedWireMessageElement[]> = arrayOf(
  objectOf({ MsgType: string, MsgContent: nullish(jsonRecord) }),
);

const optionalString = nullish(string);

/** The fields of `c2cMessageCallbackSchema`. */
const c2cMessage: Reader<C2CMessageCallback> = objectOf({
  From_Account: string,
  To_Account: string,
  MsgSeq: uint32,
  MsgRandom: uint32,
  MsgTime: uint32,
  MsgKey: nullish(nonEmptyString),
  MsgId: optionalString,
  OnlineOnlyFlag: nullish(anyInteger),
  SendMsgResult: nullish(anyInteger),
  ErrorInfo: optionalString,
  UnreadMsgNum: nullish(anyInteger),
  MsgBody: messageBody,
  CloudCustomData: optionalString,
  EventTime: nullish(nonNegativeInteger),
});

/** The fields of `botGroupMessageCallbackSchema`. */
const botGroupMessage: Reader<BotGroupMessageCallback> = objectOf({
  GroupId: nonEmptyString,
  Type: string,
  From_Account: string,
  Operator_Account: optionalString,
  Random: uint32,
  MsgSeq: uint32,
  MsgTime: uint32,
  MsgId: optionalString,
  OnlineOnlyFlag: nullish(anyInteger),
  MsgBody: messageBody,
  CloudCustomData: optionalString,
  EventTime: nullish(nonNegativeInteger),
  TopicId: optionalString,
  AtRobots_Account: nullish(arrayOf(string)),
});

/** The `CallbackCommand` `decodeWebhook` would dispatch on, or `undefined` when it would throw. */
function commandOf(
  json: Readonly<Record<string, unknown>>,
  query: WebhookQuery,
): string | undefined {
  const inBody = nullish(nonEmptyString)(json.CallbackCommand);
  if (inBody === INVALID) return undefined;
  return inBody ?? query.callbackCommand;
}

/**
 * Decodes a robot command's body without zod.
 *
 * @returns The same result as `decodeWebhook` for a valid `Bot.OnC2CMessage` or
 * `Bot.OnGroupMessage` body; `undefined` for any other command and for any body the zod schemas
 * would reject (hand it to `decodeWebhook`, which throws the error).
 */
export function decodeBotWebhook(
  json: unknown,
  query: WebhookQuery,
): TencentBotC2CMessageWebhook | TencentBotGroupMessageWebhook | undefined {
  if (!isRecord(json)) return undefined;
  const command = commandOf(json, query);
  if (command === CALLBACK_COMMANDS.botC2CMessage) {
    const body = c2cMessage(json);
    return body === INVALID ? undefined : toBotC2CWebhook(body, webhookBase(json, query));
  }
  if (command === CALLBACK_COMMANDS.botGroupMessage) {
    const body = botGroupMessage(json);
    return body === INVALID ? undefined : toBotGroupWebhook(body, webhookBase(json, query));
  }
  return undefined;
}
