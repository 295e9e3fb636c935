import { checkInput, parseResponse } from './check.ts';
import type { CheckedPublishFields } from './message-schemas.ts';
import { RONGCLOUD_CONVERSATION_TYPES } from './message-types.ts';
import { encodeContent, jsonField, publishResult } from './message-wire.ts';
import type { RongCloudTransport } from './transport.ts';
import type { RongCloudClient } from './types.ts';
import { callOptions, flag, loadMessageSchemas } from './wire.ts';

/** The message APIs' paths (form bodies). */
export const MESSAGE_PATHS = {
  publishPrivate: 'message/private/publish.json',
  publishGroup: 'message/group/publish.json',
  recall: 'message/recall.json',
} as const;

/** Most receivers of one private publish call. */
export const MAX_PRIVATE_RECEIVERS = 1000;
/** Most groups of one group publish call. */
export const MAX_GROUP_RECEIVERS = 3;

function list(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

/** The fields every publish call sends after the content, in wire names. */
function commonFields(checked: CheckedPublishFields, method: string): Record<string, unknown> {
  return {
    pushContent: checked.pushContent,
    pushData: checked.pushData,
    isPersisted: flag(checked.persisted),
    isIncludeSender: flag(checked.includeSender),
    disablePush: checked.disablePush,
    expansion: checked.expansion,
    extraContent:
      checked.extraContent === undefined
        ? undefined
        : jsonField(checked.extraContent, method, 'extraContent'),
    disableUpdateLastMsg: checked.disableUpdateLastMessage,
    busChannel: checked.busChannel,
  };
}

/** The message methods of the client. */
export type MessageMethods = Pick<
  RongCloudClient,
  'publishPrivateMessage' | 'publishGroupMessage' | 'recallMessage'
>;

/** Builds the message methods on a transport. */
export function messageMethods(transport: RongCloudTransport): MessageMethods {
  return {
    async publishPrivateMessage(input) {
      const method = 'publishPrivateMessage';
      const schemas = await loadMessageSchemas();
      const checked = checkInput(schemas.privateMessageSchema, input, method);
      const content = encodeContent(
        schemas.checkContent(checked.objectName, input.content, method),
        method,
      );
      const body = await transport.call(
        MESSAGE_PATHS.publishPrivate,
        {
          fromUserId: checked.fromUserId,
          toUserId: list(checked.toUserId),
          objectName: checked.objectName,
          content: content.text,
          ...commonFields(checked, method),
          isCounted: flag(checked.counted),
          verifyBlacklist: flag(checked.verifyBlacklist),
        },
        callOptions(input),
      );
      return publishResult(parseResponse(schemas.publishAnswerSchema, body, method));
    },

    async publishGroupMessage(input) {
      const method = 'publishGroupMessage';
      const schemas = await loadMessageSchemas();
      const checked = checkInput(schemas.groupMessageSchema, input, method);
      const content = encodeContent(
        schemas.checkContent(checked.objectName, input.content, method),
        method,
      );
      const body = await transport.call(
        MESSAGE_PATHS.publishGroup,
        {
          fromUserId: checked.fromUserId,
          toGroupId: list(checked.toGroupId),
          toUserId: checked.toUserId,
          objectName: checked.objectName,
          content: content.text,
          ...commonFields(checked, method),
          isMentioned: flag(checked.mentioned ?? (content.hasMentions ? true : undefined)),
        },
        callOptions(input),
      );
      return publishResult(parseResponse(schemas.publishAnswerSchema, body, method));
    },

    async recallMessage(input) {
      const schemas = await loadMessageSchemas();
      const checked = checkInput(schemas.recallSchema, input, 'recallMessage');
      await transport.call(
        MESSAGE_PATHS.recall,
        {
          fromUserId: checked.fromUserId,
          targetId: checked.targetId,
          messageUID: checked.messageUid,
          sentTime: checked.sentTimeMs,
          conversationType: RONGCLOUD_CONVERSATION_TYPES[checked.conversationType],
          isAdmin: flag(checked.asAdmin),
          isDelete: flag(checked.deleteMessage),
          disablePush: checked.disablePush,
          busChannel: checked.busChannel,
          disableUpdateLastMsg: checked.disableUpdateLastMessage,
        },
        callOptions(input),
      );
    },
  };
}
