/**
 * The bot and integration objects of RongCloud's bot APIs, checked field by field against the
 * documented limits, and the bot object the query APIs answer.
 *
 * Emulator assumptions (the vendor documents the limits, not how they are enforced): lengths are
 * counted in Unicode characters; metadata values must be strings (the Dify guide's own example
 * sends a number — the emulator rejects it so that a client that forwards it unconverted is
 * caught); a bot has at most one integration of each type (update and delete name an
 * integration by its type); a Dify integration needs `auth.apiKey`.
 *
 * @module
 * @see https://docs.rongcloud.cn/platform-chat-api/bot/create-a-bot
 */
import { failParameter } from './error-codes.ts';
import type { StoredBot } from './store.ts';
import {
  type JsonObject,
  optionalBoolean,
  optionalStringList,
  optionalText,
  requireObject,
  requireText,
} from './wire.ts';

/** Integration types RongCloud documents. */
export const INTEGRATION_TYPES = [
  'webhook',
  'dify_chat',
  'dify_completion',
  'dify_chatflow',
] as const;

/** True when `type` is one of {@link INTEGRATION_TYPES}. */
export function isIntegrationType(type: string): type is (typeof INTEGRATION_TYPES)[number] {
  return (INTEGRATION_TYPES as readonly string[]).includes(type);
}

/** Bots an app may have. */
export const MAX_BOTS_PER_APP = 10;

const MAX_METADATA_PAIRS = 16;

/** The fields of a bot object, checked; absent ones are `undefined`. */
export interface BotFields {
  userId: string;
  name: string | undefined;
  type: string | undefined;
  profileUrl: string | undefined;
  metadata: Record<string, string> | undefined;
  integrations: JsonObject[] | undefined;
}

/** The bot's `userId`: 1 to 64 characters. */
export function requireBotUserId(body: JsonObject): string {
  return requireText(body.userId, 'userId', { max: 64 });
}

function checkMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const metadata = requireObject(value, 'metadata');
  const entries = Object.entries(metadata);
  if (entries.length > MAX_METADATA_PAIRS) {
    failParameter(
      `metadata may hold at most ${MAX_METADATA_PAIRS} pairs, received ${entries.length}`,
    );
  }
  const checked: Record<string, string> = {};
  for (const [key, entry] of entries) {
    requireText(key, 'metadata key', { max: 32 });
    if (typeof entry !== 'string') {
      failParameter(`metadata.${key} must be a string (received a ${typeof entry})`);
    }
    checked[key] = requireText(entry, `metadata.${key}`, { max: 128 });
  }
  return checked;
}

function checkCallbackUrl(value: unknown, field: string): void {
  const url = requireText(value, field, { max: Number.MAX_SAFE_INTEGER });
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    failParameter(`${field} must be an absolute http or https URL`);
  }
}

/**
 * Checks one integration object (`type`, `callbackUrl`, `enabled`, `objectNames`, `events`,
 * `stream`, `handleResponse`, `auth`…) and returns it as received, `userId` left out. Unknown
 * fields are kept.
 */
export function checkIntegration(value: unknown, field: string): JsonObject {
  const { userId: _userId, ...integration } = requireObject(value, field);
  const type = requireText(integration.type, `${field}.type`, { max: 64 });
  if (!isIntegrationType(type)) {
    failParameter(`${field}.type must be one of ${INTEGRATION_TYPES.join(', ')}, received ${type}`);
  }
  checkCallbackUrl(integration.callbackUrl, `${field}.callbackUrl`);
  for (const flag of [
    'enabled',
    'stream',
    'handleResponse',
    'waitForInputCompletion',
    'gentleResponse',
  ]) {
    optionalBoolean(integration[flag], `${field}.${flag}`);
  }
  optionalStringList(integration.objectNames, `${field}.objectNames`);
  optionalStringList(integration.events, `${field}.events`);
  const auth =
    integration.auth === undefined || integration.auth === null
      ? undefined
      : requireObject(integration.auth, `${field}.auth`);
  const apiKey = optionalText(auth?.apiKey, `${field}.auth.apiKey`, { max: 1024 });
  if (type.startsWith('dify_') && apiKey === undefined) {
    failParameter(`${field}.auth.apiKey is required for a ${type} integration`);
  }
  return integration;
}

function checkIntegrations(value: unknown): JsonObject[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) failParameter('integrations must be an array');
  const integrations = value.map((item, index) => checkIntegration(item, `integrations[${index}]`));
  const types = integrations.map((integration) => integration.type);
  const repeated = types.find((type, index) => types.indexOf(type) !== index);
  if (repeated !== undefined) {
    failParameter(
      `integrations may hold one integration of each type; ${String(repeated)} repeats`,
    );
  }
  return integrations;
}

/**
 * Checks a bot object. For `create` (`partial` false) `name`, `type`, `profileUrl` and
 * `integrations` are required; for `update` only `userId` is.
 */
export function checkBotFields(body: JsonObject, partial: boolean): BotFields {
  const read = partial ? optionalText : requireText;
  const fields: BotFields = {
    userId: requireBotUserId(body),
    name: read(body.name, 'name', { max: 128 }),
    type: read(body.type, 'type', { max: 128 }),
    profileUrl: read(body.profileUrl, 'profileUrl', { max: 256 }),
    metadata: checkMetadata(body.metadata),
    integrations: checkIntegrations(body.integrations),
  };
  if (!partial && fields.integrations === undefined) failParameter('integrations is required');
  return fields;
}

/** The bot object the query APIs answer (`createdAt`/`updatedAt` in milliseconds). */
export function botAnswer(bot: StoredBot, includeIntegrations: boolean): JsonObject {
  return {
    userId: bot.userId,
    name: bot.name,
    type: bot.type,
    profileUrl: bot.profileUrl,
    metadata: structuredClone(bot.metadata),
    ...(includeIntegrations ? { integrations: structuredClone(bot.integrations) } : {}),
    createdAt: bot.createdAtMs,
    updatedAt: bot.updatedAtMs,
  };
}
