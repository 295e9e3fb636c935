/**
 * UTF-8 byte length of a string, computed without allocating.
 */
export function utf8ByteLength(text: string, from = 0): number {
  let bytes = 0;
  const length = text.length;
  for (let index = from; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && index + 1 < length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        index += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

const BREAK_AFTER = new Set([
  '\n',
  ' ',
  '\t',
  '。',
  '！',
  '？',
  '，',
  '；',
  '、',
  '.',
  '!',
  '?',
  ',',
  ';',
]);

/**
 * Where to cut `text` so the head fits in `maxBytes` UTF-8 bytes: never inside a surrogate
 * pair, preferably after a line break, else after a space or sentence punctuation (CJK
 * included) found in the last quarter, else at the byte limit. Returns a character index ≥ 1
 * (a single character wider than `maxBytes` is still cut after it, so progress is guaranteed).
 */
export function findCutIndex(text: string, maxBytes: number): number {
  let bytes = 0;
  let index = 0;
  const length = text.length;
  while (index < length) {
    const code = text.charCodeAt(index);
    let width = 1;
    let units = 1;
    if (code >= 0x80) width = code < 0x800 ? 2 : 3;
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        width = 4;
        units = 2;
      }
    }
    if (bytes + width > maxBytes) break;
    bytes += width;
    index += units;
  }
  if (index >= length) return length;
  if (index === 0) {
    const code = text.charCodeAt(0);
    return code >= 0xd800 && code <= 0xdbff && length > 1 ? 2 : 1;
  }
  const floor = Math.floor(index * 0.75);
  const newline = text.lastIndexOf('\n', index - 1);
  if (newline >= floor) return newline + 1;
  for (let cut = index - 1; cut >= floor; cut -= 1) {
    if (BREAK_AFTER.has(text.charAt(cut))) return cut + 1;
  }
  return index;
}
