import { utf8ByteLength, ValidationError } from '@imbridge/core';
import { checkInput, parseResponse } from './check.ts';
import type { CheckedStreamChunk } from './message-schemas.ts';
import type { PublishStreamMessageResult } from './message-types.ts';
import { jsonField, userToWire } from './message-wire.ts';
import type { CallOptions } from './options.ts';
import type { RongCloudTransport } from './transport.ts';
import type { RongCloudClient } from './types.ts';
import { callOptions, flag, loadMessageSchemas, type MessageSchemas } from './wire.ts';

/** The stream message APIs' paths (JSON bodies, 100 calls/s each). */
export const STREAM_PATHS = {
  private: 'v3/message/private/publish_stream.json',
  group: 'v3/message/group/publish_stream.json',
} as const;

/** The object name of a stream message. */
export const STREAM_OBJECT_NAME = 'RC:StreamMsg';

/**
 * Largest body of one stream call: RongCloud documents 128 KB per call. The client measures the
 * exact JSON it sends (UTF-8 bytes) and rejects a larger one before sending.
 */
export const RONGCLOUD_MAX_STREAM_BODY_BYTES = 128 * 1024;

/** The JSON body of a stream call, after the receiver field. */
function streamBody(
  chunk: CheckedStreamChunk,
  receiver: Record<string, string>,
  method: string,
): Record<string, unknown> {
  return {
    fromUserId: chunk.fromUserId,
    ...receiver,
    objectName: STREAM_OBJECT_NAME,
    content: {
      content: chunk.content,
      seq: chunk.seq,
      complete: chunk.complete,
      type: chunk.type,
      messageUID: chunk.messageUid,
      user: userToWire(chunk.user),
      extra: chunk.extra,
    },
    isIncludeSender: flag(chunk.includeSender),
    isPersisted: flag(chunk.persisted),
    isCounted: flag(chunk.counted),
    disableUpdateLastMsg: chunk.disableUpdateLastMessage,
    extraContent:
      chunk.extraContent === undefined
        ? undefined
        : jsonField(chunk.extraContent, method, 'extraContent'),
  };
}

function checkSize(body: Record<string, unknown>, method: string): void {
  const bytes = utf8ByteLength(JSON.stringify(body));
  if (bytes > RONGCLOUD_MAX_STREAM_BODY_BYTES) {
    throw new ValidationError({
      message: `RongCloud ${method}: the body is ${bytes} bytes, over RongCloud's ${RONGCLOUD_MAX_STREAM_BODY_BYTES} bytes (128 KB) per call: send the text in smaller chunks`,
      issues: [
        { path: ['content'], message: `body over ${RONGCLOUD_MAX_STREAM_BODY_BYTES} bytes` },
      ],
    });
  }
}

/** The stream message methods of the client. */
export type StreamMethods = Pick<
  RongCloudClient,
  'publishPrivateStreamMessage' | 'publishGroupStreamMessage'
>;

/** Builds the stream message methods on a transport. */
export function streamMethods(transport: RongCloudTransport): StreamMethods {
  const publish = async (
    schemas: MessageSchemas,
    path: string,
    method: string,
    chunk: CheckedStreamChunk,
    receiver: Record<string, string>,
    input: CallOptions,
  ): Promise<PublishStreamMessageResult> => {
    const body = streamBody(chunk, receiver, method);
    checkSize(body, method);
    const answer = await transport.call(path, body, callOptions(input));
    if (chunk.messageUid === undefined) {
      // The first chunk's answer must name the message: no later chunk can be sent without it.
      return {
        messageUid: parseResponse(schemas.firstChunkAnswerSchema, answer, method).messageUID,
      };
    }
    return {
      messageUid:
        parseResponse(schemas.laterChunkAnswerSchema, answer, method).messageUID ??
        chunk.messageUid,
    };
  };

  return {
    async publishPrivateStreamMessage(input) {
      const method = 'publishPrivateStreamMessage';
      const schemas = await loadMessageSchemas();
      const chunk = checkInput(schemas.privateStreamSchema, input, method);
      return publish(
        schemas,
        STREAM_PATHS.private,
        method,
        chunk,
        { toUserId: chunk.toUserId },
        input,
      );
    },

    async publishGroupStreamMessage(input) {
      const method = 'publishGroupStreamMessage';
      const schemas = await loadMessageSchemas();
      const chunk = checkInput(schemas.groupStreamSchema, input, method);
      return publish(
        schemas,
        STREAM_PATHS.group,
        method,
        chunk,
        { toGroupId: chunk.toGroupId },
        input,
      );
    },
  };
}
