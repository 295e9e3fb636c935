/**
 * What the wire panel shows is shown without secrets: query parameters that carry a UserSig or a
 * signature, JSON fields that hold keys, tokens or signatures (also inside JSON strings, such as
 * TRTC's `LLMConfig`), and the values of the local secrets wherever they appear.
 *
 * @module
 */
import { LOCAL_RONGCLOUD, LOCAL_TENCENT_CHAT, LOCAL_TRTC } from './local-setup.ts';

/** The mark that replaces a secret. */
export const REDACTED = '[redacted]';

/** Query parameters that hold secrets or signatures (compared lower-cased). */
const SECRET_PARAMETERS = new Set(['usersig', 'sign', 'signature', 'rc-signature', 'token']);

/** JSON keys whose values are secrets. */
const SECRET_KEY_PATTERN =
  /^(usersig|sign|signature|authorization|password|secret|secretkey|apikey|api_key|token|accesstoken|sessiontoken|callbacktoken|appsecret)$/i;

const KNOWN_SECRETS: readonly string[] = [
  LOCAL_TENCENT_CHAT.secretKey,
  LOCAL_TENCENT_CHAT.callbackToken,
  LOCAL_RONGCLOUD.appSecret,
  LOCAL_TRTC.secretKey,
  LOCAL_TRTC.appSecretKey,
  LOCAL_TRTC.callbackKey,
];

/** Longest text of a body kept for the panel, in characters. */
const MAX_BODY_CHARACTERS = 8_000;

/** `text` with every known local secret replaced. */
export function redactText(text: string): string {
  let result = text;
  for (const secret of KNOWN_SECRETS) result = result.split(secret).join(REDACTED);
  return result;
}

/** A path and query string (`/v4/openim/sendmsg?usersig=…`) with secret parameters replaced. */
export function redactPathAndQuery(url: URL): string {
  const parameters = [...url.searchParams].map(([name, value]) => {
    const shown = SECRET_PARAMETERS.has(name.toLowerCase()) ? REDACTED : redactText(value);
    return `${encodeURIComponent(name)}=${shown === REDACTED ? shown : encodeURIComponent(shown)}`;
  });
  return parameters.length === 0 ? url.pathname : `${url.pathname}?${parameters.join('&')}`;
}

function redactValue(value: unknown, depth: number): unknown {
  if (depth > 20) return REDACTED;
  if (typeof value === 'string') {
    const trimmed = value.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      const parsed = parseJson(value);
      if (parsed !== undefined) return redactValue(parsed, depth + 1);
    }
    return redactText(value);
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        SECRET_KEY_PATTERN.test(key) ? REDACTED : redactValue(item, depth + 1),
      ]),
    );
  }
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A body for the panel: parsed JSON with secrets replaced, or the text itself (redacted, cut
 * to 8 000 characters); `undefined` for an empty body.
 */
export function redactBody(text: string): unknown {
  if (text === '') return undefined;
  const parsed = parseJson(text);
  if (parsed !== undefined && text.length <= MAX_BODY_CHARACTERS) return redactValue(parsed, 0);
  const shown = redactText(text);
  return shown.length > MAX_BODY_CHARACTERS ? `${shown.slice(0, MAX_BODY_CHARACTERS)}…` : shown;
}
