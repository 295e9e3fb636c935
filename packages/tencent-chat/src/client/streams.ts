import { randomUint32 } from '../internal/random.ts';
import { toWireMessageBody } from '../messages/elements.ts';
import type { TencentChatTransport } from './transport.ts';
import type { TencentChatClient } from './types.ts';
import { callOptions, parseResponse, streamSchema } from './wire.ts';

/** The native stream message APIs of the client (`TIMStreamElem`). */
export type StreamMethods = Pick<
  TencentChatClient,
  'sendC2CStreamMessage' | 'sendGroupStreamMessage'
>;

/** Builds the native stream methods on a transport. */
export function streamMethods(transport: TencentChatTransport): StreamMethods {
  return {
    async sendC2CStreamMessage(input) {
      const body = await transport.call(
        'stream_msg',
        'send_c2c_stream_msg',
        {
          SyncOtherMachine: 2,
          From_Account: input.fromUserId,
          To_Account: input.toUserId,
          MsgRandom: input.random ?? randomUint32(),
          MsgBody: toWireMessageBody([
            {
              type: 'stream',
              compatibleText: input.compatibleText,
              chunks: input.chunks,
              streamMessageId: input.streamMessageId,
            },
          ]),
          CloudCustomData: input.cloudCustomData,
        },
        callOptions(input),
      );
      const parsed = parseResponse(streamSchema, body, 'send_c2c_stream_msg');
      return {
        streamMessageId: parsed.StreamMsgID,
        ...(parsed.MsgKey != null ? { msgKey: parsed.MsgKey } : {}),
      };
    },

    async sendGroupStreamMessage(input) {
      const body = await transport.call(
        'stream_msg',
        'send_group_stream_msg',
        {
          From_Account: input.fromUserId,
          GroupId: input.groupId,
          MsgRandom: input.random ?? randomUint32(),
          MsgBody: toWireMessageBody([
            {
              type: 'stream',
              compatibleText: input.compatibleText,
              chunks: input.chunks,
              streamMessageId: input.streamMessageId,
            },
          ]),
        },
        callOptions(input),
      );
      const parsed = parseResponse(streamSchema, body, 'send_group_stream_msg');
      return {
        streamMessageId: parsed.StreamMsgID,
        ...(parsed.MsgSeq != null ? { sequence: parsed.MsgSeq } : {}),
      };
    },
  };
}
