/**
 * A ready request handler for TRTC's callbacks: verify, parse, hand the event over, answer —
 * with every refusal and every failure in the log.
 *
 * @module
 */
import {
  createLogEmitter,
  describeError,
  type LoggerOption,
  optionError,
  type RequestHandler,
} from '@imbridge/core';
import { createEnvironmentReader } from '@imbridge/provider-utils';
import { TRTC_ENV_VARIABLES } from '../client/options.ts';
import { type ParseTrtcWebhookOptions, parseTrtcWebhook } from './parse.ts';
import { rejectionReason, webhookAcknowledgement, webhookRejection } from './responses.ts';
import type { TRTCWebhook } from './types.ts';

const OWNER = 'createTrtcWebhookHandler';

/** The `platform` of the handler's log entries. */
export const TRTC_WEBHOOK_PLATFORM = 'trtc';

/**
 * Options of {@link createTrtcWebhookHandler}. `callbackKey` left out is read from
 * `TRTC_CALLBACK_KEY`; a key in neither is an error at creation unless `verifySignatures` is
 * `false`.
 */
export interface TRTCWebhookHandlerOptions extends ParseTrtcWebhookOptions {
  /**
   * Called with each verified callback before it is acknowledged. A throw (or rejection) answers
   * 500, so TRTC delivers the callback again (at once, then every 10 s for a minute): make the
   * work idempotent (a callback's `taskId`, `kind` and `eventTimeMs` identify it) and quick
   * (TRTC waits 5 s).
   */
  onWebhook: (webhook: TRTCWebhook) => void | Promise<void>;
  /**
   * Where refused callbacks (`webhook-rejected`, with the status and reason) and failures of
   * `onWebhook` (`webhook-failed`) go, and the warning when `verifySignatures` is `false`.
   *
   * @default warnings and errors to the console
   */
  logger?: LoggerOption;
  /**
   * Where `callbackKey` is read from when left out: the environment variables by name, e.g. the
   * `env` a Cloudflare Worker's `fetch` handler receives. When given, it is the only source.
   *
   * @default globalThis.process.env where there is one, otherwise nothing
   */
  env?: object | undefined;
}

/**
 * Handles TRTC's server callbacks: each request is verified and parsed with
 * {@link parseTrtcWebhook}, given to `onWebhook`, and answered `{"code":0}` (200). A forged or
 * unsigned callback answers 401, a malformed or oversized one 400 or 413 — each logged as
 * `webhook-rejected` with its reason, never with the key or the body. Mount it on the callback
 * URL set in the TRTC console, e.g. with `toNodeListener` from `@imbridge/core`.
 *
 * @throws {ValidationError} at creation when `onWebhook` is not a function, or when neither
 *   `callbackKey` (nor `TRTC_CALLBACK_KEY`) nor `verifySignatures: false` is given.
 * @example
 * ```ts
 * // The callback key from TRTC_CALLBACK_KEY
 * const handler = createTrtcWebhookHandler({
 *   onWebhook: (webhook) => {
 *     if (webhook.kind === 'message') console.log(webhook.userId, webhook.text);
 *   },
 * });
 * createServer(toNodeListener(handler)).listen(8081);
 * ```
 */
export function createTrtcWebhookHandler(options: TRTCWebhookHandlerOptions): RequestHandler {
  const { onWebhook, logger, env, ...given } = options;
  const environment = createEnvironmentReader(OWNER, env);
  const parseOptions: ParseTrtcWebhookOptions = {
    ...given,
    callbackKey: given.callbackKey ?? environment.text(TRTC_ENV_VARIABLES.callbackKey),
  };
  if (typeof onWebhook !== 'function') {
    throw optionError({ owner: OWNER, name: 'onWebhook' }, 'a function', onWebhook);
  }
  const log = createLogEmitter(logger);
  if (parseOptions.verifySignatures === false) {
    log('warn', { event: 'signature-check-disabled', platform: TRTC_WEBHOOK_PLATFORM });
  } else if (parseOptions.callbackKey === undefined) {
    // Fails now, naming the option, rather than refusing every callback later.
    throw environment.missing(
      'callbackKey',
      TRTC_ENV_VARIABLES.callbackKey,
      'the callback signing key from the TRTC console (or verifySignatures: false — not for production)',
    );
  }

  return async (request) => {
    let webhook: TRTCWebhook;
    try {
      webhook = await parseTrtcWebhook(request, parseOptions);
    } catch (error) {
      const response = webhookRejection(error);
      log(response.status >= 500 ? 'error' : 'warn', {
        event: 'webhook-rejected',
        platform: TRTC_WEBHOOK_PLATFORM,
        statusCode: response.status,
        reason: rejectionReason(error),
        error: describeError(error),
      });
      return response;
    }
    try {
      await onWebhook(webhook);
    } catch (error) {
      log('error', {
        event: 'webhook-failed',
        platform: TRTC_WEBHOOK_PLATFORM,
        error: describeError(error),
      });
      return new Response(JSON.stringify({ code: 500, errorMessage: 'handler failed' }), {
        status: 500,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
    }
    return webhookAcknowledgement();
  };
}
