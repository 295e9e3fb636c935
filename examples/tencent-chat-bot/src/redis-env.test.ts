import { createScriptedModel, textSteps } from '@imbridge/core/testing';
import { decodeChatbotPayload } from '@imbridge/tencent-chat';
import { createLocalTencentChat } from '@imbridge/tencent-chat/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RedisServer,
  startRedisServer,
} from '../../../packages/redis/src/__fixtures__/redis-server.ts';
import { startBotServer, stateFromEnv } from './server.ts';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

describe('the example with REDIS_URL (a real redis-server on loopback)', () => {
  it('keeps memory state without REDIS_URL', () => {
    expect(stateFromEnv({})).toBeUndefined();
    expect(stateFromEnv({ REDIS_URL: '' })).toBeUndefined();
  });

  it('answers with its state on Redis: a second instance continues the conversation the first began', async () => {
    const sdkAppId = 1400000004;
    const secretKey = 'redis-env-test-secret';
    const robotId = '@RBT#assistant';
    const chat = await createLocalTencentChat({ sdkAppId, secretKey, callbackToken: 'token' });
    const models = [0, 1].map((index) =>
      createScriptedModel({ scripts: [{ steps: textSteps(`Answer ${index + 1}.`) }] }),
    );
    process.env.REDIS_URL = redis.url;
    const servers = await Promise.all(
      models.map((model) =>
        startBotServer({
          model,
          logger: false,
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
        }),
      ),
    ).finally(() => {
      delete process.env.REDIS_URL;
    });
    try {
      const [first, second] = servers as [(typeof servers)[0], (typeof servers)[0]];
      await first.adapter.client.createRobot({ robotId });
      chat.importAccount('alice');
      chat.setCallbackUrl(first.webhookUrl);
      await chat.userSends({ from: 'alice', to: robotId, text: 'first question' });
      await first.bot.idle();
      chat.setCallbackUrl(second.webhookUrl); // the load balancer picks the other instance
      await chat.userSends({ from: 'alice', to: robotId, text: 'second question' });
      await second.bot.idle();
      // The second instance's model saw the first exchange: the history lives in Redis.
      expect(models[1]?.calls[0]?.request.messages.map((message) => message.content)).toEqual([
        'first question',
        'Answer 1.',
        'second question',
      ]);
      const replies = chat
        .conversation({ userId: 'alice', robotId })
        .filter((message) => message.from === robotId)
        .map((message) => {
          const custom = message.elements.find((element) => element.type === 'custom');
          return custom?.type === 'custom' ? decodeChatbotPayload(custom.data) : undefined;
        });
      expect(replies).toEqual([
        { kind: 'stream', chunks: expect.any(Array), isFinished: true },
        { kind: 'stream', chunks: expect.any(Array), isFinished: true },
      ]);
    } finally {
      for (const server of servers) await server.close();
      await chat.close();
    }
  });
});
