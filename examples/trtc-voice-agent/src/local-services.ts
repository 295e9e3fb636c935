import { createLocalTRTC, type LocalTRTC } from '@imbridge/trtc/testing';
import {
  DEFAULT_SYSTEM_PROMPT,
  DEFAULT_TTS_MODEL,
  DEFAULT_TTS_VOICE_ID,
  type ExampleConfig,
} from './config.ts';

// The local app's credentials: made up, and never printed.
/** The local TRTC application's SDKAppID. */
export const DEMO_SDK_APP_ID = 1_400_000_000;
/** The SecretId of the local Cloud API key. */
export const DEMO_SECRET_ID = 'AKIDlocaldemo0000000000000000000';
/** The SecretKey of the local Cloud API key (signs the API calls). */
export const DEMO_API_SECRET_KEY = 'local-demo-cloud-api-key-not-a-real-one';
/** The local application's SDK secret key (signs the agent's UserSig). */
export const DEMO_APP_SECRET_KEY = 'local-demo-trtc-sdk-secret-key-not-a-real-one';

/** A local TRTC, and the example's settings pointing at it. */
export interface LocalServices {
  /** The local TRTC: its API, its calls to the LLM endpoint and what it recorded. */
  trtc: LocalTRTC;
  /**
   * What `readConfig` would give with the local TRTC as `TRTC_BASE_URL`, a fresh random
   * `ADMIN_TOKEN`, the offline model and port 0; no `publicUrl` (the server's own URL is used).
   */
  config: ExampleConfig;
  /** Stops the local TRTC. */
  close(): Promise<void>;
}

/** A random admin token for a local run: 32 hex characters. */
export function randomAdminToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Starts a local TRTC on 127.0.0.1 (the AI-conversation API, its calls to the agent's LLM
 * endpoint and, with `callbackUrl`, its webhooks, each tried once) for the demo and the tests.
 */
export async function startLocalServices(
  options: {
    /** Where the local TRTC posts its webhooks (901 started, 903 sentences, 902 stopped…). */
    callbackUrl?: string | undefined;
  } = {},
): Promise<LocalServices> {
  const trtc = await createLocalTRTC({
    secretId: DEMO_SECRET_ID,
    secretKey: DEMO_API_SECRET_KEY,
    sdkAppId: DEMO_SDK_APP_ID,
    callbackUrl: options.callbackUrl,
    webhookRetry: false,
  });
  return {
    trtc,
    config: {
      trtc: {
        sdkAppId: DEMO_SDK_APP_ID,
        secretKey: DEMO_APP_SECRET_KEY,
        credentials: { secretId: DEMO_SECRET_ID, secretKey: DEMO_API_SECRET_KEY },
        region: 'ap-guangzhou',
        endpoint: 'china',
        baseUrl: trtc.baseUrl,
      },
      agent: {
        systemPrompt: DEFAULT_SYSTEM_PROMPT,
        welcomeMessage: undefined,
        ttsConfig: { type: 'flow', voiceId: DEFAULT_TTS_VOICE_ID, model: DEFAULT_TTS_MODEL },
      },
      publicUrl: undefined,
      adminToken: randomAdminToken(),
      port: 0,
      model: { kind: 'scripted' },
    },
    close: () => trtc.close(),
  };
}
