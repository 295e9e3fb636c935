/** How many random words one `getRandomValues` call fills: 256 calls' worth. */
const POOL_SIZE = 256;
const pool = new Uint32Array(POOL_SIZE);
let next = POOL_SIZE;

/**
 * A random unsigned 32-bit integer (Tencent's `random`, `MsgRandom` and `Random` fields), from a
 * pool refilled by one `crypto.getRandomValues` call per 256 numbers: the per-call cost of the
 * platform's random source (about 2 % of a reply's CPU at saturation) is paid once per pool.
 * These are uniqueness nonces, not secrets.
 */
export function randomUint32(): number {
  if (next === POOL_SIZE) {
    crypto.getRandomValues(pool);
    next = 0;
  }
  const value = pool[next] ?? 0;
  pool[next] = 0;
  next += 1;
  return value;
}
