import { ValidationError } from '@imbridge/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTencentChatClient } from '../client/client.ts';
import { createLocalTencentChat, type LocalTencentChat } from '../testing/local-tencent-chat.ts';
import { computeCallbackSign } from '../webhooks/sign.ts';
import { createTencentChatAdapter } from './adapter.ts';

const SDK_APP_ID = 1400000077;
const SECRET = 'env-secret-key-7f3a9c1e5b2d4f6a8c0e';
const TOKEN = 'env-callback-token-51c2d3';
const ROBOT = '@RBT#from-env';

const running: LocalTencentChat[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const chat of running.splice(0)) await chat.close();
});

/** The variables of a configured app, as the examples set them. */
function variables(extra: Record<string, string> = {}): Record<string, string> {
  return {
    TENCENT_IM_SDK_APP_ID: String(SDK_APP_ID),
    TENCENT_IM_SECRET_KEY: SECRET,
    TENCENT_IM_CALLBACK_TOKEN: TOKEN,
    TENCENT_IM_ROBOT_ID: ROBOT,
    ...extra,
  };
}

/** A `Bot.OnC2CMessage` webhook to `robot`, signed with `token` as Tencent Cloud Chat signs it. */
async function webhook(token: string, robot = ROBOT): Promise<Request> {
  const requestTime = Math.floor(Date.now() / 1000);
  const query = new URLSearchParams({
    SdkAppid: String(SDK_APP_ID),
    CallbackCommand: 'Bot.OnC2CMessage',
    contenttype: 'json',
    Sign: await computeCallbackSign(token, requestTime),
    RequestTime: String(requestTime),
  });
  const body = {
    CallbackCommand: 'Bot.OnC2CMessage',
    From_Account: 'alice',
    To_Account: robot,
    MsgSeq: 11,
    MsgRandom: 22,
    MsgTime: requestTime,
    MsgKey: `11_22_${requestTime}`,
    MsgBody: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi from env' } }],
  };
  return new Request(`http://bot.local/webhook?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function thrown(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (ValidationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('createTencentChatAdapter: settings from the environment', () => {
  it('takes every setting from env alone and talks to the app the variables name', async () => {
    const chat = await createLocalTencentChat({
      sdkAppId: SDK_APP_ID,
      secretKey: SECRET,
      callbackToken: TOKEN,
    });
    running.push(chat);
    const env = variables({
      TENCENT_IM_BASE_URL: chat.baseUrl,
      TENCENT_IM_ADMIN_USER_ID: chat.adminUserId,
      TENCENT_IM_STREAM_MODE: 'text-modify',
    });
    const adapter = createTencentChatAdapter({ env });
    expect(adapter.client.sdkAppId).toBe(SDK_APP_ID);
    expect(adapter.client.adminUserId).toBe(chat.adminUserId);
    expect(adapter.streamMode).toBe('text-modify');

    // A real REST call, signed with the env secret key, reaches the env base URL.
    await adapter.client.createRobot({ robotId: ROBOT });
    chat.importAccount('alice');
    await adapter.post(
      { conversationId: `c2c:${ROBOT}:alice`, type: 'direct', userId: 'alice', botId: ROBOT },
      'posted with env settings',
    );
    const texts = chat
      .conversation({ userId: 'alice', robotId: ROBOT })
      .flatMap((message) => message.elements)
      .map((element) => (element.type === 'text' ? element.text : ''));
    expect(texts).toContain('posted with env settings');
  });

  it('reads process.env on Node when no env option is given', () => {
    for (const [name, value] of Object.entries(variables())) vi.stubEnv(name, value);
    const adapter = createTencentChatAdapter();
    expect(adapter.client.sdkAppId).toBe(SDK_APP_ID);
    expect(adapter.client.adminUserId).toBe('administrator');
    expect(adapter.streamMode).toBe('custom-message');
  });

  it('accepts a webhook signed with the env callback token through receive(), and only that', async () => {
    const adapter = createTencentChatAdapter({ env: variables(), logger: false });
    const accepted = await adapter.receive(await webhook(TOKEN));
    expect(accepted.response.status).toBe(200);
    expect(accepted.events.map((event) => event.type)).toEqual(['message']);
    const first = accepted.events[0];
    expect(first?.type === 'message' ? first.message.text : undefined).toBe('hi from env');

    const forged = await adapter.receive(await webhook('another-token'));
    expect(forged.response.status).toBe(401);
    expect(forged.events).toEqual([]);

    // TENCENT_IM_ROBOT_ID filters: a message to another robot is not answered.
    const other = await adapter.receive(await webhook(TOKEN, '@RBT#someone-else'));
    expect(other.events.every((event) => event.type === 'ignored')).toBe(true);
  });

  it('lets an explicit option win over its variable', async () => {
    const env = variables({
      TENCENT_IM_SDK_APP_ID: '1400000999',
      TENCENT_IM_ADMIN_USER_ID: 'env-admin',
      TENCENT_IM_STREAM_MODE: 'text-modify',
      TENCENT_IM_CALLBACK_TOKEN: 'token-from-env',
    });
    const adapter = createTencentChatAdapter({
      env,
      sdkAppId: SDK_APP_ID,
      adminUserId: 'code-admin',
      streamMode: 'stream-elem',
      callbackToken: TOKEN,
      logger: false,
    });
    expect(adapter.client.sdkAppId).toBe(SDK_APP_ID);
    expect(adapter.client.adminUserId).toBe('code-admin');
    expect(adapter.streamMode).toBe('stream-elem');
    expect((await adapter.receive(await webhook(TOKEN))).response.status).toBe(200);
    expect((await adapter.receive(await webhook('token-from-env'))).response.status).toBe(401);
  });

  it('does not read the base URL from env when the code names a region (one setting)', () => {
    const adapter = createTencentChatAdapter({
      env: variables({ TENCENT_IM_BASE_URL: 'not a url', TENCENT_IM_REGION: 'mars' }),
      region: 'singapore',
    });
    expect(adapter.platform).toBe('tencent-chat');
  });

  it('names the option and the variable when a required setting is in neither', () => {
    expect(thrown(() => createTencentChatAdapter({ env: {} })).message).toBe(
      'createTencentChatAdapter: sdkAppId is required (option sdkAppId or env TENCENT_IM_SDK_APP_ID): the SDKAppID of your Chat app',
    );
    const noSecret = thrown(() =>
      createTencentChatAdapter({ env: { TENCENT_IM_SDK_APP_ID: String(SDK_APP_ID) } }),
    );
    expect(noSecret.message).toMatch(
      /^createTencentChatAdapter: secretKey is required \(option secretKey or env TENCENT_IM_SECRET_KEY\)/,
    );
    expect(noSecret.code).toBe('invalid-option');
    const noToken = thrown(() =>
      createTencentChatAdapter({ env: variables({ TENCENT_IM_CALLBACK_TOKEN: '   ' }) }),
    );
    expect(noToken.message).toMatch(
      /callbackToken is required \(option callbackToken or env TENCENT_IM_CALLBACK_TOKEN\)/,
    );
    expect(noToken.message).not.toContain(SECRET);
    expect(JSON.stringify(noToken)).not.toContain(SECRET);
  });

  it('never lets a missing token turn the signature check off', () => {
    expect(() =>
      createTencentChatAdapter({ env: variables({ TENCENT_IM_CALLBACK_TOKEN: '' }) }),
    ).toThrow(ValidationError);
    // Only code can: there is no variable for verifySignatures.
    const adapter = createTencentChatAdapter({
      env: variables({ TENCENT_IM_CALLBACK_TOKEN: '', TENCENT_IM_VERIFY_SIGNATURES: 'false' }),
      verifySignatures: false,
      logger: false,
    });
    expect(adapter.platform).toBe('tencent-chat');
  });

  it.each([
    [
      'TENCENT_IM_SDK_APP_ID',
      '14000abc',
      /env TENCENT_IM_SDK_APP_ID \(option sdkAppId\) must be an integer from 1 to 4294967295, received "14000abc"/,
    ],
    ['TENCENT_IM_SDK_APP_ID', '0', /env TENCENT_IM_SDK_APP_ID .* received "0"/],
    ['TENCENT_IM_SDK_APP_ID', '1e9', /env TENCENT_IM_SDK_APP_ID/],
    ['TENCENT_IM_SDK_APP_ID', '99999999999', /env TENCENT_IM_SDK_APP_ID/],
    ['TENCENT_IM_REGION', 'mars', /env TENCENT_IM_REGION \(option region\) must be one of china, /],
    [
      'TENCENT_IM_BASE_URL',
      'ftp://x',
      /env TENCENT_IM_BASE_URL \(option baseUrl\) must be an http\(s\) URL/,
    ],
    [
      'TENCENT_IM_STREAM_MODE',
      'markdown',
      /env TENCENT_IM_STREAM_MODE \(option streamMode\) must be one of/,
    ],
    [
      'TENCENT_IM_ROBOT_ID',
      'assistant',
      /robotIds must be robot ids that start with @RBT#.*TENCENT_IM_ROBOT_ID/,
    ],
  ])('refuses a malformed %s (%s) at creation, naming the variable', (name, value, message) => {
    const error = thrown(() => createTencentChatAdapter({ env: variables({ [name]: value }) }));
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(SECRET);
  });

  it('reads several robots from a comma-separated TENCENT_IM_ROBOT_ID', async () => {
    const adapter = createTencentChatAdapter({
      env: variables({ TENCENT_IM_ROBOT_ID: `${ROBOT}, @RBT#second` }),
      logger: false,
    });
    const second = await adapter.receive(await webhook(TOKEN, '@RBT#second'));
    expect(second.events.map((event) => event.type)).toEqual(['message']);
  });

  it('refuses an env option that is not a record', () => {
    expect(() =>
      createTencentChatAdapter({ env: 'TENCENT_IM_SDK_APP_ID=1' as unknown as object }),
    ).toThrow(/createTencentChatAdapter: env must be a record of environment variables/);
  });

  it('does not crash where there is no process global (edge runtimes)', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'process');
    let missing: unknown;
    let configured: unknown;
    try {
      // Synchronous: nothing else runs while `process` is gone.
      Reflect.deleteProperty(globalThis, 'process');
      expect('process' in globalThis).toBe(false);
      try {
        createTencentChatAdapter();
      } catch (error) {
        missing = error;
      }
      configured = createTencentChatAdapter({ env: variables() }).client.sdkAppId;
    } finally {
      if (descriptor !== undefined) Object.defineProperty(globalThis, 'process', descriptor);
    }
    expect(globalThis.process).toBeDefined();
    expect(ValidationError.isInstance(missing)).toBe(true);
    expect((missing as Error).message).toMatch(/sdkAppId is required .*TENCENT_IM_SDK_APP_ID/);
    expect(configured).toBe(SDK_APP_ID);
  });

  it('treats a process.env that throws on access (Deno without --allow-env) as empty', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'process');
    const denied = new Proxy(
      {},
      {
        get() {
          throw new Error('Requires env access');
        },
      },
    );
    let error: unknown;
    try {
      Object.defineProperty(globalThis, 'process', {
        value: { env: denied },
        configurable: true,
        writable: true,
      });
      try {
        createTencentChatAdapter();
      } catch (caught) {
        error = caught;
      }
    } finally {
      if (descriptor !== undefined) Object.defineProperty(globalThis, 'process', descriptor);
    }
    expect(ValidationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/sdkAppId is required/);
  });
});

describe('createTencentChatClient: settings from the environment', () => {
  it('takes the connection from env and names the owner in errors', () => {
    const client = createTencentChatClient({ env: variables() });
    expect(client.sdkAppId).toBe(SDK_APP_ID);
    expect(client.adminUserId).toBe('administrator');
    expect(() => createTencentChatClient({ env: {} })).toThrow(
      /^createTencentChatClient: sdkAppId is required \(option sdkAppId or env TENCENT_IM_SDK_APP_ID\)/,
    );
  });
});
