/**
 * Figure 1: TC3 signatures per second. `signTc3Request` against tencentcloud-sdk-nodejs's own
 * signer, `Sign.sign3` in `tencentcloud/common/sign.js` (what its
 * `HttpConnection.doRequestWithSign3` calls), on a StartAIConversation body, after checking that
 * both (and a node:crypto reference) produce the same `Authorization`.
 *
 * Goal: ≥ 2× the SDK's signatures per second, with a fresh timestamp every call within one UTC
 * day, so the per-day derived key is reused as in real traffic (row c against the SDK given the
 * body bytes, row e with our JSON.stringify against the SDK given the params object). Row d signs
 * in a new UTC day every call, so the key is derived every time: a diagnostic of the worst case,
 * shown with its ratio but not held to the goal.
 */
import { createHash, createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { hashingInUse, sha256Hex } from '../src/crypto/sha256.ts';
import { type SignTC3RequestOptions, signTc3Request, tc3Date } from '../src/signing/tc3.ts';
import { percent } from './installed-size.ts';
import { SDK_LABEL, sdkSignEntry } from './locations.ts';
import {
  format,
  goalCell,
  median,
  printTable,
  runRounds,
  timed,
  times,
  type Variant,
} from './report.ts';
import {
  ACTION,
  API_VERSION,
  HOST,
  REGION,
  SECRET_ID,
  SECRET_KEY,
  SERVICE,
  START_AI_CONVERSATION_PARAMS,
} from './start-ai-conversation.ts';

/** Figure 1: at least this many times the SDK's signatures per second. */
const SIGNING_GOAL = 2;

/** 2026-01-01T00:00:00Z: the UTC day the "same day" variants sign in. */
const DAY_START = 1_767_225_600;
const SECONDS_PER_DAY = 86_400;

/** Tencent's published TC3 example (intl doc 1021/34193, "Signature v3"). */
const PUBLISHED = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  service: 'cvm',
  host: 'cvm.tencentcloudapi.com',
  action: 'DescribeInstances',
  version: '2017-03-12',
  timestampSeconds: 1_551_113_065,
  contentType: 'application/json; charset=utf-8',
  /** 86 ASCII bytes, with the `\u` escapes written out. */
  body: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
  signature: '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
} as const;

const require = createRequire(import.meta.url);

/** The options `Sign.sign3` takes (tencentcloud/common/sign.d.ts). */
interface SDKSign3Options {
  method: 'POST' | 'GET';
  url: string;
  /** The params object (serialised inside with json-bigint) or the body bytes as a Buffer. */
  payload: unknown;
  timestamp: number;
  service: string;
  secretId: string;
  secretKey: string;
  multipart: boolean;
  headers: Record<string, string>;
}

type SDKSign3 = (options: SDKSign3Options) => string;

function loadSdkSigner(): SDKSign3 {
  const module = require(sdkSignEntry) as { default?: { sign3?: unknown } };
  const sign = module.default;
  if (sign === undefined || typeof sign.sign3 !== 'function') {
    throw new Error(`${SDK_LABEL}: tencentcloud/common/sign.js has no Sign.sign3`);
  }
  return sign.sign3.bind(sign) as SDKSign3;
}

/** The headers the SDK's HttpConnection hands to sign3 (only Content-Type is read). */
const SDK_HEADERS = {
  'Content-Type': 'application/json',
  Host: HOST,
  'X-TC-Action': ACTION,
  'X-TC-Region': REGION,
  'X-TC-Version': API_VERSION,
};

function sdkOptions(timestamp: number, payload: unknown): SDKSign3Options {
  return {
    method: 'POST',
    url: `https://${HOST}/`,
    payload,
    timestamp,
    service: SERVICE,
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    multipart: false,
    headers: SDK_HEADERS,
  };
}

function ourOptions(timestampSeconds: number, payload: string): SignTC3RequestOptions {
  return {
    secretId: SECRET_ID,
    secretKey: SECRET_KEY,
    service: SERVICE,
    host: HOST,
    action: ACTION,
    version: API_VERSION,
    region: REGION,
    timestampSeconds,
    payload,
  };
}

/** The derived key of the node:crypto reference, kept for its UTC date. */
let nodeDerivedKey: { date: string; key: Buffer } | undefined;

/** TC3 written with node:crypto, derived key cached per day: a reference, not an anchor. */
function nodeCryptoSign(timestampSeconds: number, body: string): string {
  const date = tc3Date(timestampSeconds);
  if (nodeDerivedKey?.date !== date) {
    const secretDate = createHmac('sha256', `TC3${SECRET_KEY}`).update(date).digest();
    const secretService = createHmac('sha256', secretDate).update(SERVICE).digest();
    const key = createHmac('sha256', secretService).update('tc3_request').digest();
    nodeDerivedKey = { date, key };
  }
  const payloadHash = createHash('sha256').update(body).digest('hex');
  const canonicalRequest = `POST\n/\n\ncontent-type:application/json\nhost:${HOST}\n\ncontent-type;host\n${payloadHash}`;
  const scope = `${date}/${SERVICE}/tc3_request`;
  const stringToSign = `TC3-HMAC-SHA256\n${timestampSeconds}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', nodeDerivedKey.key).update(stringToSign).digest('hex');
  return `TC3-HMAC-SHA256 Credential=${SECRET_ID}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
}

