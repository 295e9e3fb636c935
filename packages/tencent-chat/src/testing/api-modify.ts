/**
 * REST APIs of the local Tencent Cloud Chat that change sent messages: `modify_c2c_msg`,
 * `modify_group_msg`, `admin_msgwithdraw` and `group_msg_recall`.
 *
 * @module
 */
import { utf8ByteLength } from '@imbridge/core';
import { z } from 'zod';
import {
  optionalCloudCustomData,
  type RestHandlers,
  requireGroup,
  requireReceiver,
} from './api-common.ts';
import { LOCAL_TENCENT_CHAT_ERROR_CODES as CODES, fail } from './error-codes.ts';
import { addVersion, findGroupMessage, type LocalChatState, type StoredMessage } from './store.ts';
import {
  checkSize,
  type JsonObject,
  parseMessageBody,
  readString,
  readUint32,
  uint32Schema,
} from './wire.ts';

const MAX_RECALL_SEQUENCES = 10;
const MAX_RECALL_REASON_BYTES = 100;
const MSG_KEY_PATTERN = /^\d{1,10}_\d{1,10}_\d{1,10}$/;
const recallListSchema = z
  .array(z.object({ MsgSeq: uint32Schema }))
  .min(1)
  .max(MAX_RECALL_SEQUENCES);

/** Handlers of the modify, withdraw and recall APIs. */
export function modifyHandlers(state: LocalChatState): RestHandlers {
  return [
    [
      'openim/modify_c2c_msg',
      (body) => {
        applyModification(state, findC2CMessage(state, body), body, CODES.invalidMsgBody);
        return {};
      },
    ],
    ['openim/modify_group_msg', (body) => modifyGroupMessage(state, body)],
    ['openim/admin_msgwithdraw', (body) => withdrawC2CMessage(state, body)],
    ['group_open_http_svc/group_msg_recall', (body) => recallGroupMessages(state, body)],
  ];
}

/**
 * The C2C message `From_Account`, `To_Account` and `MsgKey` name; answers 90008, 90003, 90054
 * or 20022.
 */
function findC2CMessage(state: LocalChatState, body: JsonObject): StoredMessage {
  const from = readString(body, 'From_Account');
  if (from === undefined || !state.accounts.has(from)) {
    fail(CODES.fromAccountNotFound, 'From_Account is missing or does not exist');
  }
  const to = requireReceiver(state, body);
  const msgKey = readString(body, 'MsgKey');
  if (msgKey === undefined || !MSG_KEY_PATTERN.test(msgKey)) {
    fail(CODES.invalidMsgKey, 'MsgKey is missing or invalid');
  }
  const message = state.c2cByKey.get(msgKey);
  if (message === undefined || message.from !== from || message.to !== to) {
    fail(CODES.messageNotFound, `message ${msgKey} does not exist`);
  }
  return message;
}

function applyModification(
  state: LocalChatState,
  message: StoredMessage,
  body: JsonObject,
  formatErrorCode: number,
): void {
  if (message.recalled) fail(CODES.messageRecalled, 'message has been withdrawn');
  const cloudCustomData = optionalCloudCustomData(body, formatErrorCode);
  const hasBody = body.MsgBody !== undefined;
  if (!hasBody && cloudCustomData === undefined) {
    fail(formatErrorCode, 'MsgBody or CloudCustomData is required');
  }
  let elements = message.elements;
  if (hasBody) {
    const parsed = parseMessageBody(body.MsgBody, formatErrorCode);
    checkSize(parsed.wire, state.config.maxMessageBytes);
    elements = parsed.elements;
  }
  if (cloudCustomData !== undefined) message.cloudCustomData = cloudCustomData;
  addVersion(state, message, elements);
}

function modifyGroupMessage(state: LocalChatState, body: JsonObject): JsonObject {
  const group = requireGroup(state, body);
  const msgSeq = readUint32(body, 'MsgSeq');
  if (msgSeq === undefined) fail(CODES.invalidParameter, 'MsgSeq must be a uint32');
  const message = findGroupMessage(state, group.groupId, msgSeq);
  if (message === undefined) fail(CODES.messageNotFound, `message ${msgSeq} does not exist`);
  applyModification(state, message, body, CODES.invalidParameter);
  return {};
}

function withdrawC2CMessage(state: LocalChatState, body: JsonObject): JsonObject {
  const message = findC2CMessage(state, body);
  if (message.recalled) fail(CODES.messageRecalled, 'message has already been withdrawn');
  message.recalled = true;
  message.recalledAtMs = state.config.now();
  return {};
}

function recallGroupMessages(state: LocalChatState, body: JsonObject): JsonObject {
  const group = requireGroup(state, body);
  const list = recallListSchema.safeParse(body.MsgSeqList);
  if (!list.success) {
    fail(CODES.invalidParameter, `MsgSeqList must hold 1 to ${MAX_RECALL_SEQUENCES} {MsgSeq}`);
  }
  const reason = body.Reason;
  if (
    reason !== undefined &&
    (typeof reason !== 'string' || utf8ByteLength(reason) > MAX_RECALL_REASON_BYTES)
  ) {
    fail(CODES.invalidParameter, 'Reason must be a string of at most 100 bytes');
  }
  const results = list.data.map(({ MsgSeq }) => {
    const message = findGroupMessage(state, group.groupId, MsgSeq);
    if (message === undefined) return { MsgSeq, RetCode: CODES.messageNotFound };
    if (message.recalled) return { MsgSeq, RetCode: CODES.messageRecalled };
    message.recalled = true;
    message.recalledAtMs = state.config.now();
    return { MsgSeq, RetCode: 0 };
  });
  return { RecallRetList: results };
}
