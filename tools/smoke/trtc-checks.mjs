/**
 * The `@imbridge/trtc` checks of the runtime smoke test: TC3 vectors (native and portable
 * hashing), webhooks, a REST call through the lazily loaded zod chunk, and a voice agent whose
 * endpoint loads jose and `@imbridge/llm` with `import()`.
 */
import * as trtcModule from '@imbridge/trtc';

/** Tencent's TC3 example (reference §1.6, packages/trtc/src/signing/tc3.test.ts "V1"). */
const TC3_CVM_EXAMPLE = {
  secretId: 'AKID**********************0123456789EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  service: 'cvm',
  host: 'cvm.tencentcloudapi.com',
  action: 'DescribeInstances',
  version: '2017-03-12',
  region: 'ap-guangzhou',
  timestampSeconds: 1_551_113_065,
  payload:
    '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
  contentType: 'application/json; charset=utf-8',
};
/** The TRTC vector of packages/trtc/src/signing/tc3.test.ts ("V5"). */
const TC3_TRTC_EXAMPLE = {
  secretId: 'AKIDEXAMPLE',
  secretKey: 'EXAMPLEKEY',
  service: 'trtc',
  host: 'trtc.tencentcloudapi.com',
  action: 'StopAIConversation',
  version: '2019-07-22',
  timestampSeconds: 1_700_000_000,
  payload: '{"TaskId":"task-123"}',
};
/**
 * TC3_TRTC_EXAMPLE with a non-ASCII body (CJK, an em dash, Latin accents and an astral emoji, so
 * 2-, 3- and 4-byte UTF-8). Its signature was computed once, outside the package, with a
 * 15-line TC3 implementation on Node 20's node:crypto (createHash/createHmac('sha256'), the
 * canonical request `POST\n/\n\ncontent-type:application/json\nhost:…\n\ncontent-type;host\n`
 * + hex SHA-256 of the UTF-8 body, key chain HMAC('TC3'+key, date) → service → 'tc3_request').
 * That implementation reproduces the two published vectors above (72e494ea…, e9f7ca93…).
 */
const TC3_NON_ASCII_BODY = '{"Text":"你好, 世界 — ünïcødé 🎙️"}';
const TC3_NON_ASCII_SIGNATURE = '808cc9e1636ede720df5d25e9502a2fa94b47d46a3366d23e6bcf008b7e68eee';

/** TRTC's published callback signature vector (shared/reference/trtc.md §5, Java/Python sample). */
const TRTC_WEBHOOK_VECTOR = {
  key: '123654',
  body: '{\n\t"EventGroupId":\t2,\n\t"EventType":\t204,\n\t"CallbackTs":\t1664209748188,\n\t"EventInfo":\t{\n\t\t"RoomId":\t8489,\n\t\t"EventTs":\t1664209748,\n\t\t"EventMsTs":\t1664209748180,\n\t\t"UserId":\t"user_85034614",\n\t\t"Reason":\t0\n\t}\n}',
  sign: 'kkoFeO3Oh2ZHnjtg8tEAQhtXK16/KI05W3BQff8IvGA=',
};

/**
 * Runs `sign` (the first TC3 signatures of this copy of the package) and tells which hashing the
 * package picked. The package asks `process.getBuiltinModule('node:crypto')` on its first
 * signature and falls back to its portable SHA-256 when the runtime has no such function or no
 * such module; that choice is not exported, so the lookup is observed here.
 */
function observeTc3Hashing(sign) {
  const runtime = globalThis.process;
  const original = runtime?.getBuiltinModule;
  if (typeof original !== 'function') {
    sign();
    return 'portable sha256 (no process.getBuiltinModule)';
  }
  let looked = false;
  let module;
  try {
    runtime.getBuiltinModule = function getBuiltinModule(id, ...rest) {
      const found = original.call(this, id, ...rest);
      if (id === 'node:crypto') {
        looked = true;
        module = found;
      }
      return found;
    };
  } catch {
    sign();
    return 'hashing not observable (process.getBuiltinModule is read-only)';
  }
  try {
    sign();
  } finally {
    runtime.getBuiltinModule = original;
  }
  if (!looked) return 'hashing not observable (looked up before)';
  return typeof module?.createHash === 'function' && typeof module.createHmac === 'function'
    ? 'native node:crypto'
    : 'portable sha256 (node:crypto refused)';
}

/** A language model that answers `echo: <last message>`. */
function echoModel() {
  return {
    specificationVersion: 'v1',
    provider: 'smoke',
    modelId: 'smoke-echo',
    async *stream(request) {
      yield { type: 'text-delta', text: `echo: ${request.messages.at(-1)?.content ?? ''}` };
      yield { type: 'finish', reason: 'stop' };
    },
  };
}

/**
 * A stand-in for the TRTC API behind an injected fetch: checks the TC3 signature of each request
 * (recomputed with `signTc3Request` over the body as received) and answers StartAIConversation.
 */
