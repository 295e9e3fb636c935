/**
 * REST APIs of the local Tencent Cloud Chat for accounts, robots and friends:
 * `account_import`, `create_robot`, `delete_robot`, `get_all_robots` and `friend_add`.
 *
 * @module
 */
import { utf8ByteLength } from '@imbridge/core';
import type { RestHandlers } from './api-common.ts';
import { LOCAL_TENCENT_CHAT_ERROR_CODES as CODES, fail } from './error-codes.ts';
import {
  activeRobotIds,
  addFriend,
  importAccount,
  isActiveRobot,
  type LocalChatState,
} from './store.ts';
import { type JsonObject, jsonObjectSchema, readString } from './wire.ts';

const MAX_ROBOTS = 20;
const ROBOT_PREFIX = '@RBT#';
const MAX_USER_ID_BYTES = 32;

/** Handlers of the account, robot and friend APIs. */
export function accountHandlers(state: LocalChatState): RestHandlers {
  return [
    ['im_open_login_svc/account_import', (body) => accountImport(state, body)],
    ['openim_robot_http_svc/create_robot', (body) => createRobot(state, body)],
    ['openim_robot_http_svc/delete_robot', (body) => deleteRobot(state, body)],
    ['openim_robot_http_svc/get_all_robots', () => ({ Robot_Account: activeRobotIds(state) })],
    ['sns/friend_add', (body) => friendAdd(state, body)],
  ];
}

function accountImport(state: LocalChatState, body: JsonObject): JsonObject {
  // Current docs name the field `UserID`; older pages say `Identifier`. Accept both.
  const userId = readString(body, 'UserID') ?? readString(body, 'Identifier');
  if (userId === undefined || utf8ByteLength(userId) > MAX_USER_ID_BYTES) {
    fail(CODES.accountInvalid, 'UserID is required (at most 32 bytes)');
  }
  importAccount(state, userId, {
    nick: readString(body, 'Nick'),
    faceUrl: readString(body, 'FaceUrl'),
  });
  return {};
}

function createRobot(state: LocalChatState, body: JsonObject): JsonObject {
  const userId = readString(body, 'UserID');
  if (
    userId === undefined ||
    !userId.startsWith(ROBOT_PREFIX) ||
    utf8ByteLength(userId) > MAX_USER_ID_BYTES
  ) {
    fail(CODES.invalidParameter, `UserID must start with ${ROBOT_PREFIX} (at most 32 bytes)`);
  }
  if (isActiveRobot(state, userId)) return {};
  if (activeRobotIds(state).length >= MAX_ROBOTS) {
    fail(CODES.robotLimit, `robot limit reached (${MAX_ROBOTS})`);
  }
  const nick = readString(body, 'Nick');
  const faceUrl = readString(body, 'FaceUrl');
  state.accounts.set(userId, {
    ...state.accounts.get(userId),
    userId,
    isRobot: true,
    robotActive: true,
    ...(nick !== undefined ? { nick } : {}),
    ...(faceUrl !== undefined ? { faceUrl } : {}),
  });
  return {};
}

function deleteRobot(state: LocalChatState, body: JsonObject): JsonObject {
  const robotId = readString(body, 'Robot_Account');
  const account = robotId === undefined ? undefined : state.accounts.get(robotId);
  if (account === undefined || !account.robotActive) {
    fail(CODES.invalidParameter, 'Robot_Account is missing or not an active robot');
  }
  account.robotActive = false;
  return {};
}

function friendAdd(state: LocalChatState, body: JsonObject): JsonObject {
  const from = readString(body, 'From_Account');
  if (from === undefined) fail(CODES.friendDecodeError, 'From_Account is required');
  if (!state.accounts.has(from)) fail(CODES.accountNotFound, `${from} is not imported`);
  const items = body.AddFriendItem;
  if (!Array.isArray(items)) fail(CODES.friendDecodeError, 'AddFriendItem must be an array');
  const addType = body.AddType ?? 'Add_Type_Both';
  if (addType !== 'Add_Type_Both' && addType !== 'Add_Type_Single') {
    fail(CODES.friendDecodeError, 'AddType must be Add_Type_Both or Add_Type_Single');
  }
  const resultItems: JsonObject[] = [];
  const failAccounts: string[] = [];
  for (const item of items) {
    const parsed = jsonObjectSchema.safeParse(item);
    const toAccount = parsed.success ? readString(parsed.data, 'To_Account') : undefined;
    if (!parsed.success || toAccount === undefined) {
      fail(CODES.friendDecodeError, 'AddFriendItem entries need To_Account');
    }
    const addSource = readString(parsed.data, 'AddSource');
    let resultCode = 0;
    let resultInfo = '';
    if (addSource === undefined || !addSource.startsWith('AddSource_Type_')) {
      resultCode = CODES.friendDecodeError;
      resultInfo = 'AddSource must start with AddSource_Type_';
    } else if (!state.accounts.has(toAccount)) {
      resultCode = CODES.accountNotFound;
      resultInfo = `${toAccount} is not imported`;
    } else {
      addFriend(state, from, toAccount);
      if (addType === 'Add_Type_Both') addFriend(state, toAccount, from);
    }
    if (resultCode !== 0) failAccounts.push(toAccount);
    resultItems.push({ To_Account: toAccount, ResultCode: resultCode, ResultInfo: resultInfo });
  }
  return { ResultItem: resultItems, Fail_Account: failAccounts, ErrorDisplay: '' };
}