/**
 * Fails loudly unless ours, the SDK's signer (given the params object as its client does, and
 * given the body bytes) and the node:crypto reference produce the same `Authorization` for the
 * same inputs, and ours and the SDK reproduce Tencent's published example.
 */
function checkSignaturesAgree(sign3: SDKSign3, body: string): string {
  const bytes = Buffer.from(body, 'utf8');
  const timestamps = [DAY_START + 12_345, DAY_START + SECONDS_PER_DAY - 1, 1_551_139_200];
  for (const timestamp of timestamps) {
    const ours = signTc3Request(ourOptions(timestamp, body)).authorization;
    const sdkFromParams = sign3(sdkOptions(timestamp, START_AI_CONVERSATION_PARAMS));
    const sdkFromBytes = sign3(sdkOptions(timestamp, bytes));
    const reference = nodeCryptoSign(timestamp, body);
    if (ours !== sdkFromParams || ours !== sdkFromBytes || ours !== reference) {
      throw new Error(
        `signatures disagree at timestamp ${timestamp}:\n  signTc3Request      ${ours}\n  sign3(params)       ${sdkFromParams}\n  sign3(body bytes)   ${sdkFromBytes}\n  node:crypto         ${reference}`,
      );
    }
  }
  const publishedOurs = signTc3Request({
    secretId: PUBLISHED.secretId,
    secretKey: SECRET_KEY,
    service: PUBLISHED.service,
    host: PUBLISHED.host,
    action: PUBLISHED.action,
    version: PUBLISHED.version,
    region: REGION,
    timestampSeconds: PUBLISHED.timestampSeconds,
    payload: PUBLISHED.body,
    contentType: PUBLISHED.contentType,
  }).signature;
  const publishedSdk = sign3({
    method: 'POST',
    url: `https://${PUBLISHED.host}/`,
    payload: Buffer.from(PUBLISHED.body, 'utf8'),
    timestamp: PUBLISHED.timestampSeconds,
    service: PUBLISHED.service,
    secretId: PUBLISHED.secretId,
    secretKey: SECRET_KEY,
    multipart: false,
    headers: { 'Content-Type': PUBLISHED.contentType },
  });
  if (
    PUBLISHED.body.length !== 86 ||
    publishedOurs !== PUBLISHED.signature ||
    !publishedSdk.endsWith(`Signature=${PUBLISHED.signature}`)
  ) {
    throw new Error(
      `the published TC3 example is not reproduced: ours ${publishedOurs}, SDK ${publishedSdk}, expected ${PUBLISHED.signature}`,
    );
  }
  return `signatures agree: signTc3Request, ${SDK_LABEL} Sign.sign3 (params object and body bytes) and node:crypto give the same Authorization at ${timestamps.length} timestamps on the ${format(bytes.length)}-byte StartAIConversation body; ours and the SDK reproduce Tencent's published example (Signature=${PUBLISHED.signature.slice(0, 8)}…).`;
}

/** A row of figure 1. */
interface SigningRow {
  variant: Variant;
  /** The row it is compared with (speed ratio). */
  baseline?: string;
  /** The measure's short name in the summary, for rows held to the goal. */
  goal?: string;
}

const SDK_BYTES = 'a. SDK Sign.sign3, body as bytes';
const SDK_PARAMS = 'b. SDK Sign.sign3, params object (as its client calls it)';
const OURS_SAME_DAY = 'c. signTc3Request (ours), same day';
const OURS_NEW_DAY = 'd. signTc3Request (ours), a new day every call';
const OURS_WITH_JSON = 'e. JSON.stringify + signTc3Request (ours), same day';
const NODE_REFERENCE = 'f. node:crypto, same algorithm, key cached per day';
const DIGEST_OURS = 'g. only the body’s SHA-256 hex, ours (sha256Hex)';
const DIGEST_NODE = 'h. only the body’s SHA-256 hex, node:crypto';

