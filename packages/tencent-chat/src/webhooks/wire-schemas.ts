/**
 * Zod schemas of the Tencent Cloud Chat webhook bodies imbridge understands. Vendor field names
 * live here, in the mappers (`message-fields.ts`, `map.ts`) and in the hand-written checks of the
 * robot commands (`bot-decode.ts`, which must accept exactly what these schemas accept). Schemas
 * are lenient on fields we do not use (unknown keys are ignored, optional ones may be `null`) and
 * strict on the ones we do.
 *
 * @internal
 */
import { z } from 'zod';
import type { ReceivedWireMessageElement } from '../messages/elements.ts';

export { CALLBACK_COMMANDS } from './commands.ts';

/** Lenient schema of a `MsgBody` item as received: any `MsgType`, any object `MsgContent`. */
const wireMessageElementSchema: z.ZodType<ReceivedWireMessageElement> = z.object({
  MsgType: z.string(),
  MsgContent: z.record(z.string(), z.unknown()).nullish(),
});

const uint32 = z.number().int().min(0).max(4_294_967_295);
const nonNegativeInteger = z.number().int().min(0);
const optionalString = z.string().nullish();

/** Any JSON object (unknown keys ignored); used to read `CallbackCommand` before dispatching. */
export const webhookEnvelopeSchema = z.object({
  CallbackCommand: z.string().min(1).nullish(),
});

/** `Bot.OnC2CMessage` and `C2C.CallbackAfterSendMsg` share this field table. */
export const c2cMessageCallbackSchema = z.object({
  From_Account: z.string(),
  To_Account: z.string(),
  MsgSeq: uint32,
  MsgRandom: uint32,
  MsgTime: uint32,
  MsgKey: z.string().min(1).nullish(),
  MsgId: optionalString,
  OnlineOnlyFlag: z.number().int().nullish(),
  SendMsgResult: z.number().int().nullish(),
  ErrorInfo: optionalString,
  UnreadMsgNum: z.number().int().nullish(),
  MsgBody: z.array(wireMessageElementSchema),
  CloudCustomData: optionalString,
  EventTime: nonNegativeInteger.nullish(),
});

const groupMessageCallbackFields = {
  GroupId: z.string().min(1),
  Type: z.string(),
  From_Account: z.string(),
  Operator_Account: optionalString,
  Random: uint32,
  MsgSeq: uint32,
  MsgTime: uint32,
  MsgId: optionalString,
  OnlineOnlyFlag: z.number().int().nullish(),
  MsgBody: z.array(wireMessageElementSchema),
  CloudCustomData: optionalString,
  EventTime: nonNegativeInteger.nullish(),
  TopicId: optionalString,
};

/** `Bot.OnGroupMessage`: a robot was @-mentioned in a group. */
export const botGroupMessageCallbackSchema = z.object({
  ...groupMessageCallbackFields,
  AtRobots_Account: z.array(z.string()).nullish(),
});

/** `Group.CallbackAfterSendMsg`: any group message was sent. */
export const groupAfterSendCallbackSchema = z.object({
  ...groupMessageCallbackFields,
  GroupAtInfo: z
    .array(
      z.object({
        GroupAtAllFlag: z.number().int().nullish(),
        GroupAt_Account: optionalString,
      }),
    )
    .nullish(),
});

/** Parsed `Bot.OnC2CMessage` / `C2C.CallbackAfterSendMsg` body. */
export type C2CMessageCallback = z.infer<typeof c2cMessageCallbackSchema>;
/** Parsed `Bot.OnGroupMessage` body. */
export type BotGroupMessageCallback = z.infer<typeof botGroupMessageCallbackSchema>;
/** Parsed `Group.CallbackAfterSendMsg` body. */
export type GroupAfterSendCallback = z.infer<typeof groupAfterSendCallbackSchema>;
