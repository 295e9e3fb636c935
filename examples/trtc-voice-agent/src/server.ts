import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type LanguageModel,
  type LoggerOption,
  type StateAdapter,
  toNodeListener,
} from '@imbridge/core';
import {
  createTrtcClient,
  createVoiceAgent,
  type TRTCClient,
  type VoiceAgent,
} from '@imbridge/trtc';
import { ADMIN_PATH, createAdminAPI } from './admin-api.ts';
import { ENDPOINT_BASE_PATH, ENDPOINT_PATH, type ExampleConfig } from './config.ts';
import { createModel, VOICE_TURN_TIMEOUT_SECONDS } from './model.ts';

/** The largest admin request body, in bytes (the bodies are a few fields). */
const ADMIN_MAX_BODY_BYTES = 16 * 1024;

/** A running agent server. */
export interface AgentServer {
  /** This server on this machine, e.g. `http://127.0.0.1:3000` (the admin API is under it). */
  url: string;
  /** The URL TRTC calls for each utterance: `TRTC_AGENT_PUBLIC_URL` + `/chat/completions`. */
  apiUrl: string;
  /** The voice agent behind the admin API and the LLM endpoint. */
  agent: VoiceAgent;
  /** The TRTC client the agent calls TRTC with. */
  trtc: TRTCClient;
  /** The Node HTTP server. */
  server: Server;
  /** Stops accepting requests and waits for running answers (at most 5 s). */
  close(): Promise<void>;
}

/** Options of {@link startAgentServer}. */
export interface StartAgentServerOptions {
  /** The settings, from `readConfig` (or the local ones of the demo). */
  config: ExampleConfig;
  /** @default the model of `config.model` */
  model?: LanguageModel | undefined;
  /** Where the agent, its endpoint and the admin API log. @default warnings and errors to the console */
  logger?: LoggerOption;
  /**
   * Where sessions are kept: each call's conversation, stopped sessions (whose keys the endpoint
   * refuses) and the task ↔ session links. A shared store when several instances serve the
   * agent. @default memoryState() (this process)
   */
  state?: StateAdapter | undefined;
  /** @default '127.0.0.1' */
  host?: string | undefined;
}

/** The strings of the configuration that must never be shown. */
function secretsOf(config: ExampleConfig): string[] {
  const { model } = config;
  const values: unknown[] = [
    config.trtc.secretKey,
    config.trtc.credentials.secretKey,
    config.trtc.credentials.sessionToken,
    model.kind === 'scripted' ? undefined : model.apiKey,
  ];
  return values.filter((value): value is string => typeof value === 'string');
}

function answer(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  response.setHeader('content-type', 'text/plain; charset=utf-8');
  response.end(text);
}

/**
 * Starts the example's server:
 *
 * - `POST /trtc/v1/chat/completions`: the agent's LLM endpoint, which TRTC calls with each
 *   utterance of a running agent (reached through `TRTC_AGENT_PUBLIC_URL`); it answers only with
 *   a live session key, and streams the model's answer with the call's conversation;
 * - `/agents…`: the admin API that starts, drives and stops agents, behind `ADMIN_TOKEN`
 *   (see {@link createAdminAPI});
 * - `GET /healthz`: 200.
 *
 * Without `config.publicUrl` (the local demo and tests), TRTC is given this server's own URL.
 */
export async function startAgentServer(options: StartAgentServerOptions): Promise<AgentServer> {
  const { config, logger } = options;
  const trtc = createTrtcClient({
    credentials: config.trtc.credentials,
    region: config.trtc.region,
    endpoint: config.trtc.endpoint,
    baseUrl: config.trtc.baseUrl,
  });
  const model = options.model ?? createModel(config.model);
  const server = createServer();
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let agent: VoiceAgent;
  try {
    agent = createVoiceAgent({
      trtc,
      sdkAppId: config.trtc.sdkAppId,
      secretKey: config.trtc.secretKey,
      model,
      publicUrl: config.publicUrl ?? `${url}${ENDPOINT_BASE_PATH}`,
      ttsConfig: config.agent.ttsConfig,
      llm: { systemPrompt: config.agent.systemPrompt, timeoutSeconds: VOICE_TURN_TIMEOUT_SECONDS },
      agentConfig:
        config.agent.welcomeMessage === undefined
          ? undefined
          : { welcomeMessage: config.agent.welcomeMessage },
      state: options.state,
      logger,
    });
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  const endpoint = toNodeListener(agent.handler, { logger });
  const admin = toNodeListener(
    createAdminAPI({ agent, adminToken: config.adminToken, secrets: secretsOf(config), logger }),
    { maxBodyBytes: ADMIN_MAX_BODY_BYTES, logger },
  );
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (path === ENDPOINT_PATH) {
      if (request.method === 'POST') void endpoint(request, response);
      else answer(response, 405, 'POST only');
      return;
    }
    if (path === ADMIN_PATH || path.startsWith(`${ADMIN_PATH}/`)) {
      void admin(request, response);
      return;
    }
    if (path === '/healthz') answer(response, 200, 'ok');
    else answer(response, 404, 'not found');
  });
  return {
    url,
    apiUrl: agent.apiUrl,
    agent,
    trtc,
    server,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 5_000);
      await closed;
      clearTimeout(force);
    },
  };
}
