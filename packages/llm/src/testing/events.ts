/**
 * The events of one run, shaped like Dify's for each app mode (field order included, as in the
 * recorded fixtures): SSE frames for a stream, and the body of a blocking answer.
 *
 * @module
 */
import type { LocalDifyMode } from './types.ts';
import { type DifyErrorBody, pythonJson } from './wire.ts';

/** The keep-alive line Dify sends (no data). */
export const PING_FRAME = 'event: ping\n\n';

/** One SSE frame: the event name travels inside the JSON. */
function frame(payload: Readonly<Record<string, unknown>>): string {
  return `data: ${pythonJson(payload)}\n\n`;
}

/** What a run's events are made of. */
export interface Turn {
  mode: LocalDifyMode;
  taskId: string;
  messageId: string;
  conversationId: string | undefined;
  workflowRunId: string;
  workflowId: string;
  sequenceNumber: number;
  query: string;
  inputs: Readonly<Record<string, unknown>>;
  user: string;
  startedAtMs: number;
}

/** How a run ended. */
export type RunOutcome =
  | { type: 'answered'; stopped: boolean }
  | { type: 'failed'; error: DifyErrorBody };

/** The events and bodies of one run. */
export interface TurnEvents {
  /** Frames sent before the first delta (workflow and node starts, agent thought, pings). */
  opening(): string[];
  /** The frame of one answer delta. */
  delta(text: string): string;
  /** Frames that end the stream. */
  closing(answer: string, outcome: RunOutcome, endedAtMs: number): string[];
  /** The body of a blocking answer (chat and completion apps do not use it on failure). */
  blockingBody(answer: string, outcome: RunOutcome, endedAtMs: number): Record<string, unknown>;
}

const PRICE_UNIT = 0.001;
const PROMPT_UNIT_PRICE = 0.001;
const COMPLETION_UNIT_PRICE = 0.002;
/** Tokens of the app's own prompt, added to the query's. */
const APP_PROMPT_TOKENS = 20;

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function price(tokens: number, unitPrice: number): string {
  return (tokens * unitPrice * PRICE_UNIT).toFixed(7);
}

/** `metadata.usage` as Dify reports it (a rough token estimate of the query and answer). */
function usageOf(query: string, answer: string, latencySeconds: number): Record<string, unknown> {
  const promptTokens = APP_PROMPT_TOKENS + estimateTokens(query);
  const completionTokens = answer.length === 0 ? 0 : estimateTokens(answer);
  return {
    prompt_tokens: promptTokens,
    prompt_unit_price: String(PROMPT_UNIT_PRICE),
    prompt_price_unit: String(PRICE_UNIT),
    prompt_price: price(promptTokens, PROMPT_UNIT_PRICE),
    completion_tokens: completionTokens,
    completion_unit_price: String(COMPLETION_UNIT_PRICE),
    completion_price_unit: String(PRICE_UNIT),
    completion_price: price(completionTokens, COMPLETION_UNIT_PRICE),
    total_tokens: promptTokens + completionTokens,
    total_price: (
      promptTokens * PROMPT_UNIT_PRICE * PRICE_UNIT +
      completionTokens * COMPLETION_UNIT_PRICE * PRICE_UNIT
    ).toFixed(7),
    currency: 'USD',
    latency: latencySeconds,
  };
}

interface NodeSpec {
  node_id: string;
  node_type: string;
  title: string;
}

const START_NODE: NodeSpec = { node_id: '1711528914102', node_type: 'start', title: 'Start' };
const LLM_NODE: NodeSpec = { node_id: 'llm', node_type: 'llm', title: 'LLM' };
const LAST_NODE: Partial<Record<LocalDifyMode, NodeSpec>> = {
  'advanced-chat': { node_id: 'answer', node_type: 'answer', title: 'Answer' },
  workflow: { node_id: 'end', node_type: 'end', title: 'End' },
};

