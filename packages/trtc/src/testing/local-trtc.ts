/**
 * A local TRTC: a real HTTP server on 127.0.0.1 that answers the AI-conversation actions of the
 * TRTC API 3.0 like Tencent does, calls the customer's LLM for each simulated utterance, and
 * posts TRTC's webhooks. Node only (it imports `node:http`); for tests and demos, never for
 * production.
 *
 * This file only composes the parts: the options, the TC3 checks, the task store and the action
 * handlers, the turns, fault injection, webhook delivery and the loopback listener.
 *
 * @module
 */
import { conversationHandlers } from './api-conversation.ts';
import { dispatch } from './dispatch.ts';
import { LocalTRTCTaskNotFoundError } from './errors.ts';
import { createFaultQueue } from './faults.ts';
import { listenOnLoopback } from './http-server.ts';
import { resolveLocalTRTCOptions } from './options.ts';
import { createTaskStore } from './task-store.ts';
import { createTurnRunner } from './turns.ts';
import type {
  LocalTRTC,
  LocalTRTCOptions,
  LocalTRTCPushedText,
  LocalTRTCRequestRecord,
} from './types.ts';
import { createWebhookSender } from './webhook-delivery.ts';

/**
 * Starts a local TRTC on 127.0.0.1 for the AI-conversation API (`trtc`, version `2019-07-22`):
 *
 * - **TC3 signatures** are recomputed from each request as received (the `Authorization`
 *   header's scope and signed headers, the exact body bytes) and the timestamp must be within 5
 *   minutes of `now`: failures answer `AuthFailure.InvalidAuthorization`,
 *   `AuthFailure.SecretIdNotFound`, `AuthFailure.SignatureExpire` or
 *   `AuthFailure.SignatureFailure` in the API 3.0 error envelope (HTTP 200). `X-TC-Action`,
 *   `X-TC-Version: 2019-07-22` and `X-TC-Region` are required (`MissingParameter`,
 *   `NoSuchVersion`, `InvalidAction` otherwise).
 * - **Tasks**: `StartAIConversation` checks its required fields (`SdkAppId` — this app's —,
 *   `RoomId`, `AgentConfig.UserId`/`UserSig`/`TargetUserId`, `LLMConfig` as a JSON string with
 *   `LLMType`, `Model`, `APIKey`, an http(s) `APIUrl` and well-typed optional fields,
 *   `TTSConfig` as a JSON string of an object) and answers a `TaskId`; a second Start with the
 *   `SessionId` of a running task answers `FailedOperation.TaskExist`.
 *   `DescribeAIConversation` (by `TaskId`, or `SdkAppId` + `SessionId`) answers `InProgress`;
 *   `StopAIConversation` ends the task and aborts its running turns. `UpdateAIConversation`
 *   changes `WelcomeMessage`, `InterruptMode`, `InterruptSpeechDuration`, `TTSConfig`, and
 *   `LLMConfig` for the turns that start after it. `ControlAIConversation` records a
 *   `ServerPushText` ({@link LocalTRTC.pushedTexts}; `AddHistory` puts its text into the LLM
 *   history as an assistant message) and runs an `InvokeLLM` turn in the background (see
 *   {@link LocalTRTC.turns}); another `Command` answers `InvalidParameterValue`. Every action
 *   but Start and Describe answers `FailedOperation.TaskNotExist` for an unknown or stopped task.
 * - **The customer's LLM**: {@link LocalTRTC.simulateUtterance} plays a user's sentence; the
 *   local TRTC POSTs an OpenAI chat-completions request to `LLMConfig.APIUrl` with
 *   `Authorization: Bearer <APIKey>` and TRTC's `X-Task-Id`, `X-Request-Id`, `X-Sdk-App-Id`,
 *   `X-User-Id`, `X-Room-Id`, `X-Room-Id-Type` headers (and `X-Invoke-LLM: 1` for `InvokeLLM`);
 *   the body has `model`, `messages` (system prompt, `UserMessages`, the last `History` rounds,
 *   the user's text), `stream` (`Streaming`, default true), `max_tokens`/`temperature`/`top_p`
 *   when set, and `ExtraBody` merged. It reads an SSE stream of `chat.completion.chunk` up to
 *   `data: [DONE]` as it arrives, or a `chat.completion` JSON. `LLMConfig.Timeout` (default 3 s)
 *   bounds the wait for the first chunk of the answer.
 * - **Webhooks**: with `callbackUrl`, a task's start (901, `Status: 0`) and stop (902,
 *   `LeaveCode: 0`), and per turn 904 and 903 for the user's sentence, then 903 and 905 for the
 *   bot's reply or 908 (`Metric: 'llm_error'`, `Tag: { RoundId, Code, Message }`) for a failed
 *   LLM call, are POSTed with the `SdkAppId` header, signed with `callbackKey` when set. A failed
 *   POST is retried at once, then every `webhookRetry.intervalMs` while the message is at most
 *   `webhookRetry.maxAgeMs` old; `close()` stops the retries.
 *
 * Emulator assumptions (the vendor docs are silent): authentication is checked after the action
 * and version headers are present and before the action is looked up; an SdkAppId of another
 * app answers `FailedOperation.SdkAppIdNotUnderAppId`; `StartTime` is an ISO 8601 string; a task
 * is `InProgress` as soon as Start answers. For the LLM: the key goes in `Authorization: Bearer`;
 * `MaxTokens`/`Temperature`/`TopP` map to `max_tokens`/`temperature`/`top_p`; `ExtraBody` is
 * spread last into the body (it may replace a field); `MetaInfo` is not sent; every `LLMType` is
 * called with the OpenAI protocol; a round of history is a completed turn's user message and
 * reply, or one `ServerPushText` with `AddHistory` (an assistant message); failed and aborted
 * turns stay out of the history, and the last 50 rounds are kept; an `InvokeLLM` turn sends its
 * `Content` as the user message with `X-User-Id` of the target user and raises no 904 or user
 * 903; `Timeout` bounds the time until the first chunk of the answer (headers and first body
 * bytes), not the whole reply; an SSE answer is chosen by its `Content-Type:
 * text/event-stream` (whatever `stream` asked for), and a stream that ends without `[DONE]`
 * counts as complete; an `{"error": …}` object (mid-stream or as the JSON answer) fails the turn;
 * the LLM call is never retried; turns of one task may overlap (a new utterance does not
 * interrupt the previous turn), but `Interrupt: true` on a `ServerPushText` or `InvokeLLM`
 * aborts the task's running turns; `StopAfterPlay` stops the task at once (nothing is played);
 * `RoundId` is a random UUID; 903 `StartTimeMs`/`EndTimeMs` are unix milliseconds of the `now`
 * clock; 908 `Code` is the HTTP status, the LLM's `error.code`, or the failure name
 * (`timeout`, `network-error`, `llm-error`, `invalid-response`); an aborted turn raises no bot
 * webhook. For webhooks: the first POSTs go out in the order the events were raised (each after
 * the previous one and its immediate retry); a message's age is measured on the real clock, not
 * `now`; a retry is made only if the message will be at most `maxAgeMs` old when it is sent.
 *
 * @throws {ValidationError} code `invalid-option` for a bad option (an empty SecretId or key, an
 *   SdkAppId or port out of range, a callback URL that is not absolute, a bad retry schedule).
 * @example
 * ```ts
 * const local = await createLocalTRTC({
 *   secretId: 'AKIDlocal', secretKey: 'local-key', sdkAppId: 1400000000,
 *   callbackUrl: 'http://127.0.0.1:3000/trtc/webhook', callbackKey: 'abc123',
 * });
 * // point the client under test at local.baseUrl and start a task, then:
 * const turn = await local.simulateUtterance(taskId, 'Hello!');
 * console.log(turn.status, turn.replyText);
 * await local.flushWebhooks();
 * console.log(local.webhooks.map((webhook) => webhook.eventType)); // [901, 904, 903, 903, 905]
 * await local.close();
 * ```
 * @see https://trtc.io/document/64963
 * @see https://trtc.io/document/68338
 * @see https://trtc.io/document/68331
 */
