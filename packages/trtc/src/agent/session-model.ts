/**
 * The model behind a voice agent's endpoint: the user's model, given the session's conversation
 * before each utterance and recording the turn after it. The session comes from the grant of the
 * endpoint's `authenticate` (request metadata `sessionId`), never from the request itself.
 *
 * @module
 */
import {
  describeError,
  type JsonValue,
  type LanguageModel,
  type LogEmitter,
  type ModelEvent,
  type ModelMessage,
  type ModelRequest,
} from '@imbridge/core';
import type { SessionStore } from './session-store.ts';

/** The metadata key of the session id, set by the endpoint's grant. */
export const SESSION_ID_METADATA = 'sessionId';
/** The metadata key of the session key's expiry (milliseconds since the epoch, as text). */
export const SESSION_EXPIRES_METADATA = 'sessionExpiresAtMs';

/** The `platform` of the agent's log entries. */
export const VOICE_AGENT_PLATFORM = 'trtc-voice-agent';

function lastUserText(messages: ReadonlyArray<ModelMessage>): string | undefined {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    const message = messages[index];
    if (message?.role === 'user') return message.content;
  }
  return undefined;
}

/**
 * Wraps `model` so that each call of a session gets the session's conversation (and the model's
 * provider state) and adds its own turn to it: the whole answer on `finish`, the text produced so
 * far when TRTC hung up (the user interrupted), nothing on an error. A state failure costs the
 * history, never the answer, and is logged (`state-failed`).
 */
export function bindSessionMemory(
  model: LanguageModel,
  store: SessionStore,
  log: LogEmitter,
): LanguageModel {
  const stateFailed = (sessionId: string, operation: string, error: unknown): void =>
    log('warn', {
      event: 'state-failed',
      platform: VOICE_AGENT_PLATFORM,
      conversationId: sessionId,
      operation,
      error: describeError(error),
    });

  return {
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    async *stream(request: ModelRequest): AsyncGenerator<ModelEvent> {
      const sessionId = request.metadata?.[SESSION_ID_METADATA];
      if (sessionId === undefined) {
        yield* model.stream(request);
        return;
      }
      const untilMs = Number(request.metadata?.[SESSION_EXPIRES_METADATA] ?? 0);
      const requestId = request.metadata?.requestId;
      let history: ModelMessage[] = [];
      let providerState: JsonValue | undefined;
      try {
        [history, providerState] = await Promise.all([
          store.history(sessionId, requestId),
          store.providerState(sessionId),
        ]);
      } catch (error) {
        stateFailed(sessionId, 'history', error);
      }
      const user = lastUserText(request.messages);
      const record = async (assistant: string, state: JsonValue | undefined): Promise<void> => {
        try {
          await store.recordTurn(sessionId, { user, assistant, requestId }, state, untilMs);
        } catch (error) {
          stateFailed(sessionId, 'record-turn', error);
        }
      };

      let text = '';
      let ended = false;
      try {
        for await (const event of model.stream({
          ...request,
          messages: history.length === 0 ? request.messages : [...history, ...request.messages],
          providerState: providerState ?? request.providerState,
        })) {
          if (event.type === 'text-delta') text += event.text;
          else if (event.type === 'text-replace') text = event.text;
          else if (event.type === 'finish') {
            // Before `finish` leaves: the endpoint closes the stream once it has it.
            ended = true;
            await record(text, event.providerState);
          } else if (event.type === 'error') ended = true;
          yield event;
          if (ended) return;
        }
      } finally {
        // TRTC hung up mid-answer (an interruption): keep what the user asked and what was said.
        if (!ended && request.signal?.aborted === true) await record(text, undefined);
      }
    },
  };
}
