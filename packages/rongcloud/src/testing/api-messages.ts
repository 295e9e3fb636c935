/**
 * The message APIs of the local RongCloud (form bodies): private and group publish, and recall.
 * `content` is a string holding the content's JSON; several receivers are repeated fields
 * (`toUserId=a&toUserId=b`).
 *
 * Emulator assumptions (the vendor documents the fields, not these rules): an `RC:TxtMsg`
 * content needs a string `content`; a group must have been created with `createGroup`; a
 * publish answers `messageUIDs` (`[{ userId | groupId, messageUID }]`, one message stored per
 * receiver) and, for a single receiver, `messageUID`; recall checks that the message exists in
 * the conversation named by `conversationType` (1 private, 3 group) and `targetId` and was sent
 * by `fromUserId` (unless `isAdmin=1`), does not compare `sentTime`, and answers 200 again for a
 * message already recalled.
 *
 * @module
 * @see https://docs.rongcloud.cn/platform-chat-api/message/send-private
 */
import { type ApiHandlers, oneToken, requireGroup } from './api-common.ts';
import { failParameter } from './error-codes.ts';
import { type LocalRongCloudState, storeMessage } from './store.ts';
import {
  formContent,
  formList,
  formText,
  formToObject,
  type JsonObject,
  optionalFormFlag,
} from './wire.ts';

const USER_ID_LIMITS = { max: 64, unit: 'bytes' } as const;
const ANY_LENGTH = { max: Number.MAX_SAFE_INTEGER } as const;
const MAX_PRIVATE_RECEIVERS = 1000;
const MAX_GROUPS = 3;

/** Flags checked when present: `0`/`1` or `true`/`false`. */
const FLAG_FIELDS = [
  'isPersisted',
  'isIncludeSender',
  'isCounted',
  'verifyBlacklist',
  'contentAvailable',
  'isMentioned',
  'expansion',
  'disablePush',
  'disableUpdateLastMsg',
] as const;

/** Handlers of `/message/private/publish.json`, `/message/group/publish.json` and `/message/recall.json`. */
export function messageHandlers(state: LocalRongCloudState): ApiHandlers {
  return [
    [
      '/message/private/publish.json',
      { format: 'form', prepare: (form) => publishPrivate(state, form) },
    ],
    [
      '/message/group/publish.json',
      { format: 'form', prepare: (form) => publishGroup(state, form) },
    ],
    ['/message/recall.json', { format: 'form', prepare: (form) => recall(state, form) }],
  ];
}

/** The fields every publish shares: sender, object name, content and flags. */
function readPublishFields(form: URLSearchParams) {
  const fromUserId = formText(form, 'fromUserId', USER_ID_LIMITS);
  const objectName = formText(form, 'objectName', ANY_LENGTH);
  const content = formContent(form);
  if (objectName === 'RC:TxtMsg' && typeof content.content !== 'string') {
    failParameter('content of an RC:TxtMsg needs a string content field');
  }
  for (const flag of FLAG_FIELDS) optionalFormFlag(form, flag);
  return { fromUserId, objectName, content, wireBody: formToObject(form) };
}

function publishPrivate(state: LocalRongCloudState, form: URLSearchParams) {
  const fields = readPublishFields(form);
  const receivers = formList(form, 'toUserId', MAX_PRIVATE_RECEIVERS, USER_ID_LIMITS);
  return oneToken(() => {
    const messageUIDs = receivers.map((toUserId) => ({
      userId: toUserId,
      messageUID: storeMessage(state, { ...fields, toUserId, origin: 'api' }).messageUID,
    }));
    return singleAndAll(messageUIDs);
  });
}

function publishGroup(state: LocalRongCloudState, form: URLSearchParams) {
  const fields = readPublishFields(form);
  const groupIds = formList(form, 'toGroupId', MAX_GROUPS, USER_ID_LIMITS);
  if (form.has('toUserId')) formList(form, 'toUserId', MAX_PRIVATE_RECEIVERS, USER_ID_LIMITS);
  return {
    // RongCloud limits group messages, not calls: one token per group.
    tokens: groupIds.length,
    run: () => {
      for (const groupId of groupIds) requireGroup(state, groupId);
      const messageUIDs = groupIds.map((groupId) => ({
        groupId,
        messageUID: storeMessage(state, { ...fields, groupId, origin: 'api' }).messageUID,
      }));
      return singleAndAll(messageUIDs);
    },
  };
}

function singleAndAll(messageUIDs: Array<JsonObject & { messageUID: string }>): JsonObject {
  const [only] = messageUIDs;
  return messageUIDs.length === 1 && only !== undefined
    ? { messageUID: only.messageUID, messageUIDs }
    : { messageUIDs };
}

function recall(state: LocalRongCloudState, form: URLSearchParams) {
  const fromUserId = formText(form, 'fromUserId', USER_ID_LIMITS);
  const targetId = formText(form, 'targetId', USER_ID_LIMITS);
  const messageUID = formText(form, 'messageUID', ANY_LENGTH);
  const sentTime = formText(form, 'sentTime', ANY_LENGTH);
  if (!/^\d{1,15}$/.test(sentTime)) failParameter('sentTime must be milliseconds since the epoch');
  const conversationType = formText(form, 'conversationType', ANY_LENGTH);
  if (conversationType !== '1' && conversationType !== '3') {
    failParameter('conversationType must be 1 (private) or 3 (group)');
  }
  const isAdmin = optionalFormFlag(form, 'isAdmin') === true;
  for (const flag of ['isDelete', 'disablePush', 'disableUpdateLastMsg']) {
    optionalFormFlag(form, flag);
  }
  return oneToken(() => {
    const message = state.messagesByUID.get(messageUID);
    const inConversation =
      message !== undefined &&
      (conversationType === '3'
        ? message.groupId === targetId
        : message.groupId === undefined &&
          ((message.fromUserId === fromUserId && message.toUserId === targetId) ||
            (message.fromUserId === targetId && message.toUserId === fromUserId)));
    if (message === undefined || !inConversation) {
      failParameter(`message ${messageUID} does not exist in this conversation`);
    }
    if (!isAdmin && message.fromUserId !== fromUserId) {
      failParameter(`message ${messageUID} was not sent by ${fromUserId}`);
    }
    if (!message.recalled) {
      message.recalled = true;
      message.recalledAtMs = state.config.now();
    }
    return {};
  });
}
