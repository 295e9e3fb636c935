/**
 * How deeply JSON text nests, measured by a flat scan of its characters (no recursion, no
 * parse), so that text nested far too deeply is refused before anything is built from it.
 */

/**
 * The deepest nesting of arrays and objects `parseJsonText` accepts by default: 64 levels.
 * Webhook bodies (Tencent Cloud Chat callbacks nest about 5 deep), OpenAI-style request bodies
 * (about 6 with content parts) and vendor answers stay far below it.
 */
export const DEFAULT_MAX_JSON_DEPTH = 64;

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const OPEN_BRACKET = 0x5b; // [
const CLOSE_BRACKET = 0x5d; // ]
const OPEN_BRACE = 0x7b; // {
const CLOSE_BRACE = 0x7d; // }

/**
 * The index of the quote that closes the string opened at `open`: the next `"` not preceded by an
 * odd number of backslashes (`\"` is escaped, `\\"` is not); -1 when there is none. Jumps with
 * `indexOf`, so long strings cost little.
 */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end !== -1) {
    let backslashes = 0;
    // Stops at the opening quote at the latest.
    for (let back = end - 1; text.charCodeAt(back) === BACKSLASH; back -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/**
 * The deepest nesting of arrays and objects in JSON text, scanning at most until it passes
 * `stopAbove`: `0` for a scalar, `1` for `[]` or `{"a":1}`, `2` for `[[1]]`. Brackets and braces
 * inside strings (escaped quotes included) do not count. Runs in one pass over the characters with
 * constant stack, whatever the input; text that is not JSON gets a number too (its parse fails
 * anyway).
 *
 * @param stopAbove the scan stops as soon as the depth exceeds it, returning `stopAbove + 1`.
 */
export function jsonNestingDepth(
  text: string,
  stopAbove: number = Number.POSITIVE_INFINITY,
): number {
  let depth = 0;
  let deepest = 0;
  const length = text.length;
  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      index = closingQuote(text, index);
      if (index === -1) return deepest; // an unterminated string: the rest is inside it
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth += 1;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth -= 1;
    }
  }
  return deepest;
}
