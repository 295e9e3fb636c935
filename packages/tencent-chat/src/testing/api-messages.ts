/**
 * REST APIs of the local Tencent Cloud Chat that send messages: C2C `sendmsg` and
 * `send_group_msg`, with Tencent's duplicate windows (C2C: sender + `MsgSeq` + `MsgRandom` +
 * content for 120 s; group: `Random` + content for 5 minutes).
 *
 * @module
 */
import {
  optionalCloudCustomData,
  type RestHandlers,
  requireGroup,
  requireReceiver,
  resolveSender,
} from './api-common.ts';
import {
  C2C_DEDUPE_WINDOW_MS,
  createDedupeWindow,
  type DedupeWindow,
  GROUP_DEDUPE_WINDOW_MS,
} from './dedupe-window.ts';
import { LOCAL_TENCENT_CHAT_ERROR_CODES as CODES, fail } from './error-codes.ts';
import {
  type LocalChatState,
  nextC2CSequence,
  nowSeconds,
  type StoredMessage,
  sortedPair,
  storeMessage,
} from './store.ts';
import { checkSize, type JsonObject, parseMessageBody, readUint32 } from './wire.ts';

/** Handlers of `openim/sendmsg` and `group_open_http_svc/send_group_msg`. */
export function messageHandlers(state: LocalChatState): RestHandlers {
  const c2cSent = createDedupeWindow(C2C_DEDUPE_WINDOW_MS);
  const groupSent = createDedupeWindow(GROUP_DEDUPE_WINDOW_MS);
  return [
    ['openim/sendmsg', (body) => sendC2C(state, c2cSent, body)],
    ['group_open_http_svc/send_group_msg', (body) => sendGroup(state, groupSent, body)],
  ];
}

function sendC2C(state: LocalChatState, sent: DedupeWindow, body: JsonObject): JsonObject {
  const from = resolveSender(state, body, CODES.fromAccountNotFound);
  const to = requireReceiver(state, body);
  const random = readUint32(body, 'MsgRandom');
  if (random === undefined) fail(CODES.invalidMsgRandom, 'MsgRandom must be a uint32');
  const requestedSeq = body.MsgSeq === undefined ? undefined : readUint32(body, 'MsgSeq');
  if (body.MsgSeq !== undefined && requestedSeq === undefined) {
    fail(CODES.invalidJson, 'MsgSeq must be a uint32');
  }
  const { wire, elements } = parseMessageBody(body.MsgBody, CODES.invalidMsgBody);
  checkSize(wire, state.config.maxMessageBytes);
  const cloudCustomData = optionalCloudCustomData(body, CODES.invalidJson);
  const atMs = state.config.now();
  const answer = (message: StoredMessage): JsonObject => ({
    MsgTime: message.msgTimeSeconds,
    MsgKey: message.msgKey,
    MsgId: message.msgId,
  });
  // Without a MsgSeq every call gets a fresh one, so only caller-chosen ones can repeat.
  const dedupeKey =
    requestedSeq === undefined ? undefined : JSON.stringify([from, requestedSeq, random, wire]);
  if (dedupeKey !== undefined) {
    const duplicate = sent.find(dedupeKey, atMs);
    if (duplicate !== undefined) return answer(duplicate);
  }
  const message = storeMessage(state, {
    conversation: { type: 'c2c', userIds: sortedPair(from, to) },
    from,
    to,
    msgSeq: requestedSeq ?? nextC2CSequence(state),
    msgRandom: random,
    msgTimeSeconds: readUint32(body, 'MsgTimeStamp') ?? nowSeconds(state),
    elements,
    onlineOnly: body.MsgLifeTime === 0,
    origin: 'rest',
    cloudCustomData,
  });
  if (dedupeKey !== undefined) sent.remember(dedupeKey, message, atMs);
  return answer(message);
}

function sendGroup(state: LocalChatState, sent: DedupeWindow, body: JsonObject): JsonObject {
  const group = requireGroup(state, body);
  const random = readUint32(body, 'Random');
  if (random === undefined) fail(CODES.invalidParameter, 'Random must be a uint32');
  const from = resolveSender(state, body, CODES.invalidParameter);
  const { wire, elements } = parseMessageBody(body.MsgBody, CODES.invalidParameter);
  checkSize(wire, state.config.maxMessageBytes);
  const cloudCustomData = optionalCloudCustomData(body, CODES.invalidParameter);
  const atMs = state.config.now();
  const dedupeKey = JSON.stringify([group.groupId, random, wire]);
  const duplicate = sent.find(dedupeKey, atMs);
  if (duplicate !== undefined) {
    return { MsgTime: duplicate.msgTimeSeconds, MsgSeq: duplicate.msgSeq };
  }
  group.lastSeq += 1;
  const message = storeMessage(state, {
    conversation: { type: 'group', groupId: group.groupId },
    from,
    groupId: group.groupId,
    msgSeq: group.lastSeq,
    msgRandom: random,
    msgTimeSeconds: nowSeconds(state),
    elements,
    onlineOnly: body.OnlineOnlyFlag === 1,
    origin: 'rest',
    cloudCustomData,
  });
  sent.remember(dedupeKey, message, atMs);
  return { MsgTime: message.msgTimeSeconds, MsgSeq: message.msgSeq, MsgDropReason: '' };
}
