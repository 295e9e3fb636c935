import { ValidationError } from '@imbridge/core';
import { randomUint32 } from '../internal/random.ts';
import { toWireMessageBody } from '../messages/elements.ts';
import { replySequence } from './message-keys.ts';
import { readSendC2CAnswer, readSendGroupAnswer } from './send-answers.ts';
import type { TencentChatTransport } from './transport.ts';
import type { TencentChatClient } from './types.ts';
import { callOptions, forbidList, loadResponseSchemas } from './wire.ts';

/** The message APIs of the client: send, modify, withdraw, recall. */
export type MessageMethods = Pick<
  TencentChatClient,
  | 'sendC2CMessage'
  | 'sendGroupMessage'
  | 'modifyC2CMessage'
  | 'modifyGroupMessage'
  | 'withdrawC2CMessage'
  | 'recallGroupMessages'
>;

function requireChange(
  input: { elements?: unknown; cloudCustomData?: unknown },
  api: string,
): void {
  if (input.elements === undefined && input.cloudCustomData === undefined) {
    throw new ValidationError({ message: `${api} needs elements or cloudCustomData` });
  }
}

/**
 * Builds the message methods on a transport. The dedupe keys (`MsgSeq` and `MsgRandom` of a C2C
 * message, `Random` of a group message) are the caller's, or chosen once per call before the
 * transport, so every retried attempt carries the same keys and the same body and Tencent drops
 * the copies of an attempt it stored but could not answer.
 */
export function messageMethods(transport: TencentChatTransport): MessageMethods {
  return {
    async sendC2CMessage(input) {
      const control = [
        ...(input.noUnread === true ? ['NoUnread'] : []),
        ...(input.noLastMessage === true ? ['NoLastMsg'] : []),
      ];
      const body = await transport.call(
        'openim',
        'sendmsg',
        {
          SyncOtherMachine: input.syncToSender === true ? 1 : 2,
          From_Account: input.fromUserId,
          To_Account: input.toUserId,
          MsgLifeTime: input.lifetimeSeconds,
          MsgSeq: input.sequence ?? replySequence(),
          MsgRandom: input.random ?? randomUint32(),
          MsgBody: toWireMessageBody(input.elements),
          CloudCustomData: input.cloudCustomData,
          ForbidCallbackControl: forbidList(input.forbidCallbacks),
          SendMsgControl: control.length > 0 ? control : undefined,
        },
        callOptions(input),
      );
      const answer = readSendC2CAnswer(body);
      if (answer !== undefined) return answer;
      // Not the documented answer: the schema says what is wrong, as a typed error.
      const { parseResponse, sendC2CSchema } = await loadResponseSchemas();
      parseResponse(sendC2CSchema, body, 'sendmsg');
      throw new Error('sendmsg: an answer the hand check refused passed the schema');
    },

    async sendGroupMessage(input) {
      const body = await transport.call(
        'group_open_http_svc',
        'send_group_msg',
        {
          GroupId: input.groupId,
          Random: input.random ?? randomUint32(),
          MsgBody: toWireMessageBody(input.elements),
          From_Account: input.fromUserId,
          OnlineOnlyFlag: input.onlineOnly === true ? 1 : undefined,
          ForbidCallbackControl: forbidList(input.forbidCallbacks),
          CloudCustomData: input.cloudCustomData,
          TopicId: input.topicId,
          GroupAtInfo:
            input.atUserIds !== undefined && input.atUserIds.length > 0
              ? input.atUserIds.map((userId) => ({ GroupAtAllFlag: 0, GroupAt_Account: userId }))
              : undefined,
        },
        callOptions(input),
      );
      const answer = readSendGroupAnswer(body);
      if (answer !== undefined) return answer;
      const { parseResponse, sendGroupSchema } = await loadResponseSchemas();
      parseResponse(sendGroupSchema, body, 'send_group_msg');
      throw new Error('send_group_msg: an answer the hand check refused passed the schema');
    },

    async modifyC2CMessage(input) {
      requireChange(input, 'modifyC2CMessage');
      await transport.call(
        'openim',
        'modify_c2c_msg',
        {
          From_Account: input.fromUserId,
          To_Account: input.toUserId,
          MsgKey: input.msgKey,
          MsgBody: input.elements !== undefined ? toWireMessageBody(input.elements) : undefined,
          CloudCustomData: input.cloudCustomData,
        },
        callOptions(input),
      );
    },

    async modifyGroupMessage(input) {
      requireChange(input, 'modifyGroupMessage');
      await transport.call(
        'openim',
        'modify_group_msg',
        {
          GroupId: input.groupId,
          MsgSeq: input.sequence,
          MsgBody: input.elements !== undefined ? toWireMessageBody(input.elements) : undefined,
          CloudCustomData: input.cloudCustomData,
          TopicId: input.topicId,
        },
        callOptions(input),
      );
    },

    async withdrawC2CMessage(input) {
      await transport.call(
        'openim',
        'admin_msgwithdraw',
        { From_Account: input.fromUserId, To_Account: input.toUserId, MsgKey: input.msgKey },
        callOptions(input),
      );
    },

    async recallGroupMessages(input) {
      if (input.sequences.length === 0 || input.sequences.length > 10) {
        throw new ValidationError({ message: 'recallGroupMessages takes 1 to 10 sequences' });
      }
      const schemas = loadResponseSchemas();
      const body = await transport.call(
        'group_open_http_svc',
        'group_msg_recall',
        {
          GroupId: input.groupId,
          MsgSeqList: input.sequences.map((sequence) => ({ MsgSeq: sequence })),
          Reason: input.reason,
          TopicId: input.topicId,
        },
        callOptions(input),
      );
      const { parseResponse, recallSchema } = await schemas;
      const parsed = parseResponse(recallSchema, body, 'group_msg_recall');
      return {
        results: (parsed.RecallRetList ?? []).map((item) => ({
          sequence: item.MsgSeq,
          resultCode: item.RetCode ?? 0,
        })),
      };
    },
  };
}
