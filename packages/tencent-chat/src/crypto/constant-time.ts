/**
 * Compares two strings in time that depends only on `expected`'s length (signatures, tokens).
 */
export function constantTimeEqual(expected: string, actual: string): boolean {
  let difference = expected.length ^ actual.length;
  for (let index = 0; index < expected.length; index += 1) {
    difference |= expected.charCodeAt(index) ^ (actual.charCodeAt(index) | 0);
  }
  return difference === 0;
}
