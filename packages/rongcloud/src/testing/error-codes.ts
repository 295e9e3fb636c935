/**
 * The codes the local RongCloud answers, the HTTP status each one travels with, and the failure
 * API handlers throw to answer one.
 *
 * @module
 */

/**
 * Every `code` the local RongCloud answers, with the HTTP status RongCloud's status-code table
 * pairs it with. Which call answers which code is the emulator's choice where the vendor is
 * silent (marked "emulator assumption"); the codes and their HTTP statuses are RongCloud's.
 *
 * @example
 * ```ts
 * expect(answer).toMatchObject({ code: LOCAL_RONGCLOUD_ERROR_CODES.rateLimited }); // 1008, HTTP 429
 * ```
 * @see https://docs.rongcloud.cn/platform-chat-api/api-status-code
 */
export const LOCAL_RONGCLOUD_ERROR_CODES = {
  /** Success (HTTP 200). */
  ok: 200,
  /** Unknown path (HTTP 404). */
  notFound: 404,
  /** Internal error (HTTP 500); what `failNext(api, 1000)` answers. */
  internalError: 1000,
  /**
   * Parameter error (HTTP 400): a wrong content type, a missing, malformed or too long field, a
   * limit (10 bots, 20 ids, 3 groups…), an unknown bot, message or group, a stream rule. Emulator
   * assumption: RongCloud also has 1005 ("parameter length over limit"); the emulator answers
   * 1002 for every parameter problem, as the official Java SDK's local checks do.
   */
  parameterError: 1002,
  /** No POST data: another method than POST, or an empty body (HTTP 400). */
  noPostData: 1003,
  /**
   * Signature error (HTTP 401): an authentication header missing or malformed, an unknown App
   * Key, a nonce over 18 characters, a signature that does not match (usually the App Key used
   * where the App Secret belongs), or a stale timestamp when `timestampToleranceMs` is set.
   */
  signatureError: 1004,
  /** Call rate over the API's limit (HTTP 429). */
  rateLimited: 1008,
} as const;

/** HTTP status of each code, from RongCloud's status-code table. */
const HTTP_STATUS_OF_CODE: Readonly<Record<number, number>> = {
  200: 200,
  404: 404,
  1000: 500,
  1001: 401,
  1002: 400,
  1003: 400,
  1004: 401,
  1005: 400,
  1006: 401,
  1007: 401,
  1008: 429,
  1009: 430,
  1015: 200,
  1016: 403,
  1050: 504,
  2007: 403,
};

/** The HTTP status `code` travels with (RongCloud's table; 400 for codes it does not list). */
export function httpStatusOf(code: number): number {
  return HTTP_STATUS_OF_CODE[code] ?? 400;
}

/** A Server API call rejected with a vendor `code`; the dispatcher answers it as an envelope. */
export class RestFailure extends Error {
  /** The `code` to answer. */
  readonly code: number;
  constructor(code: number, errorMessage: string) {
    super(errorMessage);
    this.name = 'RestFailure';
    this.code = code;
  }
}

/** Rejects the current call: it answers `code` with `errorMessage`. */
export function fail(code: number, errorMessage: string): never {
  throw new RestFailure(code, errorMessage);
}

/** Rejects the current call with 1002 (parameter error) and `errorMessage`. */
export function failParameter(errorMessage: string): never {
  throw new RestFailure(LOCAL_RONGCLOUD_ERROR_CODES.parameterError, errorMessage);
}
