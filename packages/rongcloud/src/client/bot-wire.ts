import { isRecord, resolveSecret, type SecretInput } from '@imbridge/provider-utils';
import { z } from 'zod';
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
// Input schemas
// ---------------------------------------------------------------------------------------------

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);
}

function endsWithDifyPath(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const path = new URL(value).pathname.replace(/\/+$/, '');
  return DIFY_PATHS.some((suffix) => path.endsWith(suffix));
}

const httpUrl = z.string().refine(isHttpUrl, 'must be an http(s) URL');

const secretInput = z.custom<SecretInput>(
  (value) => (typeof value === 'string' && value.trim().length > 0) || typeof value === 'function',
  'must be a non-empty string or a function returning one',
);

const integrationFields = {
  enabled: z.boolean().optional(),
  objectNames: z.array(z.string().min(1)).optional(),
  events: z.array(z.string().min(1)).optional(),
};

const webhookIntegrationSchema = z.object({
  type: z.literal('webhook'),
  callbackUrl: httpUrl,
  ...integrationFields,
});

const difyIntegrationSchema = z.object({
  type: z.enum(DIFY_INTEGRATION_TYPES),
  callbackUrl: httpUrl.refine(
    (value) => !endsWithDifyPath(value),
    'must be the Dify API base URL (e.g. https://api.dify.ai/v1): RongCloud appends /chat-messages or /completion-messages itself',
  ),
  stream: z.boolean().optional(),
  handleResponse: z.boolean().optional(),
  auth: z.object({ apiKey: secretInput }),
  ...integrationFields,
});

/** An integration, checked. */
export const integrationSchema = z.discriminatedUnion('type', [
  webhookIntegrationSchema,
  difyIntegrationSchema,
]);

const metadataValue = z
  .union([z.string(), z.number(), z.boolean()], {
    error: 'must be a string, a number or a boolean (numbers and booleans are sent as strings)',
  })
  .transform(String)
  .pipe(z.string().min(1).max(128));

/** Bot metadata, checked and converted to strings. */
export const metadataSchema = z
  .record(z.string().min(1).max(32), metadataValue)
  .refine(
    (record) => Object.keys(record).length <= MAX_BOT_METADATA_PAIRS,
    `must have at most ${MAX_BOT_METADATA_PAIRS} pairs`,
  );

/** A bot user id. */
export const botUserIdSchema = z.string().min(1).max(MAX_BOT_USER_ID_LENGTH);
const botName = z.string().min(1).max(MAX_BOT_NAME_LENGTH);
const botProfileUrl = z.string().min(1).max(MAX_BOT_PROFILE_URL_LENGTH);

/** `createBot` input. */
export const createBotSchema = z.object({
  userId: botUserIdSchema,
  name: botName,
  type: botName,
  profileUrl: botProfileUrl,
  metadata: metadataSchema.optional(),
  integrations: z.array(integrationSchema),
});

/** `updateBot` input. */
export const updateBotSchema = z.object({
  userId: botUserIdSchema,
  name: botName.optional(),
  type: botName.optional(),
  profileUrl: botProfileUrl.optional(),
  metadata: metadataSchema.optional(),
  integrations: z.array(integrationSchema).optional(),
});

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
export async function botToWire(
  bot: z.infer<typeof updateBotSchema>,
  method: string,
): Promise<WireBody> {
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

/** A bot as RongCloud reports it (wire names). */
export const wireBotSchema = z.looseObject({
  userId: z.string(),
  name: z.string().nullish(),
  type: z.string().nullish(),
  profileUrl: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  integrations: z.array(z.looseObject({})).nullish(),
  createdAt: z.number().nullish(),
  updatedAt: z.number().nullish(),
});

/** A reported bot in our names. */
export function botFromWire(wire: z.infer<typeof wireBotSchema>): BotInfo {
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
