import { checkInteger, checkOneOf, type LoggerOption, optionError } from '@imbridge/core';
import type { EnvironmentReader } from '@imbridge/provider-utils';
import {
  checkSecretInput,
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
  type SecretInput,
} from '@imbridge/provider-utils';
import { TENCENT_CHAT_ENV_VARIABLES } from '../client/environment.ts';
import type { TencentChatClientOptions } from '../client/options.ts';
import type { TencentChatClient } from '../client/types.ts';

/** How replies are streamed into Tencent Cloud Chat. */
export type TencentStreamMode =
  /** The chatbot custom-message protocol (`chatbotPlugin: 2`): send, then modify with cumulative `chunks`, last update `isFinished: 1`. */
  | 'custom-message'
  /** Native `TIMStreamElem` stream messages with delta chunks (≤ 5 updates/s per message). */
  | 'stream-elem'
  /** A plain text message modified with the whole text (works on every client; no finished flag). */
  | 'text-modify';

/**
 * Options of {@link createTencentChatAdapter}. Each setting that has an environment variable
 * (see {@link TENCENT_CHAT_ENV_VARIABLES}) is read from it when left out; an option given in code
 * always wins.
 */
export interface TencentChatAdapterOptions extends TencentChatClientOptions {
  /**
   * The console's callback token: every webhook must carry a valid `Sign` (60 s window). Left
   * out: read from `TENCENT_IM_CALLBACK_TOKEN`. Required from one or the other unless
   * `verifySignatures` is `false` — a missing token never turns the check off by itself.
   */
  callbackToken?: SecretInput | undefined;
  /**
   * `false` accepts unsigned webhooks (a console without callback authentication, local
   * experiments); a warning is logged once. Only code can turn the check off: there is no
   * environment variable for it. @default true
   */
  verifySignatures?: boolean | undefined;
  /**
   * How replies are streamed. Left out: read from `TENCENT_IM_STREAM_MODE`.
   * @default 'custom-message'
   */
  streamMode?: TencentStreamMode | undefined;
  /**
   * Robots this bot answers for; webhooks for other robots are ignored. Left out: read from
   * `TENCENT_IM_ROBOT_ID` (one id, or several separated by commas).
   * @default every `@RBT#` account
   */
  robotIds?: string[] | undefined;
  /** Minimum time between updates of one reply. @default 500 (custom-message, text-modify), 250 (stream-elem) */
  minUpdateIntervalMs?: number | undefined;
  /**
   * Text budget of one message, in UTF-8 bytes; longer replies continue in follow-up messages
   * (or stop, per the bot's overflow policy). @default 9216 (leaves room for JSON escaping under the 12 KB cap)
   */
  maxTextBytes?: number | undefined;
  /** Hard cap of a message body (`JSON.stringify(MsgBody)` bytes). @default 12288 */
  messageSizeCapBytes?: number | undefined;
  /**
   * `stream-elem` mode: Tencent ends a native stream message when no chunk arrives for this long
   * (15 s documented). A reply whose model pauses longer continues in a new stream message
   * instead of being lost. @default 15_000
   */
  streamIdleLimitMs?: number | undefined;
  /**
   * Retries of the calls that finish a reply (and of the error message). A reply left
   * unfinished stays "generating" on the user's screen, so it gets far more than the client's
   * `retry`: it is retried until a deadline, `maxElapsedMs` from the start of the final update
   * (30 s by default; its follow-up messages share it), 500 ms doubling to 4 s apart — at most
   * 11 requests in those 30 s — and only then is the failure reported. A vendor outage of a few
   * seconds (a burst of 502s, a restarting gateway) no longer outlasts it. The `signal` of
   * `finish` / `postError` stops the retries at once. Every retried send repeats the same
   * dedupe keys and body, so a retry after a lost answer never shows a second message.
   * Intermediate updates are never retried (the next update carries newer text).
   * @default { maxRetries: 20, initialDelayMs: 500, maxDelayMs: 4_000, maxElapsedMs: 30_000 }
   */
  finalUpdateRetry?: RetryOptions | undefined;
  /**
   * Use an existing client (shares its UserSig cache and rate limits). The connection options
   * (`sdkAppId`, `secretKey`, `adminUserId`, `region`, `baseUrl`) are then neither needed nor read.
   */
  client?: TencentChatClient | undefined;
  /**
   * Where rejected webhooks (bad `Sign`, wrong app, bad JSON, oversized body) and the
   * `verifySignatures: false` warning are logged; pass the bot's logger. `false` for silence.
   * @default warnings and errors to the console
   */
  logger?: LoggerOption;
}

