/**
 * Test harness of the voice agent: a local TRTC, a real client pointed at it, the agent's
 * endpoint served on 127.0.0.1 through core's Node listener, and a model that records its calls.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type LanguageModel,
  type ModelEvent,
  type ModelRequest,
  toNodeListener,
} from '@imbridge/core';
import { type MemoryLogger, memoryLogger } from '@imbridge/core/testing';
import { createTrtcClient, type TRTCClient } from '../../client/client.ts';
import { createLocalTRTC } from '../../testing/local-trtc.ts';
import type { LocalTRTC } from '../../testing/types.ts';
import { createTrtcWebhookHandler } from '../../webhooks/handler.ts';
import { createVoiceAgent } from '../voice-agent.ts';
import type { VoiceAgent, VoiceAgentOptions } from '../voice-agent-types.ts';

export const SECRET_ID = 'AKIDvoiceagent0123456789';
export const API_SECRET_KEY = 'voice-agent-api-secret-key-0123';
export const SDK_APP_ID = 1_400_000_001;
/** The TRTC application's SDK secret key (UserSig and, derived, the session keys). */
export const APP_SECRET_KEY = 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f';

/** One call the recording model received. */
export interface ModelCall {
  request: ModelRequest;
  /** Set when the call's signal fired. */
  aborted: boolean;
  /** Resolves when the call ended (finished, failed or aborted). */
  ended: Promise<void>;
}

/** How the recording model answers. */
export interface RecordingModelOptions {
  /** Holds the answers to texts it matches after their first delta, until the call is aborted. */
  hang?: (text: string) => boolean;
}

/** A model that answers `You said: <text>` in two deltas and records every call. */
export function recordingModel(options: RecordingModelOptions = {}): LanguageModel & {
  calls: ModelCall[];
} {
  const calls: ModelCall[] = [];
  return {
    specificationVersion: 'v1',
    provider: 'recording',
    modelId: 'recording-1',
    calls,
    stream(request) {
      let markEnded = (): void => {};
      const call: ModelCall = {
        request,
        aborted: false,
        ended: new Promise((resolve) => {
          markEnded = resolve;
        }),
      };
      calls.push(call);
      const last = request.messages.at(-1)?.content ?? '';
      return (async function* (): AsyncGenerator<ModelEvent> {
        try {
          yield { type: 'text-delta', text: 'You said: ' };
          if (options.hang?.(last) === true) {
            await new Promise<void>((resolve) => {
              if (request.signal?.aborted) resolve();
              request.signal?.addEventListener('abort', () => resolve(), { once: true });
            });
            call.aborted = request.signal?.aborted === true;
            return;
          }
          yield { type: 'text-delta', text: last };
          yield { type: 'finish', reason: 'stop' };
        } finally {
          markEnded();
        }
      })();
    },
  };
}

/** Everything a test needs. */
export interface AgentHarness {
  local: LocalTRTC;
  /** The agent's client. */
  trtc: TRTCClient;
  agent: VoiceAgent;
  model: ReturnType<typeof recordingModel>;
  logger: MemoryLogger;
  /** The endpoint's public URL (`http://127.0.0.1:PORT/trtc/v1/chat/completions`). */
  endpointUrl: string;
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

/** The callback key of the harness's TRTC console. */
export const CALLBACK_KEY = 'harnessCallbackKey42';

/**
 * Starts a local TRTC and an agent serving, on one loopback server, its endpoint
 * (`/trtc/v1/chat/completions`) and TRTC's callbacks (`/trtc/callback`, handled by
 * `createTrtcWebhookHandler` with `agent.handleWebhook`).
 */
export async function startAgentHarness(
  overrides: Partial<VoiceAgentOptions> = {},
  modelOptions: RecordingModelOptions = {},
): Promise<AgentHarness> {
  const model = recordingModel(modelOptions);
  const logger = memoryLogger();
  let route: ((request: Request) => Promise<Response>) | undefined;
  const server = createServer(
    toNodeListener((request) => {
      if (route === undefined) throw new Error('not ready');
      return route(request);
    }),
  );
  const base = await listen(server);
  const local = await createLocalTRTC({
    secretId: SECRET_ID,
    secretKey: API_SECRET_KEY,
    sdkAppId: SDK_APP_ID,
    callbackUrl: `${base}/trtc/callback`,
    callbackKey: CALLBACK_KEY,
    webhookRetry: false,
  });
  const endpointUrl = `${base}/trtc/v1/chat/completions`;
  const trtc = createTrtcClient({
    credentials: { secretId: SECRET_ID, secretKey: API_SECRET_KEY },
    region: 'ap-guangzhou',
    baseUrl: local.baseUrl,
  });
  const agent = createVoiceAgent({
    trtc,
    sdkAppId: SDK_APP_ID,
    secretKey: APP_SECRET_KEY,
    model,
    publicUrl: `${base}/trtc/v1`,
    ttsConfig: { type: 'flow', voiceId: 'v-female-R2s4N9qJ', model: 'flow_01_turbo' },
    logger,
    ...overrides,
  });
  const callbacks = createTrtcWebhookHandler({
    callbackKey: CALLBACK_KEY,
    sdkAppId: SDK_APP_ID,
    onWebhook: agent.handleWebhook,
    logger,
  });
  route = async (request) =>
    new URL(request.url).pathname === '/trtc/callback'
      ? callbacks(request)
      : agent.handler(request);
  return {
    local,
    trtc,
    agent,
    model,
    logger,
    endpointUrl,
    async close() {
      await local.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The `LLMConfig` a task was started with, parsed. */
export function llmConfigOf(local: LocalTRTC, taskId: string): Record<string, unknown> {
  const task = local.tasks.find((candidate) => candidate.taskId === taskId);
  if (task === undefined) throw new Error(`no task ${taskId}`);
  return JSON.parse(task.llmConfig) as Record<string, unknown>;
}

/** The headers TRTC sends with an LLM request for `roomId` and `userId`. */
export function trtcHeaders(
  key: string,
  fields: { roomId: string; roomIdType?: string; userId: string; taskId?: string },
): Record<string, string> {
  return {
    'content-type': 'application/json',
    authorization: `Bearer ${key}`,
    'x-task-id': fields.taskId ?? 'task-1',
    'x-request-id': crypto.randomUUID(),
    'x-sdk-app-id': String(SDK_APP_ID),
    'x-user-id': fields.userId,
    'x-room-id': fields.roomId,
    'x-room-id-type': fields.roomIdType ?? '0',
  };
}

/** Posts one utterance as TRTC does (streamed) and returns the status and the body's text. */
export async function postUtterance(
  url: string,
  headers: Record<string, string>,
  text: string,
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      model: 'recording-1',
      stream: true,
      messages: [{ role: 'user', content: text }],
    }),
  });
  return { status: response.status, body: await response.text() };
}

/** The text of a streamed chat completion. */
export function streamedText(body: string): string {
  let text = '';
  for (const line of body.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    const chunk = JSON.parse(line.slice(6)) as {
      choices?: { delta?: { content?: string } }[];
    };
    text += chunk.choices?.[0]?.delta?.content ?? '';
  }
  return text;
}
