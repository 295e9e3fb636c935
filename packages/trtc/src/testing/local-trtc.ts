/**
 * A local TRTC: a real HTTP server on 127.0.0.1 that answers the AI-conversation actions of the
 * TRTC API 3.0 like Tencent does. Node only (it imports `node:http`); for tests and demos, never
 * for production.
 *
 * This file only composes the parts: the options, the TC3 checks, the task store and the action
 * handlers, fault injection, webhook delivery and the loopback listener.
 *
 * @module
 */
import { conversationHandlers } from './api-conversation.ts';
import { dispatch } from './dispatch.ts';
import { createFaultQueue } from './faults.ts';
import { listenOnLoopback } from './http-server.ts';
import { resolveLocalTRTCOptions } from './options.ts';
import { createTaskStore } from './task-store.ts';
import type { LocalTRTC, LocalTRTCOptions, LocalTRTCRequestRecord } from './types.ts';
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
 *   `LLMType`, `Model`, `APIKey`, `APIUrl`, `TTSConfig` as a JSON string of an object) and
 *   answers a `TaskId`; a second Start with the `SessionId` of a running task answers
 *   `FailedOperation.TaskExist`. `DescribeAIConversation` (by `TaskId`, or `SdkAppId` +
 *   `SessionId`) answers `InProgress`; `StopAIConversation` ends the task. Describe and Stop of
 *   an unknown or stopped task answer `FailedOperation.TaskNotExist`.
 * - **Webhooks**: with `callbackUrl`, a task's start (901, `Status: 0`) and stop (902,
 *   `LeaveCode: 0`) are POSTed with the `SdkAppId` header, signed with `callbackKey` when set.
 *
 * Emulator assumptions (the vendor docs are silent): authentication is checked after the action
 * and version headers are present and before the action is looked up; an SdkAppId of another
 * app answers `FailedOperation.SdkAppIdNotUnderAppId`; `StartTime` is an ISO 8601 string; a task
 * is `InProgress` as soon as Start answers; a webhook is tried once (TRTC retries for a minute).
 * The local TRTC does not call the `LLMConfig.APIUrl`.
 *
 * @throws {ValidationError} code `invalid-option` for a bad option (an empty SecretId or key, an
 *   SdkAppId or port out of range, a callback URL that is not absolute).
 * @example
 * ```ts
 * const local = await createLocalTRTC({
 *   secretId: 'AKIDlocal', secretKey: 'local-key', sdkAppId: 1400000000,
 *   callbackUrl: 'http://127.0.0.1:3000/trtc/webhook', callbackKey: 'abc123',
 * });
 * // point the client under test at local.baseUrl, start and stop a task, then:
 * await local.flushWebhooks();
 * console.log(local.tasks, local.webhooks.map((webhook) => webhook.eventType)); // [901, 902]
 * await local.close();
 * ```
 * @see https://trtc.io/document/64963
 */
export async function createLocalTRTC(options: LocalTRTCOptions): Promise<LocalTRTC> {
  const config = resolveLocalTRTCOptions(options);
  const tasks = createTaskStore();
  const webhooks = createWebhookSender(config);
  const faults = createFaultQueue();
  const requests: LocalTRTCRequestRecord[] = [];
  const handlers = conversationHandlers({
    sdkAppId: config.sdkAppId,
    tasks,
    now: config.now,
    onTaskEvent: (eventType, task) =>
      webhooks.send(eventType, task, eventType === 901 ? { Status: 0 } : { LeaveCode: 0 }),
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
    failNext: (action, fault, times = 1) => faults.add(action, fault, times),
    flushWebhooks: () => webhooks.flush(),
    close: async () => {
      await server.close();
      await webhooks.flush();
    },
  };
}
