import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeListener } from '@imbridge/core';
import { createScriptedModel, memoryLogger, textSteps } from '@imbridge/core/testing';
import {
  createOpenAICompatible,
  createOpenAICompatibleHandler,
  MODEL_RETRY_DEFAULTS,
} from '@imbridge/llm';
import { maxTotalBackoffMs } from '@imbridge/provider-utils';
import { decodeChatbotPayload } from '@imbridge/tencent-chat';
import { createLocalTencentChat } from '@imbridge/tencent-chat/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createModelFromEnv } from './model.ts';
import { startBotServer } from './server.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the example with an OpenAI-compatible model from the environment', () => {
  it('answers through any OpenAI-compatible endpoint (MODEL=openai-compatible)', async () => {
    // An OpenAI-compatible endpoint on loopback, standing in for DeepSeek, Qwen, Ollama...
    const backend = createScriptedModel({
      scripts: [
        {
          steps: textSteps('Answer from an OpenAI-compatible endpoint.', {
            chunkSize: 6,
            delayMs: 5,
          }),
        },
      ],
    });
    const endpoint: Server = createServer(
      toNodeListener(
        createOpenAICompatibleHandler({
          model: backend,
          authenticate: ({ apiKey }) => apiKey === 'sk-test',
        }),
      ),
    );
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      endpoint.closeAllConnections();
      await new Promise((resolve) => endpoint.close(resolve));
    });
    const model = createModelFromEnv({
      MODEL: 'openai-compatible',
      LLM_BASE_URL: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/v1`,
      LLM_MODEL: 'any-model',
      LLM_API_KEY: 'sk-test',
    });

    const sdkAppId = 1400000003;
    const secretKey = 'env-test-secret';
    const robotId = '@RBT#assistant';
    const chat = await createLocalTencentChat({ sdkAppId, secretKey, callbackToken: 'token' });
    cleanups.push(() => chat.close());
    const server = await startBotServer({
      model,
      config: {
        robotId,
        port: 0,
        adapter: {
          sdkAppId,
          secretKey,
          adminUserId: chat.adminUserId,
          baseUrl: chat.baseUrl,
          callbackToken: 'token',
          robotIds: [robotId],
          minUpdateIntervalMs: 30,
        },
      },
    });
    cleanups.push(() => server.close());
    chat.setCallbackUrl(server.webhookUrl);
    await server.adapter.client.createRobot({ robotId });
    chat.importAccount('alice');

    await chat.userSends({ from: 'alice', to: robotId, text: 'Who answers?' });
    await server.bot.idle();
    const [reply] = chat
      .conversation({ userId: 'alice', robotId })
      .filter((message) => message.from === robotId);
    const custom = reply?.elements.find((element) => element.type === 'custom');
    const payload = custom?.type === 'custom' ? decodeChatbotPayload(custom.data) : undefined;
    expect(payload).toEqual({ kind: 'stream', chunks: expect.any(Array), isFinished: true });
    expect(payload?.kind === 'stream' ? payload.chunks.join('') : '').toBe(
      'Answer from an OpenAI-compatible endpoint.',
    );
    expect(backend.calls[0]?.request.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Who answers?',
    });
    expect(backend.calls[0]?.request.instructions).toContain('Tencent Cloud Chat');
  });

  it('names the missing variable', () => {
    expect(() => createModelFromEnv({ MODEL: 'openai-compatible', LLM_MODEL: 'm' })).toThrow(
      'LLM_BASE_URL',
    );
    expect(() =>
      createModelFromEnv({ MODEL: 'openai-compatible', LLM_BASE_URL: 'http://x' }),
    ).toThrow('LLM_MODEL');
    expect(() => createModelFromEnv({ MODEL: 'gpt' })).toThrow('MODEL');
  });

  it('a model that always fails costs 1 + maxRetries requests, and the user hears within the documented bound', async () => {
    // An OpenAI-compatible endpoint that is down: every request answers 503.
    const requests: number[] = [];
    const endpoint: Server = createServer((_request, response) => {
      requests.push(Date.now());
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'upstream overloaded' } }));
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      endpoint.closeAllConnections();
      await new Promise((resolve) => endpoint.close(resolve));
    });
    // The model with its default retries: the only retry loop of the model path.
    const model = createOpenAICompatible({
      baseUrl: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/v1`,
      model: 'any-model',
      apiKey: 'sk-test',
    });

    const sdkAppId = 1400000004;
    const secretKey = 'env-test-secret';
    const robotId = '@RBT#assistant';
    const chat = await createLocalTencentChat({ sdkAppId, secretKey, callbackToken: 'token' });
    cleanups.push(() => chat.close());
    const logger = memoryLogger();
    const server = await startBotServer({
      model,
      logger,
      config: {
        robotId,
        port: 0,
        adapter: {
          sdkAppId,
          secretKey,
          adminUserId: chat.adminUserId,
          baseUrl: chat.baseUrl,
          callbackToken: 'token',
          robotIds: [robotId],
          minUpdateIntervalMs: 30,
        },
      },
    });
    cleanups.push(() => server.close());
    chat.setCallbackUrl(server.webhookUrl);
    await server.adapter.client.createRobot({ robotId });
    chat.importAccount('alice');

    const sentAtMs = Date.now();
    await chat.userSends({ from: 'alice', to: robotId, text: 'Are you there?' });
    await server.bot.idle();
    const heardAfterMs = Date.now() - sentAtMs;
    // Was 9 requests (the model's 3 inside the runtime's 3) and ~10 s.
    expect(requests).toHaveLength(1 + MODEL_RETRY_DEFAULTS.maxRetries);
    const [error, ...rest] = chat
      .conversation({ userId: 'alice', robotId })
      .filter((message) => message.from === robotId);
    expect(rest).toEqual([]);
    const custom = error?.elements.find((element) => element.type === 'custom');
    const payload = custom?.type === 'custom' ? decodeChatbotPayload(custom.data) : undefined;
    expect(payload?.kind).toBe('error');
    // The documented bound: the back-off of the model's retries, plus a second for the attempts
    // themselves and the webhook and REST round trips on loopback.
    expect(heardAfterMs).toBeLessThan(maxTotalBackoffMs(MODEL_RETRY_DEFAULTS) + 1000);
    expect(logger.entries.find((entry) => entry.event === 'model-error')).toMatchObject({
      error: { kind: 'server', statusCode: 503 },
    });
  });
});
