import { ValidationError } from '@imbridge/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  botC2CInterruptMessage,
  botC2CTextMessage,
  botGroupMessage,
  FIXTURE_SDK_APP_ID,
  groupAfterSendMessage,
  interruptData,
} from './__fixtures__/callbacks.ts';
import { decodeBotWebhook } from './bot-decode.ts';
import { decodeWebhook } from './decode.ts';
import type { WebhookQuery } from './message-fields.ts';
import type { TencentWebhook } from './types.ts';

const UINT32_MAX = 4_294_967_295;
const RUNS = { numRuns: 3000 };
/** Thousands of runs of both decoders take seconds, more on a loaded machine. */
const PROPERTY_TIMEOUT_MS = 60_000;

/** What the zod decoder does with a body: its result, or the error's code, message and issues. */
type Outcome =
  | { ok: true; webhook: TencentWebhook; json: string }
  | { ok: false; code: string; message: string; issues: unknown };

function outcome(decode: () => TencentWebhook): Outcome {
  try {
    const webhook = decode();
    return { ok: true, webhook, json: JSON.stringify(webhook) };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { ok: false, code: error.code, message: error.message, issues: error.issues };
  }
}

/**
 * The hand-written path must return exactly the zod result for a robot command it accepts, and
 * `undefined` for everything else (the parser then asks zod, so errors are zod's own). The
 * parser's combination (`decodeBotWebhook ?? decodeWebhook`) must equal the zod decoder alone.
 */
function expectSameAsZod(json: unknown, query: WebhookQuery): void {
  const zod = outcome(() => decodeWebhook(json, query));
  const hand = decodeBotWebhook(json, query);
  const isBotResult =
    zod.ok &&
    (zod.webhook.command === 'bot.c2c-message' || zod.webhook.command === 'bot.group-message');
  if (isBotResult) {
    expect(hand).toStrictEqual(zod.webhook);
    expect(JSON.stringify(hand)).toBe(zod.json);
  } else {
    expect(hand).toBeUndefined();
  }
  expect(outcome(() => hand ?? decodeWebhook(json, query))).toStrictEqual(zod);
}

const query: fc.Arbitrary<WebhookQuery> = fc.record({
  sdkAppId: fc.constant(FIXTURE_SDK_APP_ID),
  callbackCommand: fc.option(
    fc.constantFrom('Bot.OnC2CMessage', 'Bot.OnGroupMessage', 'C2C.CallbackAfterSendMsg', ''),
    { nil: undefined },
  ),
  clientIp: fc.option(fc.constantFrom('', '10.0.0.1'), { nil: undefined }),
  platform: fc.option(fc.constantFrom('', 'RESTAPI', 'iOS'), { nil: undefined }),
});

