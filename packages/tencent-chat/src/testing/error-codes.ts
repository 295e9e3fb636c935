/**
 * The error codes the local Tencent Cloud Chat answers, and the failure REST handlers throw to
 * answer one.
 *
 * @module
 */

/**
 * Every error code the local server returns. Codes marked "emulator assumption" are ones the
 * vendor documentation does not pin down; the rest are documented Tencent Cloud Chat codes.
 *
 * @example
 * ```ts
 * expect(answer.ErrorCode).toBe(LOCAL_TENCENT_CHAT_ERROR_CODES.rateLimited); // 60007
 * ```
 * @see https://cloud.tencent.com/document/product/679/131708
 */
export const LOCAL_TENCENT_CHAT_ERROR_CODES = {
  /** Bad URL: not POST, `random` not a uint32, `contenttype` not `json` (emulator assumption). */
  badRequestUrl: 60002,
  /** `identifier` or `usersig` missing from the URL (emulator assumption). */
  missingIdentifierOrUserSig: 60004,
  /** `sdkappid` in the URL is not this app's. */
  invalidSdkAppId: 60006,
  /** More than `apiCallsPerSecond` calls of one API within a second. */
  rateLimited: 60007,
  /** Unknown `/v4/{service}/{command}`. */
  badResource: 60009,
  /** `identifier` is not the app administrator. */
  adminRequired: 60010,
  /** `sdkappid` missing from the URL. */
  missingSdkAppId: 60012,
  /** UserSig expired. */
  userSigExpired: 70001,
  /** UserSig cannot be parsed. */
  userSigMalformed: 70003,
  /** UserSig signature does not verify with the secret key. */
  userSigMismatch: 70009,
  /** UserSig was issued for another user than `identifier`. */
  userSigUserIdMismatch: 70013,
  /** UserSig was issued for another SDKAppID. */
  userSigSdkAppIdMismatch: 70014,
  /** Account not imported (friend_add accounts). */
  accountNotFound: 70107,
  /** `account_import` with a missing or too long `UserID` (emulator assumption). */
  accountInvalid: 70402,
  /** Robot and group APIs: invalid parameter. */
  invalidParameter: 10004,
  /** More than 20 robots. */
  robotLimit: 10008,
  /** Group does not exist. */
  groupNotFound: 10010,
  /**
   * More than 5 continuations per second of one native stream message (emulator assumption:
   * Tencent documents the limit, not the code; 10023 is its "message frequency" code).
   */
  streamContinuationRateLimited: 10023,
  /** Message (or stream) to modify, recall or continue does not exist. */
  messageNotFound: 20022,
  /** Message already recalled, or stream already ended (the latter an emulator assumption). */
  messageRecalled: 20023,
  /** `AddFriendItem` not an array, or a malformed friend request. */
  friendDecodeError: 30001,
  /**
   * Message body over `maxMessageBytes`; `ErrorInfo` contains "msg too long" (emulator
   * assumption: the REST code is undocumented, 80002 is the emulator's choice).
   */
  messageTooLong: 80002,
  /** Body is not a JSON object. */
  invalidJson: 90001,
  /** `MsgBody` missing, not an array, or with a malformed element. */
  invalidMsgBody: 90002,
  /** `To_Account` missing or not imported. */
  toAccountNotFound: 90003,
  /** `MsgRandom` missing or not a uint32. */
  invalidMsgRandom: 90005,
  /** `From_Account` missing (where required) or not imported. */
  fromAccountNotFound: 90008,
  /** `MsgKey` missing or malformed. */
  invalidMsgKey: 90054,
} as const;

/** A REST call rejected with a vendor `ErrorCode`; the dispatcher answers it as an envelope. */
export class RestFailure extends Error {
  /** The `ErrorCode` to answer. */
  readonly errorCode: number;
  constructor(errorCode: number, errorInfo: string) {
    super(errorInfo);
    this.name = 'RestFailure';
    this.errorCode = errorCode;
  }
}

/** Rejects the current REST call: it answers `errorCode` with `errorInfo` as `ErrorInfo`. */
export function fail(errorCode: number, errorInfo: string): never {
  throw new RestFailure(errorCode, errorInfo);
}