export async function createLocalTRTC(options: LocalTRTCOptions): Promise<LocalTRTC> {
  const config = resolveLocalTRTCOptions(options);
  const tasks = createTaskStore();
  const webhooks = createWebhookSender(config);
  const turns = createTurnRunner({ sdkAppId: config.sdkAppId, now: config.now, webhooks });
  const faults = createFaultQueue();
  const requests: LocalTRTCRequestRecord[] = [];
  const pushedTexts: LocalTRTCPushedText[] = [];
  const handlers = conversationHandlers({
    sdkAppId: config.sdkAppId,
    tasks,
    now: config.now,
    onTaskEvent: (eventType, task) =>
      webhooks.send(eventType, task, eventType === 901 ? { Status: 0 } : { LeaveCode: 0 }),
    invokeLLM: (task, content) => {
      void turns.run(task, content, { invokeLLM: true });
    },
    abortTurns: (taskId) => turns.abortTask(taskId),
    pushedTexts,
  });
  const context = { credentials: config, now: config.now, handlers, faults, requests };
  const server = await listenOnLoopback(config.port, async (request) => dispatch(context, request));
  return {
    baseUrl: server.baseUrl,
    get requests() {
      return requests.map((request) => ({ ...request }));
    },
    get tasks() {
      return tasks.list();
    },
    get webhooks() {
      return webhooks.records();
    },
    get turns() {
      return turns.records();
    },
    get pushedTexts() {
      return pushedTexts.map((pushed) => ({ ...pushed }));
    },
    simulateUtterance: async (taskId, text, utterance = {}) => {
      const task = tasks.runningById(taskId);
      if (task === undefined) throw new LocalTRTCTaskNotFoundError(taskId);
      return turns.run(task, text, { invokeLLM: false, signal: utterance.signal });
    },
    flushTurns: () => turns.flush(),
    failNext: (action, fault, times = 1) => faults.add(action, fault, times),
    flushWebhooks: () => webhooks.flush(),
    close: async () => {
      await turns.close();
      await server.close();
      await webhooks.close();
    },
  };
}
