/**
 * What the REST API handlers of the local Tencent Cloud Chat share: the handler shape and the
 * checks of sender, group and `CloudCustomData` several APIs make.
 *
 * @module
 */
import { LOCAL_TENCENT_CHAT_ERROR_CODES as CODES, fail } from './error-codes.ts';
import type { Group, LocalChatState } from './store.ts';
import { type JsonObject, readString } from './wire.ts';

/**
 * Answers one REST API: takes the parsed body, returns the answer's fields beside the envelope,
 * or throws a `RestFailure` (see `fail`).
 */
export type RestHandler = (body: JsonObject) => JsonObject;

/** Handlers by API (`{service}/{command}`). */
export type RestHandlers = ReadonlyArray<readonly [api: string, handler: RestHandler]>;

/** `From_Account`, defaulting to the administrator; answers `errorCode` when not imported. */
export function resolveSender(state: LocalChatState, body: JsonObject, errorCode: number): string {
  if (body.From_Account === undefined) return state.config.adminUserId;
  const from = readString(body, 'From_Account');
  if (from === undefined || !state.accounts.has(from)) {
    fail(errorCode, 'From_Account does not exist');
  }
  return from;
}

/** `To_Account`; answers 90003 when missing or not imported. */
export function requireReceiver(state: LocalChatState, body: JsonObject): string {
  const to = readString(body, 'To_Account');
  if (to === undefined || !state.accounts.has(to)) {
    fail(CODES.toAccountNotFound, 'To_Account is missing or does not exist');
  }
  return to;
}

/** The group `GroupId` names; answers 10004 when missing, 10010 when unknown. */
export function requireGroup(state: LocalChatState, body: JsonObject): Group {
  const groupId = readString(body, 'GroupId');
  if (groupId === undefined) fail(CODES.invalidParameter, 'GroupId is required');
  const group = state.groups.get(groupId);
  if (group === undefined) fail(CODES.groupNotFound, `group ${groupId} does not exist`);
  return group;
}

/** `CloudCustomData` when present; answers `errorCode` when it is not a string. */
export function optionalCloudCustomData(body: JsonObject, errorCode: number): string | undefined {
  const value = body.CloudCustomData;
  if (value === undefined) return undefined;
  if (typeof value !== 'string') fail(errorCode, 'CloudCustomData must be a string');
  return value;
}
