/**
 * Voice agents: a TRTC AI conversation whose LLM is any `@imbridge/llm` model, served from your
 * own server behind per-session keys.
 *
 * @module
 */

import type { RequestHandler } from '@imbridge/core';
import { APICallError, createLogEmitter, describeError, ValidationError } from '@imbridge/core';
import { resolveSecret } from '@imbridge/provider-utils';
import { genUserSig } from '@imbridge/tencent-chat/user-sig';
import { createSessionAuthenticator } from './session-auth.ts';
import { bindSessionMemory, VOICE_AGENT_PLATFORM } from './session-model.ts';
import { createSessionStore, type SessionStore } from './session-store.ts';
import { deriveSessionKey, mintSessionToken } from './session-token.ts';
import {
  AGENT_OWNER,
  AGENT_SECRET_KEY_OPTION,
  checkAgentUserId,
  MIN_TOKEN_SECRET_LENGTH,
  resolveVoiceAgentSettings,
  TOKEN_SECRET_OPTION,
  type VoiceAgentSettings,
} from './voice-agent-options.ts';
import type {
  VoiceAgent,
  VoiceAgentOptions,
  VoiceAgentSession,
  VoiceAgentTarget,
} from './voice-agent-types.ts';

/** The signing key of the session keys, derived once per secret (the secret may rotate). */
function sessionKeySource(settings: VoiceAgentSettings): () => Promise<Uint8Array> {
  let cached: { secret: string; key: Promise<Uint8Array> } | undefined;
  return async () => {
    const fromOption = settings.tokenSecret !== undefined;
    const secret = fromOption
      ? await resolveSecret(
          settings.tokenSecret as NonNullable<typeof settings.tokenSecret>,
          TOKEN_SECRET_OPTION,
        )
      : await resolveSecret(settings.secretKey, AGENT_SECRET_KEY_OPTION);
    if (fromOption && secret.length < MIN_TOKEN_SECRET_LENGTH) {
      throw new ValidationError({
        message: `${AGENT_OWNER}: tokenSecret must be at least ${MIN_TOKEN_SECRET_LENGTH} characters`,
        code: 'invalid-option',
      });
    }
    if (cached?.secret !== secret) cached = { secret, key: deriveSessionKey(secret) };
    return cached.key;
  };
}

function isTaskGone(error: unknown): boolean {
  return APICallError.isInstance(error) && error.providerCode === 'FailedOperation.TaskNotExist';
}

/** The task, session and key of a target, as far as they are known. */
async function resolveTarget(
  store: SessionStore,
  target: VoiceAgentTarget,
): Promise<{
  taskId: string | undefined;
  sessionId: string | undefined;
  keyId: string | undefined;
}> {
  const taskId =
    'taskId' in target && typeof target.taskId === 'string'
      ? target.taskId
      : await store.taskOfSession((target as { sessionId: string }).sessionId);
  const link = taskId === undefined ? undefined : await store.linkOfTask(taskId);
  return {
    taskId,
    sessionId: link?.sessionId ?? ('sessionId' in target ? target.sessionId : undefined),
    keyId: link?.keyId,
  };
}

