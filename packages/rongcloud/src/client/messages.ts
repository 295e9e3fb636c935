import { z } from 'zod';
import { RONGCLOUD_CONVERSATION_TYPES } from './message-types.ts';
import { encodeContent, idSchema, jsonField, publishResult } from './message-wire.ts';
import type { RongCloudTransport } from './transport.ts';
import type { RongCloudClient } from './types.ts';
import { callOptions, checkInput, flag } from './wire.ts';

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

function receivers(max: number) {
  return z.union([idSchema, z.array(idSchema).min(1).max(max)], {
    error: `must be an id or an array of 1 to ${max} ids`,
  });
}

const publishFields = {
  fromUserId: idSchema,
  objectName: z.string().min(1),
  pushContent: z.string().optional(),
  pushData: z.string().optional(),
  persisted: z.boolean().optional(),
  includeSender: z.boolean().optional(),
  disablePush: z.boolean().optional(),
  expansion: z.boolean().optional(),
  extraContent: z.record(z.string(), z.string()).optional(),
  disableUpdateLastMessage: z.boolean().optional(),
  busChannel: z.string().optional(),
};

const privateSchema = z.object({
  ...publishFields,
  toUserId: receivers(MAX_PRIVATE_RECEIVERS),
  counted: z.boolean().optional(),
  verifyBlacklist: z.boolean().optional(),
});

const groupSchema = z.object({
  ...publishFields,
  toGroupId: receivers(MAX_GROUP_RECEIVERS),
  toUserId: z.array(idSchema).optional(),
  mentioned: z.boolean().optional(),
});

const recallSchema = z.object({
  fromUserId: idSchema,
  targetId: idSchema,
  conversationType: z.enum(
    Object.keys(RONGCLOUD_CONVERSATION_TYPES) as [keyof typeof RONGCLOUD_CONVERSATION_TYPES],
  ),
  messageUid: z.string().min(1),
  sentTimeMs: z.int().min(0),
  asAdmin: z.boolean().optional(),
  deleteMessage: z.boolean().optional(),
  disablePush: z.boolean().optional(),
  busChannel: z.string().optional(),
  disableUpdateLastMessage: z.boolean().optional(),
});

function list(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

/** The fields every publish call sends after the content, in wire names. */
function commonFields(
  checked: z.infer<z.ZodObject<typeof publishFields>>,
  method: string,
): Record<string, unknown> {
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
      const checked = checkInput(privateSchema, input, method);
      const content = encodeContent(checked.objectName, input.content, method);
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
      return publishResult(body, method);
    },

    async publishGroupMessage(input) {
      const method = 'publishGroupMessage';
      const checked = checkInput(groupSchema, input, method);
      const content = encodeContent(checked.objectName, input.content, method);
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
      return publishResult(body, method);
    },

    async recallMessage(input) {
      const checked = checkInput(recallSchema, input, 'recallMessage');
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
