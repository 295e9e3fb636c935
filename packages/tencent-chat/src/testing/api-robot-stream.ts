/**
 * The legacy robot stream API of the local Tencent Cloud Chat, `send_stream_msg`: the first call
 * creates a `chatbotPlugin: 1` custom message and returns its `MsgKey`; later calls echo it and
 * append a chunk, until one sets `Finish`.
 *
 * @module
 */
import { randomUint32 } from '../internal/random.ts';
import { type MessageElement, toWireMessageBody } from '../messages/elements.ts';
import type { RestHandlers } from './api-common.ts';
import { LOCAL_TENCENT_CHAT_ERROR_CODES as CODES, fail } from './error-codes.ts';
import {
  addVersion,
  isActiveRobot,
  type LocalChatState,
  nextC2CSequence,
  nowSeconds,
  type RobotStreamState,
  sortedPair,
  storeMessage,
} from './store.ts';
import { checkSize, type JsonObject, readString } from './wire.ts';

/** Handler of `openim_robot_http_svc/send_stream_msg`. */
export function robotStreamHandlers(state: LocalChatState): RestHandlers {
  return [['openim_robot_http_svc/send_stream_msg', (body) => sendRobotStream(state, body)]];
}

function elementsOf(stream: RobotStreamState): MessageElement[] {
  return [
    {
      type: 'custom',
      data: JSON.stringify({
        chatbotPlugin: 1,
        src: 2,
        chunks: stream.chunks,
        isFinished: stream.finished ? 1 : 0,
      }),
    },
  ];
}

function sendRobotStream(state: LocalChatState, body: JsonObject): JsonObject {
  const from = readString(body, 'From_Account');
  if (from === undefined || !isActiveRobot(state, from)) {
    fail(CODES.invalidParameter, 'From_Account must be an active robot');
  }
  const to = readString(body, 'To_Account');
  if (to === undefined || !state.accounts.has(to)) {
    fail(CODES.invalidParameter, 'To_Account is missing or does not exist');
  }
  const chunk = body.Chunk;
  if (typeof chunk !== 'string') fail(CODES.invalidParameter, 'Chunk must be a string');
  const finished = body.Finish === 1 || body.Finish === true;
  const maxBytes = state.config.maxMessageBytes;
  const msgKey = readString(body, 'MsgKey');
  if (msgKey !== undefined) {
    const message = state.c2cByKey.get(msgKey);
    const stream = message?.robotStream;
    if (message === undefined || stream === undefined || message.from !== from) {
      fail(CODES.invalidParameter, `MsgKey ${msgKey} is not a stream of this robot`);
    }
    if (stream.finished) fail(CODES.invalidParameter, 'the stream has finished');
    const next = { chunks: [...stream.chunks, chunk], finished };
    checkSize(toWireMessageBody(elementsOf(next)), maxBytes);
    message.robotStream = next;
    addVersion(state, message, elementsOf(next));
    return { MsgKey: msgKey };
  }
  const stream: RobotStreamState = { chunks: [chunk], finished };
  checkSize(toWireMessageBody(elementsOf(stream)), maxBytes);
  const message = storeMessage(state, {
    conversation: { type: 'c2c', userIds: sortedPair(from, to) },
    from,
    to,
    msgSeq: nextC2CSequence(state),
    msgRandom: randomUint32(),
    msgTimeSeconds: nowSeconds(state),
    elements: elementsOf(stream),
    onlineOnly: false,
    origin: 'rest',
  });
  message.robotStream = stream;
  return { MsgKey: message.msgKey };
}