function fakeTrtcApi(trtc, credentials) {
  const requests = [];
  const fetch = async (input, init) => {
    const request = new Request(input, init);
    const bodyText = await request.text();
    const authorization = request.headers.get('Authorization') ?? '';
    requests.push({ request, bodyText, authorization });
    const action = request.headers.get('X-TC-Action') ?? '';
    const expected = trtc.signTc3Request({
      ...credentials,
      service: 'trtc',
      host: new URL(request.url).host,
      action,
      version: request.headers.get('X-TC-Version') ?? '',
      region: request.headers.get('X-TC-Region') ?? undefined,
      timestampSeconds: Number(request.headers.get('X-TC-Timestamp')),
      payload: bodyText,
      contentType: request.headers.get('Content-Type') ?? '',
    });
    if (authorization !== expected.authorization) {
      return Response.json({
        Response: {
          Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad signature' },
          RequestId: 'r',
        },
      });
    }
    if (action !== 'StartAIConversation') {
      return Response.json({
        Response: { Error: { Code: 'InvalidAction', Message: action }, RequestId: 'r' },
      });
    }
    return new Response('{"Response":{"TaskId":"t","RequestId":"r"}}', {
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch, requests };
}

/** The error `promise` rejects with, or throws when it resolves. */
async function rejection(promise, what) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`${what} was accepted`);
}

/**
 * Tencent RTC on this runtime: TC3 signatures against Tencent's published vectors (and a
 * non-ASCII body), the published webhook Sign vector and a forged one, a signed REST call through
 * an injected fetch (the first call loads the zod-validated actions with `import()`), and a voice
 * agent whose endpoint answers with the session key it handed TRTC and refuses another (jose and
 * `@imbridge/llm` load with `import()` on first use).
 * @returns {Promise<string>} a summary.
 */
