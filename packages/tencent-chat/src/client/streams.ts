import { randomUint32 } from '../internal/random.ts';
import {
  type StreamChunk,
  toWireMessageBody,
  type WireMessageElement,
} from '../messages/elements.ts';
import { replySequence } from './message-keys.ts';
import type { TencentChatTransport } from './transport.ts';
import type { TencentChatClient } from './types.ts';
import { callOptions, loadResponseSchemas } from './wire.ts';

/** The native stream message APIs of the client (`TIMStreamElem`). */
export type StreamMethods = Pick<
  TencentChatClient,
  'sendC2CStreamMessage' | 'sendGroupStreamMessage'
>;

/** The `MsgBody` of one stream call: a single `TIMStreamElem` with this call's delta chunks. */
function streamBody(input: {
  compatibleText: string;
  chunks: StreamChunk[];
  streamMessageId?: string | undefined;
}): WireMessageElement[] {
  return toWireMessageBody([
    {
      type: 'stream',
      compatibleText: input.compatibleText,
      chunks: input.chunks,
      streamMessageId: input.streamMessageId,
    },
  ]);
}

/**
 * Builds the native stream methods on a transport. Like a send, the first call of a stream
 * carries dedupe keys chosen once per call (or the caller's), so a retried attempt is dropped as
 * a copy; a retried continuation repeats its chunks with the same `Index`.
 */
export function streamMethods(transport: TencentChatTransport): StreamMethods {
  return {
    async sendC2CStreamMessage(input) {
      const schemas = loadResponseSchemas();
      const body = await transport.call(
        'stream_msg',
        'send_c2c_stream_msg',
        {
          SyncOtherMachine: 2,
          From_Account: input.fromUserId,
          To_Account: input.toUserId,
          MsgSeq: input.sequence ?? replySequence(),
          MsgRandom: input.random ?? randomUint32(),
          MsgBody: streamBody(input),
          CloudCustomData: input.cloudCustomData,
        },
        callOptions(input),
      );
      const { parseResponse, streamSchema } = await schemas;
      const parsed = parseResponse(streamSchema, body, 'send_c2c_stream_msg');
      return {
        streamMessageId: parsed.StreamMsgID,
        ...(parsed.MsgKey != null ? { msgKey: parsed.MsgKey } : {}),
      };
    },

    async sendGroupStreamMessage(input) {
      const schemas = loadResponseSchemas();
      const body = await transport.call(
        'stream_msg',
        'send_group_stream_msg',
        {
          From_Account: input.fromUserId,
          GroupId: input.groupId,
          MsgRandom: input.random ?? randomUint32(),
          MsgBody: streamBody(input),
        },
        callOptions(input),
      );
      const { parseResponse, streamSchema } = await schemas;
      const parsed = parseResponse(streamSchema, body, 'send_group_stream_msg');
      return {
        streamMessageId: parsed.StreamMsgID,
        ...(parsed.MsgSeq != null ? { sequence: parsed.MsgSeq } : {}),
      };
    },
  };
}
