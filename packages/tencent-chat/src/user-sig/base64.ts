/**
 * A base64 alphabet: the 64 digit characters in value order, then the padding character.
 */
export interface Base64Alphabet {
  /** Digit characters, index = 6-bit value. */
  readonly digits: readonly string[];
  /** Padding character. */
  readonly padding: string;
  /** Char code → 6-bit value, `-1` for characters outside the alphabet (ASCII only). */
  readonly values: Int8Array;
  /** Char code of {@link Base64Alphabet.padding}. */
  readonly paddingCode: number;
}

function createAlphabet(last2: string, padding: string): Base64Alphabet {
  const digits = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', ...last2];
  const values = new Int8Array(128).fill(-1);
  digits.forEach((digit, value) => {
    values[digit.charCodeAt(0)] = value;
  });
  return { digits, padding, values, paddingCode: padding.charCodeAt(0) };
}

/** RFC 4648 standard base64 (`+`, `/`, `=` padding), used for `TLS.sig` and `TLS.userbuf`. */
export const STANDARD_BASE64: Base64Alphabet = createAlphabet('+/', '=');

/**
 * The UserSig alphabet: standard base64 with `+`→`*`, `/`→`-`, `=`→`_` (padding kept).
 *
 * @see https://www.tencentcloud.com/document/product/1047/34385
 */
export const USER_SIG_BASE64: Base64Alphabet = createAlphabet('*-', '_');

/**
 * Encodes bytes as padded base64 in the given alphabet.
 */
export function encodeBase64(bytes: Uint8Array, alphabet: Base64Alphabet): string {
  const digits = alphabet.digits;
  const length = bytes.length;
  const whole = length - (length % 3);
  let text = '';
  let index = 0;
  for (; index < whole; index += 3) {
    const triple =
      ((bytes[index] ?? 0) << 16) | ((bytes[index + 1] ?? 0) << 8) | (bytes[index + 2] ?? 0);
    text +=
      (digits[triple >>> 18] ?? '') +
      (digits[(triple >>> 12) & 63] ?? '') +
      (digits[(triple >>> 6) & 63] ?? '') +
      (digits[triple & 63] ?? '');
  }
  const rest = length - whole;
  if (rest === 1) {
    const single = bytes[index] ?? 0;
    text +=
      (digits[single >>> 2] ?? '') +
      (digits[(single & 3) << 4] ?? '') +
      alphabet.padding +
      alphabet.padding;
  } else if (rest === 2) {
    const pair = ((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0);
    text +=
      (digits[pair >>> 10] ?? '') +
      (digits[(pair >>> 4) & 63] ?? '') +
      (digits[(pair & 15) << 2] ?? '') +
      alphabet.padding;
  }
  return text;
}

/**
 * Decodes base64 in the given alphabet. Padding is optional, but when present the text must be a
 * whole number of 4-character groups. Returns `undefined` for any character outside the alphabet,
 * misplaced padding or an impossible length; never throws.
 */
export function decodeBase64(
  text: string,
  alphabet: Base64Alphabet,
): Uint8Array<ArrayBuffer> | undefined {
  let end = text.length;
  const paddingCode = alphabet.paddingCode;
  if (end > 0 && text.charCodeAt(end - 1) === paddingCode) {
    end -= 1;
    if (end > 0 && text.charCodeAt(end - 1) === paddingCode) end -= 1;
    if (text.length % 4 !== 0) return undefined;
  }
  const tail = end % 4;
  if (tail === 1) return undefined;
  const output = new Uint8Array(((end - tail) / 4) * 3 + (tail === 0 ? 0 : tail - 1));
  const values = alphabet.values;
  let buffer = 0;
  let bits = 0;
  let position = 0;
  for (let index = 0; index < end; index += 1) {
    const code = text.charCodeAt(index);
    const value = code < 128 ? (values[code] ?? -1) : -1;
    if (value < 0) return undefined;
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      output[position] = (buffer >>> bits) & 0xff;
      position += 1;
    }
  }
  return output;
}
