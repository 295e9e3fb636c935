/**
 * Checks the options of `createVoiceAgent` once, at creation: a wrong value fails there with a
 * message naming the option (never a secret's value), not at the first call.
 *
 * @module
 */
import {
  checkInteger,
  checkNonEmptyString,
  type LanguageModel,
  memoryState,
  type OptionReference,
  optionError,
  type StateAdapter,
  withStateTimeouts,
} from '@imbridge/core';
import {
  checkSecretInput,
  createEnvironmentReader,
  type SecretInput,
} from '@imbridge/provider-utils';
import { createTrtcClient, type TRTCClient } from '../client/client.ts';
import { TRTC_ENV_VARIABLES } from '../client/options.ts';
import type { VoiceAgentOptions } from './voice-agent-types.ts';

/** Who checks the options, in messages. */
export const AGENT_OWNER = 'createVoiceAgent';

/** The `secretKey` option. */
export const AGENT_SECRET_KEY_OPTION: OptionReference = {
  owner: AGENT_OWNER,
  name: 'secretKey',
  envVariable: 'TRTC_SECRET_KEY',
  secret: true,
};
/** The `tokenSecret` option. */
export const TOKEN_SECRET_OPTION: OptionReference = {
  owner: AGENT_OWNER,
  name: 'tokenSecret',
  secret: true,
};

/** The shortest accepted `tokenSecret`, in characters (HS256 wants 256 bits of key). */
export const MIN_TOKEN_SECRET_LENGTH = 32;
const COMPLETIONS_PATH = '/chat/completions';

/** The checked options. */
export interface VoiceAgentSettings {
  trtc: TRTCClient;
  sdkAppId: number;
  secretKey: SecretInput;
  tokenSecret: SecretInput | undefined;
  model: LanguageModel;
  apiUrl: string;
  agentUserId: string;
  tokenTtlMs: number;
  userSigTtlSeconds: number;
  state: StateAdapter;
  keyPrefix: string;
  historyTurns: number;
  modelName: string;
  maxBodyBytes: number;
  now: () => number;
}

function checkModel(value: unknown): LanguageModel {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { stream?: unknown }).stream !== 'function'
  ) {
    throw optionError({ owner: AGENT_OWNER, name: 'model' }, 'a LanguageModel', value);
  }
  return value as LanguageModel;
}

function checkTrtc(value: unknown): TRTCClient {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { startAIConversation?: unknown }).startAIConversation !== 'function'
  ) {
    throw optionError(
      { owner: AGENT_OWNER, name: 'trtc' },
      'a client from createTrtcClient()',
      value,
    );
  }
  return value as TRTCClient;
}

function checkState(value: unknown): StateAdapter | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { get?: unknown }).get !== 'function'
  ) {
    throw optionError({ owner: AGENT_OWNER, name: 'state' }, 'a StateAdapter', value);
  }
  return value as StateAdapter;
}

/** `publicUrl` as the URL TRTC calls: http(s), ending in `/chat/completions`. */
export function apiUrlOf(value: unknown): string {
  const reference = { owner: AGENT_OWNER, name: 'publicUrl', envVariable: 'TRTC_AGENT_PUBLIC_URL' };
  const text = checkNonEmptyString(value, reference).trim();
  if (!URL.canParse(text)) throw optionError(reference, 'an absolute http(s) URL', value);
  const url = new URL(text);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw optionError(reference, 'an absolute http(s) URL', value);
  }
  if (url.search !== '' || url.hash !== '') {
    throw optionError(reference, 'a URL without query or fragment', value);
  }
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith(COMPLETIONS_PATH) ? path : `${path}${COMPLETIONS_PATH}`;
  return url.toString();
}

/** A TRTC user id: 1 to 32 characters of letters, digits, `_` and `-`. */
export function checkAgentUserId(value: unknown, name: string): string {
  const reference = { owner: AGENT_OWNER, name };
  const text = checkNonEmptyString(value, reference);
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(text)) {
    throw optionError(reference, '1 to 32 letters, digits, _ or -', value);
  }
  return text;
}

/**
 * Checks every option of `createVoiceAgent`, reading `sdkAppId`, `secretKey` and `publicUrl` from
 * the environment when left out (and making the client from it when `trtc` is left out).
 */
