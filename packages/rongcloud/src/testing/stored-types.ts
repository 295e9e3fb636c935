/**
 * Public types of what the local RongCloud stores and shows a test: messages (stream state
 * included), the conversations they belong to, and bots.
 *
 * @module
 */
import type { LocalRongCloudAPI } from './apis.ts';

/**
 * The conversation a {@link LocalMessage} belongs to: a private pair (ids sorted) or a group.
 *
 * @example
 * ```ts
 * const conversation: LocalConversation = { type: 'group', groupId: 'team' };
 * ```
 */
export type LocalConversation =
  | {
      /** A one-to-one conversation. */
      type: 'private';
      /** The two users, sorted. */
      userIds: readonly [string, string];
    }
  | {
      /** A group conversation. */
      type: 'group';
      /** The group. */
      groupId: string;
    };

/**
 * One chunk of a stream message, as received by `publish_stream.json`.
 *
 * @example
 * ```ts
 * const [first] = local.messages[0]?.stream?.chunks ?? [];
 * console.log(first?.seq, first?.delta);
 * ```
 */
export interface LocalStreamChunk {
  /** `content.seq`. */
  seq: number;
  /** `content.content`: the text this chunk adds. */
  delta: string;
  /** `content.complete`. */
  complete: boolean;
  /**
   * The whole JSON body of the call, as received. For a reply of a Dify integration, the body
   * RongCloud would send through `publish_stream.json` for this chunk.
   */
  wireBody: Readonly<Record<string, unknown>>;
  /** When it arrived, in milliseconds since the epoch. */
  atMs: number;
}

/**
 * The state of an `RC:StreamMsg` message: what a client pulling it would see.
 *
 * @example
 * ```ts
 * expect(reply?.stream).toMatchObject({ text: 'Hello world', complete: true, chunkCount: 3 });
 * ```
 */
export interface LocalStreamState {
  /** Every chunk's delta, concatenated in order. */
  text: string;
  /** Chunks accepted (identical repeats not counted). */
  chunkCount: number;
  /** True once a chunk with `complete: true` was accepted. */
  complete: boolean;
  /** `seq` of the last chunk accepted. */
  lastSeq: number;
  /** The chunks accepted, in order. */
  chunks: LocalStreamChunk[];
}

/**
 * One stored message, as RongCloud keeps it and a client would see it. A private publish to
 * several users stores one message per receiver; a group publish one per group.
 *
 * @example
 * ```ts
 * const [question, reply] = local.conversation({ userId: 'alice', botUserId: 'bot-1' });
 * console.log(question?.text, reply?.objectName, reply?.stream?.complete);
 * ```
 */
export interface LocalMessage {
  /** RongCloud's message UID (`XXXX-XXXX-XXXX-XXXX`). */
  messageUID: string;
  /** Private pair or group. */
  conversation: LocalConversation;
  /** Sender. */
  fromUserId: string;
  /** Receiver (private messages only). */
  toUserId?: string;
  /** Group (group messages only). */
  groupId?: string;
  /** `RC:TxtMsg`, `RC:StreamMsg`, a custom object name… */
  objectName: string;
  /**
   * The content, parsed. For a stream message, what a receiving client sees: `{ content, complete,
   * type? }`, with `content` the accumulated text.
   */
  content: Readonly<Record<string, unknown>>;
  /** `content.content` when it is a string: the text of an `RC:TxtMsg` or of a stream so far. */
  text?: string;
  /** Stream state (`RC:StreamMsg` messages only). */
  stream?: LocalStreamState;
  /**
   * The fields of the call that created it, as received (form fields as strings, repeated keys
   * as arrays; JSON as sent). Messages sent by simulated users and replies of a Dify integration
   * have none.
   */
  wireBody?: Readonly<Record<string, unknown>>;
  /**
   * Sent through the Server API (`'api'`), by a simulated user (`'client'`), or as a bot's answer
   * by RongCloud's own Dify integration (`'dify'`).
   */
  origin: 'api' | 'client' | 'dify';
  /** When it was sent, in milliseconds since the epoch. */
  sentAtMs: number;
  /** True once recalled. */
  recalled: boolean;
  /** When it was recalled, in milliseconds since the epoch. */
  recalledAtMs?: number;
}

/**
 * Selects a conversation: a private pair (any two users; the names are for the usual case) or a
 * group.
 *
 * @example
 * ```ts
 * local.conversation({ userId: 'alice', botUserId: 'bot-1' });
 * local.conversation({ groupId: 'team' });
 * ```
 */
export type LocalConversationSelector =
  | {
      /** One side of the private pair (usually the user). */
      userId: string;
      /** The other side (usually the bot). */
      botUserId: string;
    }
  | {
      /** The group. */
      groupId: string;
    };

/**
 * A bot as stored by the bot APIs.
 *
 * @example
 * ```ts
 * expect(local.bot('bot-1')?.createBody).toEqual(expectedWireBody);
 * ```
 */
export interface LocalBot {
  /** The bot's IM user id. */
  userId: string;
  /** Display name. */
  name: string;
  /** Free-form category (`type`). */
  type: string;
  /** Avatar URL. */
  profileUrl: string;
  /** String pairs passed to webhooks. */
  metadata: Readonly<Record<string, string>>;
  /** Integrations, as received (wire objects with `type`, `callbackUrl`, `auth`…). */
  integrations: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** When it was created, in milliseconds since the epoch. */
  createdAtMs: number;
  /** When it was last changed, in milliseconds since the epoch. */
  updatedAtMs: number;
  /** The exact JSON body `/v3/bot/create.json` received. */
  createBody: Readonly<Record<string, unknown>>;
  /** Every body that changed the bot, in order: the create body, then updates and integration calls. */
  wireBodies: ReadonlyArray<{
    /** The API that received it. */
    api: LocalRongCloudAPI;
    /** The JSON body, as received. */
    body: Readonly<Record<string, unknown>>;
  }>;
}
