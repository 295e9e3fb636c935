/** Injection token of the bot (a `TencentBot` from `./bot`). */
export const TENCENT_BOT = Symbol('TENCENT_BOT');
