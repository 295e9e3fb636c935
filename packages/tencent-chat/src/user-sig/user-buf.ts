import { ValidationError } from '@imbridge/core/errors';
import {
  assertNowSeconds,
  assertSdkAppId,
  assertUnsignedInteger,
  assertUserId,
  resolveNowSeconds,
  UINT32_MAX,
  utf8Decode,
  utf8Encode,
} from './validation.ts';

/**
 * TRTC room permission bits carried in a PrivateMapKey (`privilegeMap`). Combine with `|`.
 *
 * @see https://trtc.io/document/35157
 */
export const TRTC_PRIVILEGES = {
  /** Create the room. */
  create: 1,
  /** Enter the room. */
  enter: 2,
  /** Send audio. */
  sendAudio: 4,
  /** Receive audio. */
  receiveAudio: 8,
  /** Send video. */
  sendVideo: 16,
  /** Receive video. */
  receiveVideo: 32,
  /** Send the sub stream (screen sharing). */
  sendSubStream: 64,
  /** Receive the sub stream (screen sharing). */
  receiveSubStream: 128,
  /** Every permission above. */
  all: 255,
} as const;

/** A name of {@link TRTC_PRIVILEGES}. */
export type TRTCPrivilege = keyof typeof TRTC_PRIVILEGES;

/** Maximum UTF-8 length of a string room id accepted when encoding. */
const MAX_STRING_ROOM_ID_BYTES = 64;
/** Fixed bytes of a userbuf: cVer 1, account length 2, five uint32 fields 20. */
const FIXED_BYTES = 1 + 2 + 20;

/** Options of {@link encodePrivateMapKeyUserBuf}. */
export interface EncodePrivateMapKeyUserBufOptions {
  /** The user the PrivateMapKey is issued to (≤ 32 UTF-8 bytes). */
  userId: string;
  /** The application's SDKAppID. */
  sdkAppId: number;
  /**
   * The TRTC room: a number (1 to 4294967295) gives a version-0 userbuf, a string (1 to 64 UTF-8
   * bytes) a version-1 userbuf.
   */
  roomId: number | string;
  /**
   * Permission bits, see {@link TRTC_PRIVILEGES}.
   * @default 255 (TRTC_PRIVILEGES.all)
   */
  privileges?: number | undefined;
  /** Validity of the permission, in seconds from `nowSeconds`. */
  expiresInSeconds: number;
  /**
   * Current time, Unix seconds.
   * @default Math.floor(Date.now() / 1000)
   */
  nowSeconds?: number | undefined;
}

/** The fields of a PrivateMapKey userbuf, as read by {@link decodePrivateMapKeyUserBuf}. */
export interface PrivateMapKeyUserBuf {
  /** Layout version (`cVer`): 0 for a numeric room id, 1 for a string room id. */
  version: 0 | 1;
  /** The user the permission belongs to. */
  userId: string;
  /** The application's SDKAppID. */
  sdkAppId: number;
  /** The numeric room id (version 0) or the string room id (version 1). */
  roomId: number | string;
  /** When the permission ends, Unix seconds (absolute, unlike a UserSig's `expire`). */
  expiresAtSeconds: number;
  /** Permission bits, see {@link TRTC_PRIVILEGES}. */
  privileges: number;
  /** `dwAccountType`; 0 in every userbuf the official libraries write. */
  accountType: number;
}

function assertRoomId(value: unknown): Uint8Array | undefined {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 1 || value > UINT32_MAX) {
      throw invalid('roomId', 'roomId must be an integer from 1 to 4294967295, or a string');
    }
    return undefined;
  }
  if (typeof value === 'string') {
    const bytes = utf8Encode(value);
    if (bytes.length === 0 || bytes.length > MAX_STRING_ROOM_ID_BYTES) {
      throw invalid('roomId', 'A string roomId must be 1 to 64 UTF-8 bytes long');
    }
    return bytes;
  }
  throw invalid('roomId', 'roomId must be a number or a string');
}

function invalid(path: string, message: string): ValidationError {
  return new ValidationError({ message, issues: [{ path: [path], message }] });
}

