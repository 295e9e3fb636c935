/**
 * The key a voice agent gives TRTC as `LLMConfig.APIKey`: a short-lived JWT (HS256, signed with
 * jose) that names the session, the room and the users, so that the endpoint can tell which
 * session a request belongs to and refuse everything else.
 *
 * @module
 */
/** jose, loaded with the first key minted or checked (not at import: it is most of a cold start). */
let jose: Promise<typeof import('jose')> | undefined;
function loadJose(): Promise<typeof import('jose')> {
  jose ??= import('jose');
  return jose;
}

/** What a voice agent's key says, in the agent's vocabulary (the JWT's claims are short names). */
export interface VoiceSessionClaims {
  /** The voice session (the `SessionId` the conversation was started with). */
  sessionId: string;
  /** The TRTC application. */
  sdkAppId: number;
  /** The room, as TRTC sends it in `X-Room-Id` (always text). */
  roomId: string;
  /** `0` for a numeric room, `1` for a string room (`X-Room-Id-Type`). */
  roomIdType: 0 | 1;
  /** The user the agent listens to. */
  targetUserId: string;
  /** The agent's own TRTC user. */
  agentUserId: string;
  /** When the key stops being accepted, in milliseconds since the epoch. */
  expiresAtMs: number;
  /** The key's own id (claim `jti`): a stop revokes exactly the key its task was started with. */
  keyId: string;
}

/** Who issues the keys (`iss`). */
export const SESSION_TOKEN_ISSUER = 'imbridge/trtc/voice-agent';

const ALGORITHM = 'HS256';
/** Seconds of clock difference accepted between the instance that minted and the one checking. */
const CLOCK_TOLERANCE_SECONDS = 5;
const encoder = new TextEncoder();
const KEY_LABEL = encoder.encode('imbridge trtc voice-agent session key v1');

/**
 * The HS256 key of the session tokens, derived from a secret (HMAC-SHA256 of a fixed label with
 * the secret as key): every instance with the same secret derives the same key, and the secret
 * itself never signs anything else than it is meant to.
 */
export async function deriveSessionKey(secret: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, KEY_LABEL));
}

/** Mints the key of one session, valid from `nowMs` until `claims.expiresAtMs`. */
export async function mintSessionToken(
  key: Uint8Array,
  audience: string,
  claims: VoiceSessionClaims,
  nowMs: number,
): Promise<string> {
  const { SignJWT } = await loadJose();
  return new SignJWT({
    sid: claims.sessionId,
    app: claims.sdkAppId,
    room: claims.roomId,
    rt: claims.roomIdType,
    bot: claims.agentUserId,
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(SESSION_TOKEN_ISSUER)
    .setAudience(audience)
    .setSubject(claims.targetUserId)
    .setIssuedAt(Math.floor(nowMs / 1000))
    .setExpirationTime(Math.floor(claims.expiresAtMs / 1000))
    .setJti(claims.keyId)
    .sign(key);
}

/** Why a presented key was not accepted. */
export type SessionTokenFailure =
  | 'expired'
  | 'bad-signature'
  | 'wrong-issuer-or-audience'
  | 'malformed';

/** The outcome of {@link verifySessionToken}. */
export type SessionTokenCheck =
  | { valid: true; claims: VoiceSessionClaims }
  | { valid: false; failure: SessionTokenFailure };

function isRoomIdType(value: unknown): value is 0 | 1 {
  return value === 0 || value === 1;
}

/**
 * Checks a presented key: HS256 only (a token naming another algorithm, `none` included, is
 * refused), signed with `key`, issued by a voice agent for `audience`, not expired, with every
 * claim present and of the right type.
 */
export async function verifySessionToken(
  key: Uint8Array,
  audience: string,
  token: string,
  nowMs: number,
): Promise<SessionTokenCheck> {
  const { errors, jwtVerify } = await loadJose();
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer: SESSION_TOKEN_ISSUER,
      audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(nowMs),
      requiredClaims: ['exp', 'sub', 'jti'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { valid: false, failure: 'expired' };
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return { valid: false, failure: 'bad-signature' };
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      return { valid: false, failure: 'wrong-issuer-or-audience' };
    }
    return { valid: false, failure: 'malformed' };
  }
  const { sid, app, room, rt, bot, sub, exp, jti } = payload;
  if (
    typeof sid !== 'string' ||
    typeof app !== 'number' ||
    typeof room !== 'string' ||
    !isRoomIdType(rt) ||
    typeof bot !== 'string' ||
    typeof sub !== 'string' ||
    typeof exp !== 'number' ||
    typeof jti !== 'string'
  ) {
    return { valid: false, failure: 'malformed' };
  }
  return {
    valid: true,
    claims: {
      sessionId: sid,
      sdkAppId: app,
      roomId: room,
      roomIdType: rt,
      targetUserId: sub,
      agentUserId: bot,
      expiresAtMs: exp * 1000,
      keyId: jti,
    },
  };
}
