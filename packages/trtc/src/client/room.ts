/** The largest numeric TRTC room id (numeric rooms are 1 to 4294967294). */
export const MAX_NUMERIC_ROOM_ID = 4_294_967_294;

/**
 * A TRTC room: a `number` is a numeric room (`RoomIdType` 0), a `string` is a string room
 * (`RoomIdType` 1), **always** — even `'1234'`. TRTC keeps numeric room 1234 and string room
 * `'1234'` apart, so the id's JavaScript type, never its look, chooses; a non-numeric id can
 * therefore never be sent as type 0.
 */
export type RoomId = number | string;

/** `RoomId` (always a string on the wire) and the `RoomIdType` derived from the id's type. */
export function roomToWire(roomId: RoomId): { RoomId: string; RoomIdType: 0 | 1 } {
  return typeof roomId === 'number'
    ? { RoomId: String(roomId), RoomIdType: 0 }
    : { RoomId: roomId, RoomIdType: 1 };
}