/**
 * Writes the TRTC PrivateMapKey userbuf: big-endian `cVer` (u8), account length (u16), account,
 * `sdkappid`, numeric room id (0 for string rooms), absolute expiry `now + expiresInSeconds`,
 * privilege bits, account type 0 (all u32), then for string rooms the room length (u16) and
 * bytes.
 *
 * @throws {ValidationError} when an option is out of range (including an absolute expiry past
 *   4294967295).
 * @example
 * ```ts
 * const userBuf = encodePrivateMapKeyUserBuf({
 *   userId: 'alice', sdkAppId: 1400000000, roomId: 10000,
 *   privileges: TRTC_PRIVILEGES.enter | TRTC_PRIVILEGES.receiveAudio, expiresInSeconds: 300,
 * });
 * ```
 * @see https://trtc.io/document/35157
 */
export function encodePrivateMapKeyUserBuf(options: EncodePrivateMapKeyUserBufOptions): Uint8Array {
  const account = assertUserId(options.userId);
  assertSdkAppId(options.sdkAppId);
  const room = assertRoomId(options.roomId);
  const privileges = options.privileges ?? TRTC_PRIVILEGES.all;
  assertUnsignedInteger(privileges, 'privileges', 0, 255);
  assertUnsignedInteger(options.expiresInSeconds, 'expiresInSeconds', 1, UINT32_MAX);
  if (options.nowSeconds !== undefined) assertNowSeconds(options.nowSeconds);
  const expiresAt = resolveNowSeconds(options.nowSeconds) + options.expiresInSeconds;
  if (expiresAt > UINT32_MAX) {
    throw invalid('expiresInSeconds', 'nowSeconds + expiresInSeconds must not exceed 4294967295');
  }

  const size = FIXED_BYTES + account.length + (room === undefined ? 0 : 2 + room.length);
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  bytes[0] = room === undefined ? 0 : 1;
  view.setUint16(1, account.length);
  bytes.set(account, 3);
  let offset = 3 + account.length;
  view.setUint32(offset, options.sdkAppId);
  view.setUint32(offset + 4, typeof options.roomId === 'number' ? options.roomId : 0);
  view.setUint32(offset + 8, expiresAt);
  view.setUint32(offset + 12, privileges);
  view.setUint32(offset + 16, 0);
  offset += 20;
  if (room !== undefined) {
    view.setUint16(offset, room.length);
    bytes.set(room, offset + 2);
  }
  return bytes;
}

/**
 * Reads a TRTC PrivateMapKey userbuf (the inverse of {@link encodePrivateMapKeyUserBuf}), e.g.
 * the `userBuf` returned by `verifyUserSig` for a PrivateMapKey.
 *
 * @throws {ValidationError} when the bytes do not follow the layout exactly (unknown version,
 *   lengths past the end, trailing bytes, invalid UTF-8).
 * @see https://trtc.io/document/35157
 */
export function decodePrivateMapKeyUserBuf(bytes: Uint8Array): PrivateMapKeyUserBuf {
  if (!(bytes instanceof Uint8Array)) throw malformed('userBuf must be a Uint8Array');
  if (bytes.length < FIXED_BYTES) throw malformed('userBuf is too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  if (version !== 0 && version !== 1) throw malformed('userBuf has an unknown version');
  const accountLength = view.getUint16(1);
  let offset = 3 + accountLength;
  const fixedEnd = offset + 20;
  if (fixedEnd > bytes.length) throw malformed('userBuf account length exceeds the buffer');
  const userId = utf8Decode(bytes.subarray(3, offset));
  if (userId === undefined) throw malformed('userBuf account is not valid UTF-8');
  const sdkAppId = view.getUint32(offset);
  const numericRoomId = view.getUint32(offset + 4);
  const expiresAtSeconds = view.getUint32(offset + 8);
  const privileges = view.getUint32(offset + 12);
  const accountType = view.getUint32(offset + 16);
  offset = fixedEnd;
  let roomId: number | string = numericRoomId;
  if (version === 1) {
    if (offset + 2 > bytes.length) throw malformed('userBuf room length is missing');
    const roomLength = view.getUint16(offset);
    offset += 2;
    if (offset + roomLength > bytes.length) throw malformed('userBuf room exceeds the buffer');
    const room = utf8Decode(bytes.subarray(offset, offset + roomLength));
    if (room === undefined) throw malformed('userBuf room is not valid UTF-8');
    roomId = room;
    offset += roomLength;
  }
  if (offset !== bytes.length) throw malformed('userBuf has trailing bytes');
  return { version, userId, sdkAppId, roomId, expiresAtSeconds, privileges, accountType };
}

function malformed(message: string): ValidationError {
  return new ValidationError({ message });
}