/** {@link TencentChatAdapterOptions} checked, with defaults. */
export interface TencentAdapterSettings {
  callbackToken: SecretInput | undefined;
  verifySignatures: boolean;
  streamMode: TencentStreamMode;
  robotIds: readonly string[] | undefined;
  minUpdateIntervalMs: number;
  maxTextBytes: number;
  messageSizeCapBytes: number;
  streamIdleLimitMs: number;
  finalUpdateRetry: ResolvedRetryOptions;
}

/**
 * The final update's retries unless told otherwise: retried until 30 s have passed since the
 * final update started (the deadline ends it; `maxRetries` is only a cap for short delays), 500 ms
 * doubling to 4 s apart: at most 11 requests.
 */
export const DEFAULT_FINAL_UPDATE_RETRY: ResolvedRetryOptions = {
  maxRetries: 20,
  initialDelayMs: 500,
  maxDelayMs: 4_000,
  maxElapsedMs: 30_000,
};

const OWNER = 'createTencentChatAdapter';
const MODES: readonly TencentStreamMode[] = ['custom-message', 'stream-elem', 'text-modify'];

function optionalInteger(
  value: number | undefined,
  name: string,
  fallback: number,
  min: number,
): number {
  return value === undefined ? fallback : checkInteger(value, { owner: OWNER, name }, { min });
}

/**
 * Checks the adapter's own options when it is created, reading those left out from the
 * environment. A missing `callbackToken` fails here (not as a 401 on every webhook) unless
 * `verifySignatures: false` says so explicitly.
 */
export function resolveAdapterSettings(
  options: TencentChatAdapterOptions,
  environment: EnvironmentReader,
): TencentAdapterSettings {
  const names = TENCENT_CHAT_ENV_VARIABLES;
  const verifySignatures = options.verifySignatures !== false;
  let callbackToken: SecretInput | undefined;
  if (verifySignatures) {
    const token = options.callbackToken ?? environment.text(names.callbackToken);
    if (token === undefined) {
      throw environment.missing(
        'callbackToken',
        names.callbackToken,
        'the callback token from the console (or pass verifySignatures: false to accept unsigned webhooks — not for production)',
      );
    }
    callbackToken = checkSecretInput(token, {
      owner: OWNER,
      name: 'callbackToken',
      envVariable: names.callbackToken,
    });
  }
  const streamMode =
    options.streamMode === undefined
      ? (environment.oneOf('streamMode', names.streamMode, MODES) ?? 'custom-message')
      : checkOneOf(
          options.streamMode,
          { owner: OWNER, name: 'streamMode', envVariable: names.streamMode },
          MODES,
        );
  const robotIds = options.robotIds ?? environment.list(names.robotIds);
  if (robotIds !== undefined) {
    const reference = { owner: OWNER, name: 'robotIds', envVariable: names.robotIds };
    if (!Array.isArray(robotIds) || robotIds.length === 0) {
      throw optionError(reference, 'a non-empty array of @RBT# robot ids', robotIds);
    }
    for (const robotId of robotIds) {
      if (typeof robotId !== 'string' || !robotId.startsWith('@RBT#')) {
        throw optionError(reference, 'robot ids that start with @RBT#', robotId);
      }
    }
  }
  const messageSizeCapBytes = optionalInteger(
    options.messageSizeCapBytes,
    'messageSizeCapBytes',
    12 * 1024,
    1024,
  );
  return {
    callbackToken,
    verifySignatures,
    streamMode,
    robotIds,
    minUpdateIntervalMs: optionalInteger(
      options.minUpdateIntervalMs,
      'minUpdateIntervalMs',
      streamMode === 'stream-elem' ? 250 : 500,
      0,
    ),
    maxTextBytes: optionalInteger(options.maxTextBytes, 'maxTextBytes', 9 * 1024, 16),
    messageSizeCapBytes,
    streamIdleLimitMs: optionalInteger(options.streamIdleLimitMs, 'streamIdleLimitMs', 15_000, 100),
    finalUpdateRetry: resolveRetryOptions(
      options.finalUpdateRetry,
      DEFAULT_FINAL_UPDATE_RETRY,
      `${OWNER}: finalUpdateRetry`,
    ),
  };
}