export async function figureSignatures(): Promise<void> {
  const sign3 = loadSdkSigner();
  const body = JSON.stringify(START_AI_CONVERSATION_PARAMS);
  const bytes = Buffer.from(body, 'utf8');
  console.log(`\n${checkSignaturesAgree(sign3, body)}`);

  let tick = 0;
  /** A new second of the same UTC day every call. */
  const sameDay = (): number => DAY_START + (tick++ % SECONDS_PER_DAY);
  /** A new UTC day every call: the derived key is never cached. */
  const newDay = (): number => DAY_START + SECONDS_PER_DAY * (tick++ % 50_000);
  const batch = 2_000;
  const row = (
    name: string,
    operation: () => unknown,
    extra: Omit<SigningRow, 'variant'> = {},
  ) => ({
    variant: { name, batch, run: timed(operation) },
    ...extra,
  });
  const table: SigningRow[] = [
    row(SDK_BYTES, () => sign3(sdkOptions(sameDay(), bytes))),
    row(SDK_PARAMS, () => sign3(sdkOptions(sameDay(), START_AI_CONVERSATION_PARAMS)), {
      baseline: SDK_BYTES,
    }),
    row(OURS_SAME_DAY, () => signTc3Request(ourOptions(sameDay(), body)), {
      baseline: SDK_BYTES,
      goal: 'ours same day vs SDK, body bytes (c/a)',
    }),
    // A diagnostic of the worst case: its ratio is shown, but it is not held to the goal.
    row(OURS_NEW_DAY, () => signTc3Request(ourOptions(newDay(), body)), { baseline: SDK_BYTES }),
    row(
      OURS_WITH_JSON,
      () => signTc3Request(ourOptions(sameDay(), JSON.stringify(START_AI_CONVERSATION_PARAMS))),
      { baseline: SDK_PARAMS, goal: 'ours + JSON vs SDK, params (e/b)' },
    ),
    row(NODE_REFERENCE, () => nodeCryptoSign(sameDay(), body), { baseline: SDK_BYTES }),
    row(DIGEST_OURS, () => sha256Hex(body), { baseline: DIGEST_NODE }),
    row(DIGEST_NODE, () => createHash('sha256').update(body).digest('hex')),
  ];
  const results = await runRounds(table.map((entry) => entry.variant));
  const nsPerOp = (name: string): number => median(results.get(name) ?? []);
  /** Median per-round ratio of signatures per second, `name` against `baseline`. */
  const speedup = (name: string, baseline: string): number => {
    const base = results.get(baseline) ?? [];
    return median((results.get(name) ?? []).map((ns, round) => (base[round] ?? Number.NaN) / ns));
  };
  const rows = table.map(({ variant, baseline, goal }) => {
    const ratio = baseline === undefined ? Number.NaN : speedup(variant.name, baseline);
    return [
      variant.name,
      format(1e9 / nsPerOp(variant.name)),
      format(nsPerOp(variant.name) / 1000, 2),
      baseline === undefined ? '1.00×' : `${times(ratio)} (${baseline.slice(0, 1)})`,
      goal === undefined
        ? ''
        : goalCell({
            figure: '1. signatures/s',
            measure: goal,
            value: ratio,
            target: SIGNING_GOAL,
            direction: 'at-least',
            label: `${SIGNING_GOAL}×`,
          }),
    ];
  });
  printTable(
    `1. TC3 signatures per second (StartAIConversation body, ${format(bytes.length)} bytes)`,
    ['variant', 'signatures/s', 'µs/op', 'speed vs (row)', 'goal'],
    rows,
    [
      `Same inputs everywhere: POST https://${HOST}/, service ${SERVICE}, Content-Type application/json, SignedHeaders content-type;host, the same SecretId/SecretKey, and a timestamp that changes every call (${new Date(DAY_START * 1000).toISOString().slice(0, 10)} for "same day").`,
      `${SDK_LABEL}: Sign.sign3 from tencentcloud/common/sign.js, the function its HttpConnection.doRequestWithSign3 calls for every request. It parses the URL, hashes with node:crypto and derives the key chain (three HMACs) on every call. Row b passes the params object, as its client does: sign3 then serialises it with json-bigint (JSONbig.stringify) to hash it — the client serialises it a second time for the body, which no row counts. Row a hands it the body as a Buffer, which it hashes as is: the signer alone.`,
      `Ours: option checks, the canonical request, two SHA-256 and one HMAC-SHA256 (${hashingInUse() === 'native' ? 'synchronous, on node:crypto, which @imbridge/trtc obtains through process.getBuiltinModule on first use: src/crypto/sha256.ts, docs/decisions/0012-tc3-native-hashing.md' : 'synchronous, in TypeScript: this runtime gives no node:crypto through process.getBuiltinModule'}), the derived key taken from a 16-entry cache per (secret key, UTC date, service), and the header object. Row e adds the JSON.stringify our client does once per call, against row b.`,
      'Row d is a diagnostic of the worst case, so it has no goal and is not in the summary: it signs in a new UTC day every call, so the three extra HMACs of the key chain are paid on every signature. Ours caches the derived key per UTC day by design, so real traffic signs on a cached key (the chain is derived again once a UTC day per secret key and service), whereas the SDK derives it on every call (rows a and b).',
      `Rows f–h are not anchors. f: the same algorithm on node:crypto, its key cached per day too, to separate the algorithm from the SDK around it. g and h: the SHA-256 hex of the ${format(bytes.length)}-byte body alone (UTF-8 encoding included), the largest part of a signature — in this run ${percent(nsPerOp(DIGEST_OURS), nsPerOp(OURS_SAME_DAY))} of row c's time.`,
    ],
  );
}
