/**
 * The names bot webhooks use, without their schemas (which load with the first webhook).
 *
 * @internal
 * @module
 */

/**
 * Vendor event names (the body's `type`) with a typed result.
 *
 * `message:private` is documented. `message:group` is an assumption: RongCloud's bot docs say
 * bots answer @-mentions in groups and that other event types carry other `data`, but name no
 * group event (reference "Open questions": full list of bot webhook event names).
 */
export const EVENT_TYPES = {
  privateMessage: 'message:private',
  groupMessage: 'message:group',
} as const;

/** The object name of a text message. */
export const TEXT_OBJECT_NAME = 'RC:TxtMsg';
