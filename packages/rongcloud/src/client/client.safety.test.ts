import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, type LoopbackServer, startLoopback } from './__fixtures__/loopback.ts';
import { createRongCloudClient } from './client.ts';

/** A Dify key: `app-` and URL-safe characters, like the real ones (and a few symbols). */
const apiKeyArbitrary = fc
  .string({
    unit: fc.constantFrom(
      ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/=',
    ),
    minLength: 8,
    maxLength: 48,
  })
  .map((text) => `app-${text}`);
const appSecretArbitrary = fc
  .string({ minLength: 8, maxLength: 40 })
  .filter((text) => text.trim().length >= 8);

const APP_KEY = 'c9kqb3rdkbb8j';
let echo: LoopbackServer;

beforeAll(async () => {
  // Answers 1002 and echoes everything it received (body, URL, headers) in errorMessage.
  echo = await startLoopback({ appKey: APP_KEY, appSecret: 'unused' }, (request, response) =>
    json(response, 400, {
      code: 1002,
      errorMessage: `bad ${request.body} ${decodeURIComponent(request.body)} ${request.url} ${JSON.stringify(request.headers)}`,
    }),
  );
});
afterAll(() => echo.close());

function leaks(error: unknown, secrets: string[]): boolean {
  const texts = [String((error as Error).message), inspect(error, { depth: 8 }), String(error)];
  return secrets.some((secret) => texts.some((text) => text.includes(secret)));
}

describe('secrets in errors', () => {
  it('never shows the App Secret or a Dify API key, even when RongCloud echoes the request', async () => {
    await fc.assert(
      fc.asyncProperty(
        appSecretArbitrary,
        apiKeyArbitrary,
        fc.boolean(),
        async (appSecret, apiKey, resolver) => {
          const api = createRongCloudClient({
            appKey: APP_KEY,
            appSecret: resolver ? async () => appSecret : appSecret,
            baseUrl: echo.url,
            retry: false,
          });
          const error = await api
            .createBot({
              userId: 'bot',
              name: 'Bot',
              type: 'AI',
              profileUrl: 'https://example.com/bot.png',
              integrations: [
                {
                  type: 'dify_chatflow',
                  callbackUrl: 'https://api.dify.ai/v1',
                  auth: { apiKey: resolver ? () => apiKey : apiKey },
                },
              ],
            })
            .then(
              () => undefined,
              (caught: unknown) => caught,
            );
          expect(error).toMatchObject({ kind: 'invalid-request', providerCode: 1002 });
          expect((error as Error).message).toContain('[redacted]');
          expect(leaks(error, [appSecret, apiKey])).toBe(false);

          const integrationError = await api
            .updateBotIntegration({
              userId: 'bot',
              integration: {
                type: 'dify_chat',
                callbackUrl: 'https://d.example/v1',
                auth: { apiKey },
              },
            })
            .then(
              () => undefined,
              (caught: unknown) => caught,
            );
          expect(leaks(integrationError, [appSecret, apiKey])).toBe(false);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('never shows a Dify API key in a validation error', async () => {
    await fc.assert(
      fc.asyncProperty(apiKeyArbitrary, async (apiKey) => {
        const api = createRongCloudClient({
          appKey: APP_KEY,
          appSecret: 'secret-secret',
          baseUrl: echo.url,
        });
        const error = await api
          .createBot({
            userId: 'u'.repeat(80),
            name: '',
            type: 'AI',
            profileUrl: 'https://example.com/bot.png',
            integrations: [
              {
                type: 'dify_completion',
                callbackUrl: `https://api.dify.ai/v1/completion-messages?key=${apiKey}`,
                auth: { apiKey },
              },
            ],
            metadata: { key: apiKey.repeat(10) },
          })
          .then(
            () => undefined,
            (caught: unknown) => caught,
          );
        expect((error as Error).name).toBe('ValidationError');
        expect(leaks(error, [apiKey])).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('never shows the App Secret when the secret resolver fails', async () => {
    const api = createRongCloudClient({
      appKey: APP_KEY,
      appSecret: () => {
        throw new Error('vault said: the secret is hunter2-very-secret');
      },
      baseUrl: echo.url,
      retry: false,
    });
    const error = await api.registerUser({ userId: 'a', name: 'A' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(String((error as Error).message)).toContain('appSecret');
    expect(leaks(error, ['hunter2-very-secret'])).toBe(false);
  });
});
