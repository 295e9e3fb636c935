/** A random unsigned 32-bit integer (Tencent's `random`, `MsgRandom` and `Random` fields). */
export function randomUint32(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}