const hugeString = 'x'.repeat(50_000);
const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('', hugeString, '__proto__', '@RBT#assistant') },
);
/** Values of every JSON type and the number edges the schemas draw lines at. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    '',
    '1',
    0,
    -0,
    -1,
    1.5,
    UINT32_MAX,
    UINT32_MAX + 1,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 1,
    -Number.MAX_SAFE_INTEGER - 1,
    1e300,
    [],
    {},
  ),
  fc.jsonValue({ maxDepth: 3 }),
);
const uint32 = fc.oneof(
  fc.integer({ min: 0, max: UINT32_MAX }),
  fc.constantFrom(0, -0, UINT32_MAX),
);
const integer = fc.oneof(fc.integer(), fc.constantFrom(1, -1, Number.MAX_SAFE_INTEGER));
const nullable = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: fc.constant(null) });

/** JSON objects with an own `__proto__` key, as `JSON.parse` makes them. */
const protoContent = fc.constantFrom(
  JSON.parse('{"__proto__":{"Text":"x"},"Text":"hi"}') as unknown,
  JSON.parse('{"Data":"{}","__proto__":null}') as unknown,
  JSON.parse('{"__proto__":[1]}') as unknown,
);
const content = fc.oneof(
  fc.record({ Text: fc.oneof(text, junk) }, { requiredKeys: [] }),
  fc.record(
    {
      Data: fc.oneof(
        text,
        fc.constant(interruptData),
        fc.constant('{"chatbotPlugin":2,"src":2}'),
        junk,
      ),
      Desc: fc.oneof(text, junk),
      Ext: fc.oneof(text, junk),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    { CompatibleText: text, Chunks: fc.oneof(fc.array(junk, { maxLength: 3 }), junk) },
    { requiredKeys: [] },
  ),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  protoContent,
);
/** A `MsgBody` item the schema accepts: any `MsgType`, an object (or no) `MsgContent`. */
const element = fc.record(
  {
    MsgType: fc.oneof(
      fc.constantFrom('TIMTextElem', 'TIMCustomElem', 'TIMStreamElem', 'TIMFaceElem', 'TIMNewElem'),
      text,
    ),
    MsgContent: nullable(content),
    Extra: junk,
  },
  { requiredKeys: ['MsgType'] },
);
const validMsgBody = fc.array(element, { maxLength: 4 });
/** `MsgBody` values around the schema: junk items, junk contents, not an array. */
const mutatedMsgBody = fc.oneof(
  fc.array(fc.oneof(element, junk), { maxLength: 3 }),
  fc.array(fc.record({ MsgType: fc.oneof(text, junk), MsgContent: junk }), { maxLength: 3 }),
  junk,
);

const c2cFields = {
  From_Account: text,
  To_Account: text,
  MsgSeq: uint32,
  MsgRandom: uint32,
  MsgTime: uint32,
  MsgKey: nullable(text),
  MsgId: nullable(text),
  OnlineOnlyFlag: nullable(fc.oneof(fc.constant(1), integer)),
  SendMsgResult: nullable(integer),
  ErrorInfo: nullable(text),
  UnreadMsgNum: nullable(integer),
  MsgBody: validMsgBody,
  CloudCustomData: nullable(text),
  EventTime: nullable(fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER))),
};
const c2cRequired = ['From_Account', 'To_Account', 'MsgSeq', 'MsgRandom', 'MsgTime', 'MsgBody'];

const groupFields = {
  GroupId: text,
  Type: fc.oneof(fc.constantFrom('Public', 'Work', 'Community'), text),
  From_Account: text,
  Operator_Account: nullable(text),
  Random: uint32,
  MsgSeq: uint32,
  MsgTime: uint32,
  MsgId: nullable(text),
  OnlineOnlyFlag: nullable(integer),
  MsgBody: validMsgBody,
  CloudCustomData: nullable(text),
  EventTime: nullable(fc.nat()),
  TopicId: nullable(text),
  AtRobots_Account: nullable(fc.array(text, { maxLength: 3 })),
  GroupAtInfo: junk,
};
const groupRequired = ['GroupId', 'Type', 'From_Account', 'Random', 'MsgSeq', 'MsgTime', 'MsgBody'];

const command = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('Bot.OnC2CMessage', 'Bot.OnGroupMessage') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'C2C.CallbackAfterSendMsg',
      'Group.CallbackAfterSendMsg',
      'State.StateChange',
      '',
      null,
      42,
    ),
  },
);

/** A mutation that sets `key` to a value of `value`. */
const setTo = (key: fc.Arbitrary<string>, value: fc.Arbitrary<unknown>) =>
  fc.record({ kind: fc.constant('set' as const), key, value });

