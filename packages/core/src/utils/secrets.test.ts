import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, SecretRedactor, isSecretKey, secretValuesFromEnv } from './secrets.js';

const KEY = 'sk-test-0123456789abcdef';

describe('secretValuesFromEnv', () => {
  it('takes long values of secret-looking variables only', () => {
    const env = {
      OPENAI_API_KEY: KEY,
      HF_TOKEN: 'hf_abcdefghijkl',
      DB_PASSWORD: 'short',
      TOKENIZERS_PARALLELISM: 'false',
      HOME: '/home/someone/very/long',
    };
    expect(secretValuesFromEnv(env)).toEqual([KEY, 'hf_abcdefghijkl']);
  });
});

describe('isSecretKey', () => {
  it('flags keys that hold secrets, not tokenizer settings or variable names', () => {
    for (const key of [
      'api_key',
      'apiKey',
      'OPENAI_API_KEY',
      'token',
      'hf_token',
      'authToken',
      'password',
      'client_secret',
      'credentials',
      'private_key',
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of [
      'api_key_env',
      'apiKeyEnv',
      'eos_token',
      'max_tokens',
      'tokenizer',
      'pad_token',
      'name',
      'keys',
      'steps',
    ]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});

describe('SecretRedactor', () => {
  it('redacts text, nested values (keys included) and bytes of the same length', () => {
    const r = new SecretRedactor([KEY]);
    expect(r.text(`key=${KEY}; again ${KEY}`)).toBe(`key=${REDACTED}; again ${REDACTED}`);
    expect(r.value({ a: [`x${KEY}`, 1, null], [KEY]: { b: KEY } })).toEqual({
      a: [`x${REDACTED}`, 1, null],
      [REDACTED]: { b: REDACTED },
    });
    const bytes = new TextEncoder().encode(`\u0000${KEY}\u0001`);
    const masked = r.binary(bytes);
    expect(masked.byteLength).toBe(bytes.byteLength);
    expect(new TextDecoder().decode(masked)).toBe(`\u0000${'*'.repeat(KEY.length)}\u0001`);
    expect(new TextDecoder().decode(bytes)).toContain(KEY); // the input is left alone
  });

  it('redacts streamed artifact content chunk by chunk', async () => {
    async function* chunks() {
      yield `a ${KEY} b`;
      yield new TextEncoder().encode(KEY);
    }
    const out: string[] = [];
    for await (const c of new SecretRedactor([KEY]).content(chunks()) as AsyncIterable<string | Uint8Array>) {
      out.push(typeof c === 'string' ? c : new TextDecoder().decode(c));
    }
    expect(out).toEqual([`a ${REDACTED} b`, '*'.repeat(KEY.length)]);
  });

  it('never leaves a planted secret in any text (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 10, maxLength: 40 }),
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 6 }),
        (secret, parts) => {
          fc.pre(secret.trim() === secret && !REDACTED.includes(secret));
          const text = parts.join(secret);
          expect(new SecretRedactor([secret]).text(text).includes(secret)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