/**
 * Creates a voice agent: TRTC turns the room's speech into text, calls {@link VoiceAgent.handler}
 * on your server for the answer, and speaks it.
 *
 * - `start({ roomId, targetUserId })` makes the agent's UserSig, mints a short-lived key (a JWT,
 *   HS256) naming the session, room and users, and starts the conversation with `LLMConfig`
 *   pointing at `publicUrl` with that key as `APIKey`. TRTC keeps no history (`History: 0`):
 *   the endpoint keeps each session's conversation in `state` and gives it to the model.
 * - `handler` is the OpenAI-compatible endpoint of `@imbridge/llm`: a request without a live key
 *   of this agent, or whose `X-Room-Id` / `X-User-Id` do not match the key's session, or of a
 *   stopped session, gets a 401 (logged with its reason) and never reaches the model. A dropped
 *   connection (TRTC hangs up when the user interrupts) aborts the model.
 * - `stop` refuses the session's key from then on and stops the task; `say` makes the agent
 *   speak (`ServerPushText`); `describe` reads the task's state; `handleWebhook` refuses the key
 *   of a task TRTC reports stopped (902: the user left, the room was dismissed…).
 *
 * Every option left out that has an environment variable is read from it at creation:
 * `sdkAppId` (`TRTC_SDK_APP_ID`), `secretKey` (`TRTC_SECRET_KEY`), `publicUrl`
 * (`TRTC_AGENT_PUBLIC_URL`), and, without `trtc`, the client's (`TENCENTCLOUD_*`, `TRTC_ENDPOINT`,
 * `TRTC_BASE_URL`); from `process.env` or the `env` option. An option given in code always wins.
 *
 * @throws {ValidationError} code `invalid-option` at creation for a bad option or variable, or a
 *   required setting in neither the options nor the environment (naming the option and the
 *   variable, never showing a secret).
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { toNodeListener } from '@imbridge/core';
 * import { createDify } from '@imbridge/llm';
 * import { createVoiceAgent } from '@imbridge/trtc';
 *
 * // TRTC_SDK_APP_ID, TRTC_SECRET_KEY, TRTC_AGENT_PUBLIC_URL, TENCENTCLOUD_SECRET_ID / _KEY / _REGION
 * const agent = createVoiceAgent({
 *   model: createDify({ apiKey: process.env.DIFY_API_KEY ?? '', app: 'chat' }),
 *   ttsConfig: { type: 'flow', voiceId: 'v-female-R2s4N9qJ', model: 'flow_01_turbo' },
 * });
 * createServer(toNodeListener(agent.handler)).listen(8080);
 * const { taskId } = await agent.start({ roomId: 1234, targetUserId: 'alice' });
 * ```
 */
