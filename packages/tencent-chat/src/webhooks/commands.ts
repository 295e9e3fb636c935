/**
 * The vendor `CallbackCommand` values imbridge maps to typed results. Kept apart from the zod
 * schemas so the hand-checked robot path can name them without loading zod.
 *
 * @internal
 * @module
 */

/** Vendor `CallbackCommand` values with a typed result. */
export const CALLBACK_COMMANDS = {
  botC2CMessage: 'Bot.OnC2CMessage',
  botGroupMessage: 'Bot.OnGroupMessage',
  c2cAfterSend: 'C2C.CallbackAfterSendMsg',
  groupAfterSend: 'Group.CallbackAfterSendMsg',
} as const;
