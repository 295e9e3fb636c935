/**
 * The endpoint's `authenticate`: a request is served only with a live session key whose room
 * and users match the headers TRTC sends, for a session that was not stopped.
 *
 * @module
 */
import type { AuthenticateContext, AuthenticateResult } from '@imbridge/llm';
import { SESSION_EXPIRES_METADATA, SESSION_ID_METADATA } from './session-model.ts';
import type { SessionStore } from './session-store.ts';
import { type SessionTokenFailure, verifySessionToken } from './session-token.ts';

const FAILURE_REASONS: Record<SessionTokenFailure, string> = {
  expired: 'the session key has expired',
  'bad-signature': 'the session key is not signed by this agent',
  'wrong-issuer-or-audience': 'the session key was minted for another endpoint',
  malformed: 'the bearer token is not a session key',
};

/** What the authenticator needs. */
export interface SessionAuthContext {
  /** The HS256 key (resolved per request: the secret may rotate). */
  key: () => Promise<Uint8Array>;
  /** The URL the keys are minted for. */
  apiUrl: string;
  store: SessionStore;
  now: () => number;
}

/**
 * Builds the `authenticate` of a voice agent's endpoint. `X-Room-Id` must be the session's room,
 * `X-Room-Id-Type` (when sent) its type, `X-Sdk-App-Id` (when sent) its app, and `X-User-Id` the
 * user the agent listens to or the agent itself (TRTC's docs do not say which one it sends). A
 * state failure while checking for a stop throws: logged as an error, answered 401.
 */
export function createSessionAuthenticator(
  context: SessionAuthContext,
): (request: AuthenticateContext) => Promise<AuthenticateResult> {
  return async ({ apiKey, metadata }) => {
    if (apiKey === undefined || apiKey === '') return { refused: 'no bearer token' };
    const check = await verifySessionToken(
      await context.key(),
      context.apiUrl,
      apiKey,
      context.now(),
    );
    if (!check.valid) return { refused: FAILURE_REASONS[check.failure] };
    const { claims } = check;
    if (metadata.roomId !== claims.roomId) {
      return { refused: 'X-Room-Id is not the room of the session' };
    }
    if (metadata.roomIdType !== undefined && metadata.roomIdType !== String(claims.roomIdType)) {
      return { refused: 'X-Room-Id-Type is not the room type of the session' };
    }
    if (metadata.sdkAppId !== undefined && metadata.sdkAppId !== String(claims.sdkAppId)) {
      return { refused: 'X-Sdk-App-Id is not the app of the session' };
    }
    if (metadata.userId !== claims.targetUserId && metadata.userId !== claims.agentUserId) {
      return { refused: 'X-User-Id is not a user of the session' };
    }
    if (await context.store.isRevoked(claims.keyId)) {
      return { refused: 'the session was stopped' };
    }
    return {
      metadata: {
        [SESSION_ID_METADATA]: claims.sessionId,
        [SESSION_EXPIRES_METADATA]: String(claims.expiresAtMs),
      },
      user: claims.targetUserId,
    };
  };
}