export function createVoiceAgent(options: VoiceAgentOptions): VoiceAgent {
  const settings = resolveVoiceAgentSettings(options);
  const { trtc, sdkAppId, apiUrl, now } = settings;
  const log = createLogEmitter(options.logger);
  const store = createSessionStore(
    settings.state,
    `${settings.keyPrefix}${sdkAppId}:`,
    settings.historyTurns,
    now,
  );
  const sessionKey = sessionKeySource(settings);
  const stateFailed = (id: string, operation: string, error: unknown, level: 'warn' | 'error') =>
    log(level, {
      event: 'state-failed',
      platform: VOICE_AGENT_PLATFORM,
      conversationId: id,
      operation,
      error: describeError(error),
    });
  // @imbridge/llm loads with the first request to the endpoint, not at import.
  let endpoint: Promise<RequestHandler> | undefined;
  const handler: RequestHandler = async (request) => {
    endpoint ??= import('@imbridge/llm').then(({ createOpenAICompatibleHandler }) =>
      createOpenAICompatibleHandler({
        model: bindSessionMemory(settings.model, store, log),
        modelName: settings.modelName,
        authenticate: createSessionAuthenticator({ key: sessionKey, apiUrl, store, now }),
        maxBodyBytes: settings.maxBodyBytes,
        logger: options.logger,
      }),
    );
    return (await endpoint)(request);
  };

  return {
    handler,
    apiUrl,

    async start(start) {
      const { signal, timeoutMs, retry, region } = start;
      const call = { signal, timeoutMs, retry, region };
      const agentUserId =
        start.agentUserId === undefined
          ? settings.agentUserId
          : checkAgentUserId(start.agentUserId, 'start.agentUserId');
      const sessionId = start.sessionId ?? crypto.randomUUID();
      const nowMs = now();
      const expiresAtMs = nowMs + settings.tokenTtlMs;
      const keyId = crypto.randomUUID();
      const [secretKey, key] = await Promise.all([
        resolveSecret(settings.secretKey, AGENT_SECRET_KEY_OPTION),
        sessionKey(),
      ]);
      const userSig = await genUserSig({
        sdkAppId,
        secretKey,
        userId: agentUserId,
        expiresInSeconds: settings.userSigTtlSeconds,
        nowSeconds: Math.floor(nowMs / 1000),
      });
      const apiKey = await mintSessionToken(
        key,
        apiUrl,
        {
          sessionId,
          sdkAppId,
          roomId: String(start.roomId),
          roomIdType: typeof start.roomId === 'number' ? 0 : 1,
          targetUserId: start.targetUserId,
          agentUserId,
          expiresAtMs,
          keyId,
        },
        nowMs,
      );
      const systemPrompt = start.systemPrompt ?? options.llm?.systemPrompt;
      const welcomeMessage = start.welcomeMessage ?? options.agentConfig?.welcomeMessage;
      const result = await trtc.startAIConversation({
        ...call,
        sdkAppId,
        roomId: start.roomId,
        sessionId,
        agentConfig: {
          ...options.agentConfig,
          ...(welcomeMessage === undefined ? {} : { welcomeMessage }),
          userId: agentUserId,
          userSig,
          targetUserId: start.targetUserId,
        },
        llmConfig: {
          ...options.llm,
          ...(systemPrompt === undefined ? {} : { systemPrompt }),
          type: 'openai',
          model: settings.modelName,
          apiKey,
          apiUrl,
          streaming: true,
          history: 0,
        },
        ttsConfig: options.ttsConfig,
        ...(options.sttConfig === undefined ? {} : { sttConfig: options.sttConfig }),
      });
      const session = { sessionId, agentUserId, expiresAtMs, requestId: result.requestId };
      if (result.status === 'already-running') {
        let taskId: string | undefined;
        try {
          ({ taskId } = await trtc.describeAIConversation({ ...call, sdkAppId, sessionId }));
        } catch (error) {
          if (!isTaskGone(error)) throw error;
        }
        return { status: 'already-running', taskId, ...session } satisfies VoiceAgentSession;
      }
      try {
        await store.linkTask({ taskId: result.taskId, sessionId, keyId }, expiresAtMs);
      } catch (error) {
        // Unlinked, the task could not be stopped by session nor its key refused: undo the start.
        await trtc.stopAIConversation({ taskId: result.taskId }).catch(() => undefined);
        throw error;
      }
      return { status: 'started', taskId: result.taskId, ...session } satisfies VoiceAgentSession;
    },

    async stop(target) {
      const { signal, timeoutMs, retry, region } = target;
      const { taskId, sessionId, keyId } = await resolveTarget(store, target);
      // Revoke the key first: from here on the endpoint answers this task's key with 401. If the
      // state fails, the task is stopped all the same (TRTC stops calling) and the key lapses at
      // its expiry; the failure is logged.
      if (keyId !== undefined) {
        try {
          await store.revokeKey(keyId, now() + settings.tokenTtlMs);
        } catch (error) {
          stateFailed(sessionId ?? keyId, 'revoke-key', error, 'error');
        }
      }
      if (taskId === undefined) return { status: 'not-running', sessionId, requestId: undefined };
      try {
        const { requestId } = await trtc.stopAIConversation({
          signal,
          timeoutMs,
          retry,
          region,
          taskId,
        });
        return { status: 'stopped', sessionId, requestId };
      } catch (error) {
        if (isTaskGone(error)) return { status: 'not-running', sessionId, requestId: undefined };
        throw error;
      }
    },

    async describe(target) {
      const { signal, timeoutMs, retry, region } = target;
      const call = { signal, timeoutMs, retry, region };
      const described =
        'taskId' in target && typeof target.taskId === 'string'
          ? await trtc.describeAIConversation({ ...call, taskId: target.taskId })
          : await trtc.describeAIConversation({
              ...call,
              sdkAppId,
              sessionId: (target as { sessionId: string }).sessionId,
            });
      return {
        taskId: described.taskId,
        status: described.status,
        sessionId: described.sessionId,
        startTime: described.startTime,
        requestId: described.requestId,
      };
    },

    async handleWebhook(webhook) {
      if (webhook.kind !== 'agent-stopped') return;
      // The key of that task only: a session started again under the same id keeps its new key.
      const link = await store.linkOfTask(webhook.taskId);
      if (link !== undefined) await store.revokeKey(link.keyId, now() + settings.tokenTtlMs);
    },

    async say(say) {
      const { signal, timeoutMs, retry, region, taskId, text } = say;
      const result = await trtc.controlAIConversation({
        signal,
        timeoutMs,
        retry,
        region,
        taskId,
        command: 'server-push-text',
        text,
        interrupt: say.interrupt,
        stopAfterPlay: say.stopAfterPlay,
        dropMode: say.dropMode,
        priority: say.priority,
      });
      if (say.addHistory !== false) {
        // The text was said: a state failure costs the history entry, not the call.
        try {
          const sessionId = (await store.linkOfTask(taskId))?.sessionId;
          if (sessionId !== undefined) {
            await store.recordTurn(
              sessionId,
              { user: undefined, assistant: text },
              undefined,
              now() + settings.tokenTtlMs,
            );
          }
        } catch (error) {
          stateFailed(taskId, 'record-said', error, 'warn');
        }
      }
      return result;
    },
  };
}
