/**
 * Zod schemas of the bot and integration calls: their inputs and the answers the client reads
 * fields from. Loaded with the first bot call (`loadBotSchemas` of `wire.ts`), not at import.
 *
 * @internal
 * @module
 */
import type { SecretInput } from '@imbridge/provider-utils';
import { z } from 'zod';
import { DIFY_INTEGRATION_TYPES } from './bot-types.ts';
import {
  endsWithDifyPath,
  isHttpUrl,
  MAX_BOT_METADATA_PAIRS,
  MAX_BOT_NAME_LENGTH,
  MAX_BOT_PROFILE_URL_LENGTH,
  MAX_BOT_USER_ID_LENGTH,
  MAX_GET_BOTS_IDS,
} from './bot-wire.ts';

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

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
const integrationSchema = z.discriminatedUnion('type', [
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
const metadataSchema = z
  .record(z.string().min(1).max(32), metadataValue)
  .refine(
    (record) => Object.keys(record).length <= MAX_BOT_METADATA_PAIRS,
    `must have at most ${MAX_BOT_METADATA_PAIRS} pairs`,
  );

/** A bot user id. */
const botUserIdSchema = z.string().min(1).max(MAX_BOT_USER_ID_LENGTH);
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

/** `createBot` / `updateBot` input, as checked. */
export type CheckedBotUpdate = z.infer<typeof updateBotSchema>;

/** `getBots` input. */
export const getBotsSchema = z.object({
  userIds: z.array(botUserIdSchema).min(1).max(MAX_GET_BOTS_IDS),
});
/** `listBots` input. */
export const listBotsSchema = z.object({
  page: z.int().min(1).optional(),
  pageSize: z.int().min(1).optional(),
  includeIntegrations: z.boolean().optional(),
});
/** `deleteBot` input. */
export const deleteBotSchema = z.object({ userId: botUserIdSchema });
/** `createBotIntegration` / `updateBotIntegration` input. */
export const integrationOptionsSchema = z.object({
  userId: botUserIdSchema,
  integration: integrationSchema,
});
/** `deleteBotIntegration` input. */
export const deleteIntegrationSchema = z.object({
  userId: botUserIdSchema,
  type: z.enum(['webhook', 'dify_chat', 'dify_completion', 'dify_chatflow']),
});

// ---------------------------------------------------------------------------------------------
// Answers (lenient: unknown fields pass)
// ---------------------------------------------------------------------------------------------

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

/** A bot as RongCloud reports it, as checked. */
export type WireBot = z.infer<typeof wireBotSchema>;

/** `getBots` answer. */
export const botsAnswerSchema = z.looseObject({ bots: z.array(wireBotSchema).nullish() });
/** `listBots` answer. */
export const pageAnswerSchema = z.looseObject({
  bots: z.array(wireBotSchema).nullish(),
  total: z.number().nullish(),
  hasNext: z.boolean().nullish(),
});
