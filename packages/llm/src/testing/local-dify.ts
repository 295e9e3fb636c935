/**
 * A local Dify: a real HTTP server on 127.0.0.1 that answers the Service API a Dify model calls
 * (`/chat-messages`, `/completion-messages`, `/workflows/run` and their stop routes) like Dify
 * does, keeps conversations per user, and records every request. Node only (it imports
 * `node:http`); for tests and demos, never for production.
 *
 * This file only composes the parts: the checked options and state (`store.ts`), the listener
 * (`http-server.ts`), the dispatcher and its handlers (`dispatch.ts`, `run.ts`, `stop.ts`), the
 * wire format (`wire.ts`, `events.ts`), answers (`answer.ts`) and faults (`faults.ts`).
 *
 * @module
 */
import { dispatch } from './dispatch.ts';
import { listenOnLoopback } from './http-server.ts';
import { createLocalDifyState, resolveConfig } from './store.ts';
import type { LocalDify, LocalDifyOptions } from './types.ts';

export type {
  LocalDify,
  LocalDifyAnswer,
  LocalDifyAnswerRequest,
  LocalDifyConversation,
  LocalDifyFault,
  LocalDifyMode,
  LocalDifyOptions,
  LocalDifyRequestRecord,
  LocalDifyRoute,
} from './types.ts';
export { LOCAL_DIFY_MODES, LOCAL_DIFY_ROUTES } from './types.ts';

/**
 * Starts a local Dify app on 127.0.0.1 (a Chatflow unless `mode` says otherwise). It serves what
 * `createDify` calls, the way Dify answers it:
 *
 * - `POST /v1/chat-messages` (modes `chat`, `agent-chat`, `advanced-chat`),
 *   `POST /v1/completion-messages` (`completion`, text in `inputs.query`) and
 *   `POST /v1/workflows/run` (`workflow`, text in `inputs.query`); the wrong route for the mode
 *   answers 400 `not_chat_app`, `app_unavailable` (Dify's answer on the completion route) or
 *   `not_workflow_app`.
 * - Checks in Dify's order: `Authorization: Bearer <key>` first (401 `unauthorized`), then the
 *   JSON body, `user` (400 `invalid_param` "Arg user must be provided."), the payload (400
 *   `invalid_param` with pydantic's message, e.g. a missing `query`), an empty `query` ("query is
 *   required"), the conversation.
 * - `response_mode: 'streaming'`: SSE like Dify's (`data: {json}` lines with the event name
 *   inside, `event: ping` keep-alives, `message` deltas, `message_end` with `metadata.usage`;
 *   chatflows wrap them in `workflow_started`, `node_*` and `workflow_finished`; agents send
 *   `agent_message`; workflows `text_chunk`). Blocking (the default when omitted): one JSON body.
 * - Conversations: a first message creates one (a UUID, in every event); a later request with
 *   its `conversation_id` continues it only for the same `user`, otherwise 404 `not_found`
 *   "Conversation Not Exists." (as for an unknown or expired one). Chat apps keep the first
 *   message's `inputs`.
 * - `POST /v1/…/:task_id/stop` answers `{"result": "success"}` and ends the running task of that
 *   id and `user` (a stopped stream ends with its usual final events, a chatflow's with
 *   `workflow_finished` status `stopped`).
 *
 * The default answer echoes the query and the turn number in its conversation
 * (`Dify heard "hi" (turn 2 of conversation 1a2b3c4d)`), streamed word by word. Emulator
 * assumptions: the app accepts any `inputs` (Dify keeps only the variables it declares), usage
 * is a rough estimate, and a text generator or workflow declares one required `query` input.
 *
 * @throws {ValidationError} when an option is wrong (an empty `apiKeys`, an unknown `mode`, a
 * negative `chunkDelayMs`…).
 * @example
 * ```ts
 * import { createDify } from '@imbridge/llm';
 * import { createLocalDify } from '@imbridge/llm/testing';
 *
 * const dify = await createLocalDify({ mode: 'chat' });
 * const model = createDify({ apiKey: 'app-local', app: 'chat', baseUrl: dify.baseUrl });
 * for await (const event of model.stream({ messages: [{ role: 'user', content: 'Hi' }], user: 'alice' })) {
 *   if (event.type === 'text-delta') process.stdout.write(event.text); // Dify heard "Hi" (turn 1 of …)
 * }
 * console.log(dify.requests[0]?.conversationId, dify.conversations[0]?.messageCount); // …, 1
 * await dify.close();
 * ```
 * @see https://docs.dify.ai/en/guides/application-publishing/developing-with-apis
 */
export async function createLocalDify(options: LocalDifyOptions = {}): Promise<LocalDify> {
  const state = createLocalDifyState(resolveConfig(options));
  const server = await listenOnLoopback(state.config.port, (request, reply) =>
    dispatch(state, request, reply),
  );
  return {
    baseUrl: `${server.origin}/v1`,
    mode: state.config.mode,
    get requests() {
      return state.requests.map((record) => ({ ...record }));
    },
    get conversations() {
      return [...state.conversations.values()].map((conversation) => ({
        ...conversation,
        inputs: { ...conversation.inputs },
      }));
    },
    failNext: (route, fault, times) => state.faults.add(route, fault, times),
    expireConversation: (id, how = 'deleted') => {
      const conversation = state.conversations.get(id);
      if (conversation === undefined) throw new Error(`local-dify: no conversation ${id}`);
      conversation.status = how;
    },
    close: () => server.close(),
  };
}