export function resolveVoiceAgentSettings(options: VoiceAgentOptions): VoiceAgentSettings {
  if (typeof options !== 'object' || options === null) {
    throw optionError({ owner: AGENT_OWNER, name: 'options' }, 'an options object', options);
  }
  const names = TRTC_ENV_VARIABLES;
  const environment = createEnvironmentReader(AGENT_OWNER, options.env);
  const sdkAppId =
    options.sdkAppId ??
    environment.integer('sdkAppId', names.sdkAppId, { min: 1, max: 4_294_967_295 });
  if (sdkAppId === undefined) {
    throw environment.missing('sdkAppId', names.sdkAppId, 'the SDKAppID of your TRTC application');
  }
  const secretKey = options.secretKey ?? environment.text(names.sdkSecretKey);
  if (secretKey === undefined) {
    throw environment.missing(
      'secretKey',
      names.sdkSecretKey,
      "the SDK secret key of that application (not the Cloud API key), which signs the agent's UserSig",
    );
  }
  const publicUrl = options.publicUrl ?? environment.text(names.publicUrl);
  if (publicUrl === undefined) {
    throw environment.missing(
      'publicUrl',
      names.publicUrl,
      'the public URL at which TRTC reaches the agent, e.g. https://bot.example.com/trtc/v1',
    );
  }
  const model = checkModel(options.model);
  const state = checkState(options.state);
  const stateTimeoutMs =
    options.stateTimeoutMs === undefined
      ? 5000
      : checkInteger(
          options.stateTimeoutMs,
          { owner: AGENT_OWNER, name: 'stateTimeoutMs' },
          { min: 1 },
        );
  const tokenSecret =
    options.tokenSecret === undefined
      ? undefined
      : checkSecretInput(options.tokenSecret, TOKEN_SECRET_OPTION);
  if (typeof tokenSecret === 'string' && tokenSecret.length < MIN_TOKEN_SECRET_LENGTH) {
    throw optionError(
      TOKEN_SECRET_OPTION,
      `at least ${MIN_TOKEN_SECRET_LENGTH} characters`,
      tokenSecret,
    );
  }
  return {
    trtc:
      options.trtc === undefined ? createTrtcClient({ env: options.env }) : checkTrtc(options.trtc),
    sdkAppId: checkInteger(
      sdkAppId,
      { owner: AGENT_OWNER, name: 'sdkAppId', envVariable: 'TRTC_SDK_APP_ID' },
      { min: 1, max: 4_294_967_295 },
    ),
    secretKey: checkSecretInput(secretKey, AGENT_SECRET_KEY_OPTION),
    tokenSecret,
    model,
    apiUrl: apiUrlOf(publicUrl),
    agentUserId:
      options.agentUserId === undefined
        ? 'imbridge-voice-agent'
        : checkAgentUserId(options.agentUserId, 'agentUserId'),
    tokenTtlMs:
      1000 *
      (options.tokenTtlSeconds === undefined
        ? 7200
        : checkInteger(
            options.tokenTtlSeconds,
            { owner: AGENT_OWNER, name: 'tokenTtlSeconds' },
            { min: 60, max: 86_400 },
          )),
    userSigTtlSeconds:
      options.userSigTtlSeconds === undefined
        ? 86_400
        : checkInteger(
            options.userSigTtlSeconds,
            { owner: AGENT_OWNER, name: 'userSigTtlSeconds' },
            { min: 60 },
          ),
    state: state === undefined ? memoryState() : withStateTimeouts(state, stateTimeoutMs),
    keyPrefix:
      options.keyPrefix === undefined
        ? 'imbridge:trtc-agent:'
        : checkNonEmptyString(options.keyPrefix, { owner: AGENT_OWNER, name: 'keyPrefix' }),
    historyTurns:
      options.historyTurns === undefined
        ? 20
        : checkInteger(
            options.historyTurns,
            { owner: AGENT_OWNER, name: 'historyTurns' },
            { min: 1 },
          ),
    modelName:
      options.modelName === undefined
        ? model.modelId
        : checkNonEmptyString(options.modelName, { owner: AGENT_OWNER, name: 'modelName' }),
    maxBodyBytes:
      options.maxBodyBytes === undefined
        ? 1_048_576
        : checkInteger(
            options.maxBodyBytes,
            { owner: AGENT_OWNER, name: 'maxBodyBytes' },
            { min: 1 },
          ),
    now: options.now ?? Date.now,
  };
}