export async function trtcChecks(trtc = trtcModule) {
  // ---- TC3-HMAC-SHA256 ----
  let cvm;
  let trtcVector;
  let nonAscii;
  let nonAsciiBytes;
  const hashing = observeTc3Hashing(() => {
    cvm = trtc.signTc3Request(TC3_CVM_EXAMPLE);
    trtcVector = trtc.signTc3Request(TC3_TRTC_EXAMPLE).signature;
    nonAscii = trtc.signTc3Request({ ...TC3_TRTC_EXAMPLE, payload: TC3_NON_ASCII_BODY }).signature;
    nonAsciiBytes = trtc.signTc3Request({
      ...TC3_TRTC_EXAMPLE,
      payload: new TextEncoder().encode(TC3_NON_ASCII_BODY),
    }).signature;
  });
  const cvmAuthorization =
    'TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168';
  if (
    cvm.signature !== '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168' ||
    cvm.authorization !== cvmAuthorization
  ) {
    throw new Error(`TC3 example vector mismatch (${hashing}): ${cvm.authorization}`);
  }
  if (trtcVector !== 'e9f7ca9349da9d3f805a3cd8aab7c0386cf163868b759d2135d53fa43e276488') {
    throw new Error(`TC3 TRTC vector mismatch (${hashing}): ${trtcVector}`);
  }
  if (nonAscii !== TC3_NON_ASCII_SIGNATURE || nonAsciiBytes !== TC3_NON_ASCII_SIGNATURE) {
    throw new Error(`TC3 non-ASCII body mismatch (${hashing}): ${nonAscii} / ${nonAsciiBytes}`);
  }

  // ---- webhooks ----
  const published = TRTC_WEBHOOK_VECTOR;
  await trtc.verifyTrtcWebhook(published.body, published.sign, { callbackKey: published.key });
  const forgedBody = published.body.replace('"Reason":\t0', '"Reason":\t1');
  const forged = await rejection(
    trtc.verifyTrtcWebhook(forgedBody, published.sign, { callbackKey: published.key }),
    'a webhook body that does not match its Sign',
  );
  if (forged?.name !== 'SignatureVerificationError' || forged.reason !== 'mismatch') {
    throw new Error(`a forged webhook gave ${forged?.name} (${forged?.reason}): ${forged}`);
  }
  const callback = (body, sign) =>
    new Request('https://bot.example/trtc/callback', {
      method: 'POST',
      headers: { 'content-type': 'application/json', Sign: sign, SdkAppId: '1400000000' },
      body,
    });
  const parseOptions = { callbackKey: published.key, sdkAppId: 1400000000 };
  const other = await trtc.parseTrtcWebhook(callback(published.body, published.sign), parseOptions);
  if (other.kind !== 'unknown' || other.eventGroupId !== 2 || other.eventType !== 204) {
    throw new Error(`the published webhook parsed as ${JSON.stringify(other)}`);
  }
  const groupNine = JSON.stringify(
    {
      EventGroupId: 9,
      EventType: 903,
      CallbackTs: 1_726_627_371_000,
      EventInfo: {
        EventMsTs: 1_726_627_370_950,
        TaskId: 'task-smoke',
        RoomId: '1234',
        RoomIdType: 0,
        Payload: { UserId: 'alice', Text: '今天深圳天气怎么样？', RoundId: 'round-1' },
      },
    },
    null,
    '\t',
  );
  const groupNineSign = await trtc.computeTrtcWebhookSignature(groupNine, {
    callbackKey: 'smokeKey123',
  });
  const message = await trtc.parseTrtcWebhook(callback(groupNine, groupNineSign), {
    callbackKey: 'smokeKey123',
    sdkAppId: 1400000000,
  });
  if (
    message.kind !== 'message' ||
    message.taskId !== 'task-smoke' ||
    message.userId !== 'alice' ||
    message.text !== '今天深圳天气怎么样？'
  ) {
    throw new Error(`a signed group-9 webhook parsed as ${JSON.stringify(message)}`);
  }
  const forgedParse = await rejection(
    trtc.parseTrtcWebhook(callback(groupNine, groupNineSign), {
      callbackKey: 'anotherKey456',
    }),
    'a webhook signed with another key',
  );
  if (forgedParse?.name !== 'SignatureVerificationError' || forgedParse.reason !== 'mismatch') {
    throw new Error(`a forged webhook gave ${forgedParse?.name}: ${forgedParse}`);
  }

  // ---- REST: the first typed call loads the zod-validated actions with import() ----
  const credentials = { secretId: 'AKIDSMOKE', secretKey: 'smoke-api-secret' };
  const api = fakeTrtcApi(trtc, credentials);
  const client = trtc.createTrtcClient({
    credentials,
    region: 'ap-guangzhou',
    baseUrl: 'http://trtc.local',
    retry: false,
    fetch: api.fetch,
  });
  const started = await client.startAIConversation({
    sdkAppId: 1400000000,
    roomId: 1,
    agentConfig: { userId: 'bot', userSig: 'sig', targetUserId: 'u' },
    llmConfig: {
      type: 'openai',
      model: 'm',
      apiKey: 'k',
      apiUrl: 'https://x.example/v1/chat/completions',
    },
    ttsConfig: { type: 'flow', voiceId: 'v', model: 'flow_01_turbo' },
  });
  const [call] = api.requests;
  if (!call?.authorization.startsWith('TC3-HMAC-SHA256 Credential=')) {
    throw new Error(`StartAIConversation was sent with Authorization ${call?.authorization}`);
  }
  if (started.status !== 'started' || started.taskId !== 't' || started.requestId !== 'r') {
    throw new Error(`startAIConversation resolved to ${JSON.stringify(started)}`);
  }
  const sent = JSON.parse(call.bodyText);
  if (sent.SdkAppId !== 1400000000 || JSON.parse(sent.LLMConfig).APIKey !== 'k') {
    throw new Error(`StartAIConversation sent ${call.bodyText}`);
  }

  // ---- a voice agent: jose (session keys) and @imbridge/llm (the endpoint) load lazily ----
  const agent = trtc.createVoiceAgent({
    trtc: client,
    sdkAppId: 1400000000,
    secretKey: 'smoke-app-secret',
    model: echoModel(),
    publicUrl: 'https://bot.example/v1',
    ttsConfig: { type: 'flow', voiceId: 'v', model: 'flow_01_turbo' },
    // The refused request below is on purpose: keep its warning out of the smoke output.
    logger: false,
  });
  const session = await agent.start({ roomId: 1, targetUserId: 'u' });
  if (session.status !== 'started' || session.taskId !== 't' || api.requests.length !== 2) {
    throw new Error(`agent.start resolved to ${JSON.stringify(session)}`);
  }
  const llmConfig = JSON.parse(JSON.parse(api.requests[1].bodyText).LLMConfig);
  const key = llmConfig.APIKey;
  if (typeof key !== 'string' || llmConfig.APIUrl !== 'https://bot.example/v1/chat/completions') {
    throw new Error(`agent.start sent LLMConfig ${JSON.stringify({ ...llmConfig, APIKey: '…' })}`);
  }
  const turn = (bearer) =>
    agent.handler(
      new Request('https://bot.example/v1/chat/completions', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${bearer}`,
          'x-room-id': '1',
          'x-user-id': 'u',
          'content-type': 'application/json',
        },
        body: JSON.stringify({ stream: false, messages: [{ role: 'user', content: 'hi' }] }),
      }),
    );
  const answered = await turn(key);
  const answerText = await answered.text();
  let reply;
  try {
    reply = JSON.parse(answerText).choices?.[0]?.message?.content;
  } catch {
    reply = undefined;
  }
  if (answered.status !== 200 || reply !== 'echo: hi') {
    throw new Error(`the agent's endpoint answered ${answered.status}: ${answerText}`);
  }
  // The same key with another signature (a JWT of the right shape, signed by someone else).
  const tail = key.endsWith('AAAA') ? 'QUJD' : 'AAAA';
  const refused = await turn(`${key.slice(0, -4)}${tail}`);
  await refused.body?.cancel();
  if (refused.status !== 401) {
    throw new Error(`the agent's endpoint answered a wrong key with ${refused.status}`);
  }
  return `trtc sign+webhook+rest+agent ok (tc3: ${hashing})`;
}
