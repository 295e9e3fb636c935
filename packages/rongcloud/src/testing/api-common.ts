/**
 * What the Server API handlers of the local RongCloud share: the handler shape (check the
 * parameters, then run) and lookups several APIs make.
 *
 * @module
 */
import type { LocalRongCloudAPI } from './apis.ts';
import { failParameter } from './error-codes.ts';
import type { LocalRongCloudState, StoredBot, StoredGroup } from './store.ts';
import type { JsonObject } from './wire.ts';

/**
 * A call whose parameters were checked: the rate-limit tokens it takes and what it does. `run`
 * may still reject the call (with 1002) on the state — an unknown bot, the 11th bot…
 */
export interface PreparedCall {
  /** Tokens the call takes from its API's rate-limit bucket. */
  tokens: number;
  /** Applies the call to the state and returns the answer's fields beside `code: 200`. */
  run(): JsonObject;
}

/**
 * Answers one API: `prepare` checks the parameters of the parsed body (throwing a `RestFailure`
 * with 1002, see `failParameter`) and returns the call to run once the rate limit allows it.
 */
export type ApiHandler =
  | { format: 'form'; prepare(form: URLSearchParams): PreparedCall }
  | { format: 'json'; prepare(body: JsonObject): PreparedCall };

/** Handlers by API path. */
export type ApiHandlers = ReadonlyArray<readonly [api: LocalRongCloudAPI, handler: ApiHandler]>;

/** A call that takes one token. */
export function oneToken(run: () => JsonObject): PreparedCall {
  return { tokens: 1, run };
}

/** The group `groupId`; answers 1002 when it does not exist. */
export function requireGroup(state: LocalRongCloudState, groupId: string): StoredGroup {
  const group = state.groups.get(groupId);
  if (group === undefined) failParameter(`group ${groupId} does not exist`);
  return group;
}

/** The bot `userId`; answers 1002 when it does not exist. */
export function requireBot(state: LocalRongCloudState, userId: string): StoredBot {
  const bot = state.bots.get(userId);
  if (bot === undefined) failParameter(`bot ${userId} does not exist`);
  return bot;
}