/** A body built from the schema's fields, then (half the time) changed by 1 to 3 mutations. */
function bodyOf(
  callbackCommand: string,
  fields: Record<string, fc.Arbitrary<unknown>>,
  required: string[],
): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {
    CallbackCommand: fc.constant(callbackCommand),
    ...fields,
  };
  const valid = fc.record(model, { requiredKeys: ['CallbackCommand', ...required] });
  const names = Object.keys(model);
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...names) }),
    setTo(fc.constantFrom(...names), junk),
    setTo(fc.constant('CallbackCommand'), command),
    setTo(fc.string(), fc.jsonValue()),
    setTo(fc.constant('MsgBody'), mutatedMsgBody),
    setTo(fc.constant('AtRobots_Account'), fc.array(fc.oneof(text, junk), { maxLength: 3 })),
  );
  return fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean())
    .map(([body, mutations, mutate]) => {
      const result: Record<string, unknown> = { ...body };
      if (!mutate) return result;
      for (const change of mutations) {
        if (change.kind === 'delete') delete result[change.key];
        else if (change.key !== '__proto__') result[change.key] = change.value;
      }
      return result;
    });
}

describe('decodeBotWebhook', () => {
  it('decodes the robot fixtures exactly as the zod decoder does', () => {
    const base = { sdkAppId: FIXTURE_SDK_APP_ID, callbackCommand: undefined };
    for (const body of [botC2CTextMessage, botC2CInterruptMessage, botGroupMessage]) {
      const fixtureQuery = { ...base, clientIp: '10.0.0.1', platform: 'RESTAPI' };
      expect(decodeBotWebhook(body, fixtureQuery)).toStrictEqual(decodeWebhook(body, fixtureQuery));
    }
    expect(
      decodeBotWebhook(botC2CInterruptMessage, {
        ...base,
        clientIp: undefined,
        platform: undefined,
      }),
    ).toMatchObject({
      chatbotPayload: { kind: 'interrupt', msgKey: '48375_1181204215_1557481130' },
    });
  });

  it('leaves other commands and bodies the schemas reject to the zod decoder', () => {
    const noQuery = {
      sdkAppId: FIXTURE_SDK_APP_ID,
      callbackCommand: undefined,
      clientIp: undefined,
      platform: undefined,
    };
    expect(decodeBotWebhook(groupAfterSendMessage, noQuery)).toBeUndefined();
    expect(decodeBotWebhook({ ...botC2CTextMessage, MsgSeq: 1.5 }, noQuery)).toBeUndefined();
    expect(decodeBotWebhook({ ...botGroupMessage, GroupId: '' }, noQuery)).toBeUndefined();
    expect(decodeBotWebhook([botC2CTextMessage], noQuery)).toBeUndefined();
  });

  it('drops an own __proto__ key of MsgContent, as zod does', () => {
    const content = JSON.parse('{"__proto__":{"a":1},"b":2}') as Record<string, unknown>;
    const body = {
      ...botC2CTextMessage,
      MsgBody: [{ MsgType: 'TIMFaceElem', MsgContent: content }],
    };
    const noQuery = {
      sdkAppId: 1,
      callbackCommand: undefined,
      clientIp: undefined,
      platform: undefined,
    };
    const webhook = decodeBotWebhook(body, noQuery);
    expect(webhook?.elements).toStrictEqual([
      { type: 'other', messageType: 'TIMFaceElem', content: { b: 2 } },
    ]);
    expect(webhook).toStrictEqual(decodeWebhook(body, noQuery));
  });

  it(
    'matches the zod decoder on random Bot.OnC2CMessage-shaped bodies',
    () => {
      fc.assert(
        fc.property(bodyOf('Bot.OnC2CMessage', c2cFields, c2cRequired), query, expectSameAsZod),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'matches the zod decoder on random Bot.OnGroupMessage-shaped bodies',
    () => {
      fc.assert(
        fc.property(
          bodyOf('Bot.OnGroupMessage', groupFields, groupRequired),
          query,
          expectSameAsZod,
        ),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'matches the zod decoder on arbitrary JSON and nested junk',
    () => {
      const anyBody = fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.record(
          { CallbackCommand: command, MsgBody: fc.oneof(validMsgBody, mutatedMsgBody) },
          { requiredKeys: [] },
        ),
        fc.dictionary(fc.string(), junk, { maxKeys: 6 }),
      );
      fc.assert(fc.property(anyBody, query, expectSameAsZod), RUNS);
    },
    PROPERTY_TIMEOUT_MS,
  );
});
