import { describe, expect, it } from 'vitest';
import { LOCAL_TRTC } from './local-setup.ts';
import { REDACTED, redactBody, redactPathAndQuery } from './redact.ts';

describe('redactPathAndQuery', () => {
  it('hides the UserSig and signatures, and keeps the other parameters', () => {
    const shown = redactPathAndQuery(
      new URL(
        'http://x/v4/openim/sendmsg?sdkappid=1400000000&usersig=eJw1jU%2Babc&Sign=f00&random=7',
      ),
    );
    expect(shown).toBe(
      `/v4/openim/sendmsg?sdkappid=1400000000&usersig=${REDACTED}&Sign=${REDACTED}&random=7`,
    );
  });
});

describe('redactBody', () => {
  it('hides secret fields, also inside JSON strings such as LLMConfig', () => {
    const body = JSON.stringify({
      AgentConfig: { UserId: 'agent', UserSig: 'eJw-sig' },
      LLMConfig: JSON.stringify({ LLMType: 'openai', APIKey: 'eyJ.jwt.key', Model: 'm' }),
      integrations: [{ type: 'dify_chat', auth: { apiKey: 'app-123' } }],
    });
    expect(redactBody(body)).toEqual({
      AgentConfig: { UserId: 'agent', UserSig: REDACTED },
      LLMConfig: { LLMType: 'openai', APIKey: REDACTED, Model: 'm' },
      integrations: [{ type: 'dify_chat', auth: { apiKey: REDACTED } }],
    });
  });

  it('hides the local secrets wherever they appear, and cuts long text', () => {
    expect(redactBody(`key=${LOCAL_TRTC.secretKey}`)).toBe(`key=${REDACTED}`);
    expect(String(redactBody('x'.repeat(9_000))).length).toBeLessThan(8_010);
    expect(redactBody('')).toBeUndefined();
  });
});
