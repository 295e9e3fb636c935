import type { APIErrorKind } from '@imbridge/core';

/** How imbridge treats one Tencent Cloud Chat `ErrorCode`. */
export interface TencentErrorClass {
  /** What went wrong. */
  kind: APIErrorKind;
  /** Whether the same call may succeed if retried. */
  retryable: boolean;
}

const table: Record<number, TencentErrorClass> = {};
function classify(codes: number[], kind: APIErrorKind, retryable: boolean): void {
  for (const code of codes) table[code] = { kind, retryable };
}

// Public REST codes (reference §2.4) and message/group/robot private codes.
classify([60007, 60011, 60018, 60019, 10006, 10023], 'rate-limit', true);
classify([60008, 60014], 'timeout', true);
classify([60013, 91000, 20005, 10002], 'server', true);
classify([20004], 'network', true);
classify(
  [
    60004, 60005, 60006, 60010, 60016, 60017, 60021, 70001, 70003, 70009, 70013, 70014, 70016,
    70020, 70050, 70051, 90009,
  ],
  'auth',
  false,
);
classify(
  [60002, 60003, 60009, 60012, 60015, 90001, 90002, 90005, 90026, 10004, 30001],
  'invalid-request',
  false,
);
classify([90003, 90008, 90054, 20022, 20023, 10010, 10015, 70107], 'not-found', false);
classify([60020, 10008], 'quota', false);
classify([80001], 'content-filter', false);

/**
 * Classifies a Tencent Cloud Chat `ErrorCode` (kind and retryability). Unknown codes are
 * `unknown` and not retried.
 *
 * @see https://cloud.tencent.com/document/product/269/1519 (REST API error codes)
 */
export function classifyTencentError(code: number): TencentErrorClass {
  return table[code] ?? { kind: 'unknown', retryable: false };
}

/** `ErrorCode` meaning the admin UserSig expired: renewed and retried once. */
export const USER_SIG_EXPIRED_CODE = 70001;
