/**
 * The state of one local RongCloud — checked options, users, groups, bots, messages, request
 * records, hosts that are down — and the operations over it that several modules share. Both
 * hosts (primary and backup) share one state, as RongCloud's hosts share one backend.
 *
 * @module
 */
import type { LocalRongCloudAPI } from './apis.ts';
import { createDifyConversations, type DifyConversations } from './dify-conversations.ts';
import type { LocalRongCloudConfig } from './options.ts';
import type {
  LocalBot,
  LocalConversation,
  LocalConversationSelector,
  LocalMessage,
} from './stored-types.ts';
import type { LocalDifyCall, LocalHost, LocalRequestRecord } from './types.ts';
import type { JsonObject } from './wire.ts';

/** A registered user (`/user/getToken.json` or `registerUser`). */
export interface StoredUser {
  userId: string;
  name?: string;
  portraitUri?: string;
}

/** A group created with `createGroup`. */
export interface StoredGroup {
  groupId: string;
  name?: string;
  memberIds: Set<string>;
}

/** A bot as stored (see {@link LocalBot}). */
export interface StoredBot {
  userId: string;
  name: string;
  type: string;
  profileUrl: string;
  metadata: Record<string, string>;
  integrations: JsonObject[];
  createdAtMs: number;
  updatedAtMs: number;
  createBody: JsonObject;
  wireBodies: Array<{ api: LocalRongCloudAPI; body: JsonObject }>;
}

/** A message as stored: the public shape, mutable. */
export type StoredMessage = LocalMessage;

/** Everything one local RongCloud holds; the modules share it instead of one closure. */
export interface LocalRongCloudState {
  readonly config: LocalRongCloudConfig;
  /** Where every webhook goes, overriding the integrations' URLs; `undefined`: theirs. */
  callbackUrl: string | undefined;
  readonly users: Map<string, StoredUser>;
  readonly groups: Map<string, StoredGroup>;
  /** Bots by user id, in creation order. */
  readonly bots: Map<string, StoredBot>;
  /** Every message, in creation order. */
  readonly messages: StoredMessage[];
  readonly messagesByUID: Map<string, StoredMessage>;
  readonly requests: LocalRequestRecord[];
  /** Hosts whose connections are reset. */
  readonly downHosts: Set<LocalHost>;
  /** Every call the Dify integrations made, in order. */
  readonly difyCalls: LocalDifyCall[];
  /** The Dify conversations of the Dify integrations. */
  readonly difyConversations: DifyConversations;
}

/** Creates an empty state. */
export function createLocalRongCloudState(
  config: LocalRongCloudConfig,
  callbackUrl: string | undefined,
): LocalRongCloudState {
  return {
    config,
    callbackUrl,
    users: new Map(),
    groups: new Map(),
    bots: new Map(),
    messages: [],
    messagesByUID: new Map(),
    requests: [],
    downHosts: new Set(),
    difyCalls: [],
    difyConversations: createDifyConversations(config.now),
  };
}

/** The two ids of a private conversation, sorted. */
export function sortedPair(first: string, second: string): readonly [string, string] {
  return first <= second ? [first, second] : [second, first];
}

// ---- users ----

/** Registers (or updates) a user, keeping any profile field not given. */
export function registerUser(
  state: LocalRongCloudState,
  userId: string,
  profile: { name?: string | undefined; portraitUri?: string | undefined } = {},
): void {
  const existing = state.users.get(userId);
  const user: StoredUser = { userId };
  const name = profile.name ?? existing?.name;
  const portraitUri = profile.portraitUri ?? existing?.portraitUri;
  if (name !== undefined) user.name = name;
  if (portraitUri !== undefined) user.portraitUri = portraitUri;
  state.users.set(userId, user);
}

// ---- message ids ----

const UID_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A fresh message UID in RongCloud's shape, `XXXX-XXXX-XXXX-XXXX`, unique in this state. */
export function newMessageUID(state: LocalRongCloudState): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const characters = [...bytes].map((byte) => UID_ALPHABET[byte % UID_ALPHABET.length]);
    const uid = [0, 4, 8, 12].map((at) => characters.slice(at, at + 4).join('')).join('-');
    if (!state.messagesByUID.has(uid)) return uid;
  }
}

/** An opaque token for a user, in the shape of RongCloud's (`…@…rongnav.com;…rongcfg.com`). */
export function newUserToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const text = btoa(String.fromCharCode(...bytes));
  return `${text}@local.cn.rongnav.com;local.cn.rongcfg.com`;
}

// ---- messages ----

/** A message to store. */
export interface NewMessage {
  fromUserId: string;
  /** Set for a private message. */
  toUserId?: string | undefined;
  /** Set for a group message. */
  groupId?: string | undefined;
  objectName: string;
  content: JsonObject;
  wireBody?: JsonObject | undefined;
  origin: 'api' | 'client' | 'dify';
}

/** Stores a message with a fresh UID. */
export function storeMessage(state: LocalRongCloudState, input: NewMessage): StoredMessage {
  const conversation: LocalConversation =
    input.groupId !== undefined
      ? { type: 'group', groupId: input.groupId }
      : { type: 'private', userIds: sortedPair(input.fromUserId, input.toUserId ?? '') };
  const message: StoredMessage = {
    messageUID: newMessageUID(state),
    conversation,
    fromUserId: input.fromUserId,
    objectName: input.objectName,
    content: structuredClone(input.content),
    origin: input.origin,
    sentAtMs: state.config.now(),
    recalled: false,
  };
  if (input.toUserId !== undefined) message.toUserId = input.toUserId;
  if (input.groupId !== undefined) message.groupId = input.groupId;
  if (typeof input.content.content === 'string') message.text = input.content.content;
  if (input.wireBody !== undefined) message.wireBody = structuredClone(input.wireBody);
  state.messages.push(message);
  state.messagesByUID.set(message.messageUID, message);
  return message;
}

/** True when `message` belongs to the conversation `selector` names. */
function inConversation(message: StoredMessage, selector: LocalConversationSelector): boolean {
  if ('groupId' in selector) return message.groupId === selector.groupId;
  const [first, second] = sortedPair(selector.userId, selector.botUserId);
  return (
    message.conversation.type === 'private' &&
    message.conversation.userIds[0] === first &&
    message.conversation.userIds[1] === second
  );
}

/** Copies of the messages of one private pair or group, in creation order. */
export function conversationOf(
  state: LocalRongCloudState,
  selector: LocalConversationSelector,
): LocalMessage[] {
  return state.messages
    .filter((message) => inConversation(message, selector))
    .map((message) => structuredClone(message));
}

// ---- bots ----

/** A copy of a stored bot. */
export function toPublicBot(bot: StoredBot): LocalBot {
  return structuredClone(bot);
}