const SELECTOR = ['llm', 'text'];

/** Creates the event builders of one run. */
export function createTurnEvents(turn: Turn): TurnEvents {
  const { mode } = turn;
  const createdAt = Math.floor(turn.startedAtMs / 1000);
  const isWorkflowApp = mode === 'advanced-chat' || mode === 'workflow';
  const lastNode = LAST_NODE[mode];
  const nodes = lastNode === undefined ? [] : [START_NODE, LLM_NODE, lastNode];
  const nodeExecutionIds = nodes.map(() => crypto.randomUUID());
  const thoughtId = crypto.randomUUID();
  const seconds = (endedAtMs: number): number =>
    Math.max(0.001, (endedAtMs - turn.startedAtMs) / 1000);

  // The fields every event of the mode starts with.
  const head = (event: string): Record<string, unknown> => {
    if (mode === 'workflow') {
      // Every workflow event but `error` carries the task id.
      return event === 'error'
        ? { event, workflow_run_id: turn.workflowRunId }
        : { event, task_id: turn.taskId, workflow_run_id: turn.workflowRunId };
    }
    const base: Record<string, unknown> = { event };
    if (mode !== 'completion') base.conversation_id = turn.conversationId;
    base.message_id = turn.messageId;
    base.created_at = createdAt;
    if (isWorkflowApp && event !== 'message' && event !== 'message_end' && event !== 'error') {
      base.task_id = turn.taskId;
      base.workflow_run_id = turn.workflowRunId;
    }
    return base;
  };

  const nodeData = (index: number): Record<string, unknown> => ({
    id: nodeExecutionIds[index],
    ...nodes[index],
    index: index + 1,
    predecessor_node_id: index === 0 ? null : nodes[index - 1]?.node_id,
    inputs: index === 0 ? startInputs() : {},
    created_at: createdAt,
  });
  const startInputs = (): Record<string, unknown> => ({
    ...turn.inputs,
    ...(mode === 'advanced-chat'
      ? { 'sys.query': turn.query, 'sys.conversation_id': turn.conversationId }
      : {}),
    'sys.files': [],
    'sys.user_id': turn.user,
  });
  const nodeStarted = (index: number): string =>
    frame({ ...head('node_started'), data: nodeData(index) });
  const nodeFinished = (
    index: number,
    outputs: Record<string, unknown>,
    endedAtMs: number,
    error?: string,
  ): string =>
    frame({
      ...head('node_finished'),
      data: {
        ...nodeData(index),
        process_data: {},
        outputs,
        status: error === undefined ? 'succeeded' : 'failed',
        error: error ?? null,
        elapsed_time: seconds(endedAtMs),
        execution_metadata: {},
        finished_at: Math.floor(endedAtMs / 1000),
      },
    });
  const workflowData = (
    answer: string,
    outcome: RunOutcome,
    endedAtMs: number,
  ): Record<string, unknown> => {
    const status = outcome.type === 'failed' ? 'failed' : outcome.stopped ? 'stopped' : 'succeeded';
    const key = mode === 'workflow' ? 'text' : 'answer';
    return {
      id: turn.workflowRunId,
      workflow_id: turn.workflowId,
      status,
      outputs: status === 'succeeded' ? { [key]: answer } : {},
      error: outcome.type === 'failed' ? outcome.error.message : null,
      elapsed_time: seconds(endedAtMs),
      total_tokens: status === 'succeeded' ? estimateTokens(answer) : 0,
      total_steps: status === 'succeeded' ? nodes.length : 2,
      created_at: createdAt,
      finished_at: Math.floor(endedAtMs / 1000),
    };
  };
  const messageEnd = (answer: string, endedAtMs: number): string => {
    const metadata = {
      usage: usageOf(turn.query, answer, seconds(endedAtMs)),
      retriever_resources: [],
    };
    if (mode === 'agent-chat') {
      // Agent apps order the fields differently (agent-stream.sse).
      return frame({
        event: 'message_end',
        task_id: turn.taskId,
        id: turn.messageId,
        message_id: turn.messageId,
        conversation_id: turn.conversationId,
        metadata,
      });
    }
    return frame({
      ...head('message_end'),
      task_id: turn.taskId,
      id: turn.messageId,
      metadata,
      files: null,
    });
  };
  const agentThought = (): string =>
    frame({
      event: 'agent_thought',
      id: thoughtId,
      task_id: turn.taskId,
      message_id: turn.messageId,
      position: 1,
      thought: '',
      observation: '',
      tool: '',
      tool_labels: {},
      tool_input: '',
      created_at: createdAt,
      message_files: [],
      conversation_id: turn.conversationId,
    });

  return {
    opening: () => {
      if (mode === 'agent-chat') return [PING_FRAME, agentThought()];
      if (!isWorkflowApp) return [PING_FRAME];
      return [
        frame({
          ...head('workflow_started'),
          data: {
            id: turn.workflowRunId,
            workflow_id: turn.workflowId,
            sequence_number: turn.sequenceNumber,
            inputs: startInputs(),
            created_at: createdAt,
          },
        }),
        nodeStarted(0),
        PING_FRAME,
        nodeFinished(0, startInputs(), turn.startedAtMs),
        nodeStarted(1),
      ];
    },
    delta: (text) => {
      if (mode === 'workflow') {
        return frame({ ...head('text_chunk'), data: { text, from_variable_selector: SELECTOR } });
      }
      if (mode === 'agent-chat') {
        return frame({
          event: 'agent_message',
          id: turn.messageId,
          task_id: turn.taskId,
          message_id: turn.messageId,
          answer: text,
          created_at: createdAt,
          conversation_id: turn.conversationId,
        });
      }
      return frame({
        ...head('message'),
        task_id: turn.taskId,
        id: turn.messageId,
        answer: text,
        from_variable_selector: mode === 'advanced-chat' ? SELECTOR : null,
      });
    },
    closing: (answer, outcome, endedAtMs) => {
      const frames: string[] = [];
      if (isWorkflowApp) {
        const failure = outcome.type === 'failed' ? outcome.error.message : undefined;
        if (outcome.type === 'failed' || !outcome.stopped) {
          frames.push(
            nodeFinished(1, failure === undefined ? { text: answer } : {}, endedAtMs, failure),
          );
        }
        if (outcome.type === 'answered' && !outcome.stopped) {
          frames.push(
            nodeStarted(2),
            nodeFinished(2, { [mode === 'workflow' ? 'text' : 'answer']: answer }, endedAtMs),
          );
        }
        frames.push(
          frame({ ...head('workflow_finished'), data: workflowData(answer, outcome, endedAtMs) }),
        );
      } else if (mode === 'agent-chat' && outcome.type === 'answered') {
        frames.push(agentThought());
      }
      if (outcome.type === 'failed') {
        const { status, code, message } = outcome.error;
        frames.push(frame({ ...head('error'), status, code, message }));
      } else if (mode !== 'workflow') {
        frames.push(messageEnd(answer, endedAtMs));
      }
      return frames;
    },
    blockingBody: (answer, outcome, endedAtMs) => {
      if (mode === 'workflow') {
        return {
          task_id: turn.taskId,
          workflow_run_id: turn.workflowRunId,
          data: workflowData(answer, outcome, endedAtMs),
        };
      }
      return {
        event: 'message',
        task_id: turn.taskId,
        id: turn.messageId,
        message_id: turn.messageId,
        ...(mode === 'completion' ? {} : { conversation_id: turn.conversationId }),
        mode,
        answer,
        metadata: {
          usage: usageOf(turn.query, answer, seconds(endedAtMs)),
          retriever_resources: [],
        },
        created_at: createdAt,
      };
    },
  };
}
