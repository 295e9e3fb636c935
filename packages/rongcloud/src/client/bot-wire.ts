/**
 * Bots and integrations to and from RongCloud's wire shapes, and the limits their schemas
 * (`bot-schemas.ts`, loaded with the first bot call) check. No schema here.
 *
 * @internal
 * @module
 */
import { isRecord, resolveSecret } from '@imbridge/provider-utils';
import type { CheckedBotUpdate, WireBot } from './bot-schemas.ts';
import {
  type BotInfo,
  type BotIntegration,
  type BotIntegrationInfo,
  DIFY_INTEGRATION_TYPES,
  type DifyIntegrationType,
} from './bot-types.ts';

// ---------------------------------------------------------------------------------------------
// Limits (RongCloud's create-a-bot page)
// ---------------------------------------------------------------------------------------------

/** Longest bot `userId`, in characters. */
export const MAX_BOT_USER_ID_LENGTH = 64;
/** Longest bot `name` and `type`, in characters. */
export const MAX_BOT_NAME_LENGTH = 128;
/** Longest bot `profileUrl`, in characters. */
export const MAX_BOT_PROFILE_URL_LENGTH = 256;
/** Most metadata pairs. */
export const MAX_BOT_METADATA_PAIRS = 16;
/** Most ids per `getBots` call. */
export const MAX_GET_BOTS_IDS = 20;

/** The paths RongCloud appends to a Dify integration's base URL. */
const DIFY_PATHS = ['/chat-messages', '/completion-messages'];

// ---------------------------------------------------------------------------------------------
// URL checks (used by the schemas)
// ---------------------------------------------------------------------------------------------

/** Whether `value` is an `http:` or `https:` URL. */
export function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

/** Whether a URL already ends with a path RongCloud appends to a Dify base URL. */
export function endsWithDifyPath(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const path = new URL(value).pathname.replace(/\/+$/, '');
  return DIFY_PATHS.some((suffix) => path.endsWith(suffix));
}

// ---------------------------------------------------------------------------------------------
// To the wire
// ---------------------------------------------------------------------------------------------

/** A body with the secrets it carries (to redact from errors). */
export interface WireBody {
  body: Record<string, unknown>;
  secrets: string[];
}

/** An integration on the wire (RongCloud's field names; the Dify key resolved). */
export async function integrationToWire(
  integration: BotIntegration,
  method: string,
  name: string,
  secrets: string[],
): Promise<Record<string, unknown>> {
  const base = {
    type: integration.type,
    enabled: integration.enabled,
    callbackUrl: integration.callbackUrl,
    objectNames: integration.objectNames,
    events: integration.events,
  };
  if (integration.type === 'webhook') return base;
  const apiKey = await resolveSecret(integration.auth.apiKey, {
    owner: `RongCloud ${method}`,
    name: `${name}.auth.apiKey`,
  });
  secrets.push(apiKey);
  return {
    ...base,
    stream: integration.stream,
    handleResponse: integration.handleResponse,
    auth: { apiKey },
  };
}

/** The JSON body of `createBot` / `updateBot`, in the order of RongCloud's documentation. */
export async function botToWire(bot: CheckedBotUpdate, method: string): Promise<WireBody> {
  const secrets: string[] = [];
  const integrations =
    bot.integrations === undefined
      ? undefined
      : await Promise.all(
          bot.integrations.map((integration, index) =>
            integrationToWire(integration, method, `integrations.${index}`, secrets),
          ),
        );
  return {
    body: {
      userId: bot.userId,
      name: bot.name,
      type: bot.type,
      profileUrl: bot.profileUrl,
      integrations,
      metadata: bot.metadata,
    },
    secrets,
  };
}

// ---------------------------------------------------------------------------------------------
// From the wire (lenient: unknown fields and integration types pass)
// ---------------------------------------------------------------------------------------------

function optionalBoolean(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function optionalStrings(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? (value as string[])
    : undefined;
}

function isDifyType(type: string): type is DifyIntegrationType {
  return (DIFY_INTEGRATION_TYPES as readonly string[]).includes(type);
}

/** An integration RongCloud reported; an unknown `type` (or an unusable shape) becomes `other`. */
export function integrationFromWire(wire: Record<string, unknown>): BotIntegrationInfo {
  const type = typeof wire.type === 'string' ? wire.type : '';
  const callbackUrl = typeof wire.callbackUrl === 'string' ? wire.callbackUrl : undefined;
  const enabled = optionalBoolean(wire.enabled);
  const fields = {
    ...(enabled !== undefined ? { enabled } : {}),
    ...(optionalStrings(wire.objectNames) !== undefined
      ? { objectNames: optionalStrings(wire.objectNames) }
      : {}),
    ...(optionalStrings(wire.events) !== undefined ? { events: optionalStrings(wire.events) } : {}),
  };
  if (type === 'webhook' && callbackUrl !== undefined) {
    return { type, callbackUrl, ...fields };
  }
  if (isDifyType(type) && callbackUrl !== undefined) {
    const stream = optionalBoolean(wire.stream);
    const handleResponse = optionalBoolean(wire.handleResponse);
    const apiKey = isRecord(wire.auth) ? wire.auth.apiKey : undefined;
    return {
      type,
      callbackUrl,
      ...fields,
      ...(stream !== undefined ? { stream } : {}),
      ...(handleResponse !== undefined ? { handleResponse } : {}),
      ...(typeof apiKey === 'string' ? { auth: { apiKey } } : {}),
    };
  }
  return {
    type: 'other',
    vendorType: type,
    ...(enabled !== undefined ? { enabled } : {}),
    ...(callbackUrl !== undefined ? { callbackUrl } : {}),
    fields: { ...wire },
  };
}

/** A reported bot in our names. */
export function botFromWire(wire: WireBot): BotInfo {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(wire.metadata ?? {})) {
    if (value !== undefined && value !== null) metadata[key] = String(value);
  }
  return {
    userId: wire.userId,
    name: wire.name ?? '',
    type: wire.type ?? '',
    profileUrl: wire.profileUrl ?? '',
    metadata,
    integrations: (wire.integrations ?? []).map(integrationFromWire),
    ...(wire.createdAt != null ? { createdAtMs: wire.createdAt } : {}),
    ...(wire.updatedAt != null ? { updatedAtMs: wire.updatedAt } : {}),
  };
}
