/**
 * The state of one local Dify — checked options, conversations, running tasks and request
 * records — shared by the request handlers.
 *
 * @module
 */
import { checkInteger, checkNonEmptyString, checkOneOf, optionError } from '@imbridge/core';
import { createFaultQueue, type FaultQueue } from './faults.ts';
import {
  LOCAL_DIFY_MODES,
  type LocalDifyConversation,
  type LocalDifyMode,
  type LocalDifyOptions,
  type LocalDifyRequestRecord,
} from './types.ts';

/** {@link LocalDifyOptions} checked, with every default applied. */
export interface LocalDifyConfig {
  apiKeys: ReadonlySet<string>;
  port: number;
  mode: LocalDifyMode;
  answer: LocalDifyOptions['answer'];
  chunkDelayMs: number;
  pingIntervalMs: number;
  now: () => number;
}

/** A run in progress, which a stop call can end. */
export interface RunningTask {
  id: string;
  user: string;
  /** The stop route's kind: chat and completion tasks check the user, workflow tasks do not. */
  kind: 'chat' | 'completion' | 'workflow';
  stop(): void;
}

/** Everything one local Dify holds. */
export interface LocalDifyState {
  readonly config: LocalDifyConfig;
  readonly conversations: Map<string, LocalDifyConversation>;
  readonly requests: LocalDifyRequestRecord[];
  readonly tasks: Map<string, RunningTask>;
  readonly faults: FaultQueue;
  /** The id of the app's workflow (chatflows and workflows). */
  readonly workflowId: string;
  /** Workflow runs started so far (`sequence_number`). */
  workflowRuns: number;
}

const OWNER = 'createLocalDify';

/** Checks the options of {@link createLocalDify}. */
export function resolveConfig(options: LocalDifyOptions): LocalDifyConfig {
  const apiKeys = options.apiKeys ?? ['app-local'];
  if (!Array.isArray(apiKeys) || apiKeys.length === 0) {
    throw optionError({ owner: OWNER, name: 'apiKeys' }, 'a non-empty array of strings', apiKeys);
  }
  for (const [index, key] of apiKeys.entries()) {
    checkNonEmptyString(key, { owner: OWNER, name: `apiKeys.${index}` });
  }
  const answer = options.answer;
  if (answer !== undefined && typeof answer !== 'function') {
    throw optionError({ owner: OWNER, name: 'answer' }, 'a function', answer);
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function')
    throw optionError({ owner: OWNER, name: 'now' }, 'a function', now);
  return {
    apiKeys: new Set(apiKeys),
    port: checkInteger(options.port ?? 0, { owner: OWNER, name: 'port' }, { min: 0, max: 65535 }),
    mode: checkOneOf(
      options.mode ?? 'advanced-chat',
      { owner: OWNER, name: 'mode' },
      LOCAL_DIFY_MODES,
    ),
    answer,
    chunkDelayMs: checkInteger(
      options.chunkDelayMs ?? 0,
      { owner: OWNER, name: 'chunkDelayMs' },
      { min: 0 },
    ),
    pingIntervalMs: checkInteger(
      options.pingIntervalMs ?? 10_000,
      { owner: OWNER, name: 'pingIntervalMs' },
      { min: 1 },
    ),
    now,
  };
}

/** Creates the state of a local Dify. */
export function createLocalDifyState(config: LocalDifyConfig): LocalDifyState {
  return {
    config,
    conversations: new Map(),
    requests: [],
    tasks: new Map(),
    faults: createFaultQueue(),
    workflowId: crypto.randomUUID(),
    workflowRuns: 0,
  };
}

/** Records a request as it arrives; the handlers fill in the rest. */
export function recordRequest(
  state: LocalDifyState,
  fields: Pick<LocalDifyRequestRecord, 'method' | 'path' | 'route' | 'body' | 'user'>,
): LocalDifyRequestRecord {
  const record: LocalDifyRequestRecord = {
    ...fields,
    conversationId: undefined,
    taskId: undefined,
    atMs: state.config.now(),
    status: undefined,
    errorCode: undefined,
    answer: undefined,
    stopped: false,
  };
  state.requests.push(record);
  return record;
}

/** Starts a conversation for `user`. */
export function createConversation(
  state: LocalDifyState,
  user: string,
  inputs: Readonly<Record<string, unknown>>,
): LocalDifyConversation {
  const conversation: LocalDifyConversation = {
    id: crypto.randomUUID(),
    user,
    inputs: { ...inputs },
    createdAtMs: state.config.now(),
    messageCount: 0,
    status: 'normal',
  };
  state.conversations.set(conversation.id, conversation);
  return conversation;
}
