import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { loadRunConfig, parseRunConfig } from './load-config.js';
import { MAX_CONFIG_BYTES, MAX_CONFIG_DEPTH } from './secret-settings.js';

const FILE = '/cfg/run.yaml';

/** Parses `text`; the only acceptable failure is a CONFIG_* MllrError naming the file. */
function parseOrTypedError(text: string): void {
  try {
    parseRunConfig(FILE, text, BUILTIN_PLUGINS);
  } catch (error) {
    expect(error).toMatchObject({ name: 'MllrError', code: expect.stringMatching(/^(CONFIG_PARSE|CONFIG_INVALID)$/) });
    expect((error as Error).message).toContain(FILE);
  }
}

const SETTINGS = [
  'seed',
  'seeds',
  'model',
  'data',
  'proxy',
  'search',
  'strategies',
  'training',
  'stages',
  'engine',
  'probe',
  'judge',
  'evaluators',
  'tokenizer',
];

describe('parseRunConfig under random input (property)', () => {
  it('refuses random text with a typed error', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), parseOrTypedError), { numRuns: 200 });
  });

  it('accepts or refuses random values for every setting (JSON and YAML)', () => {
    const config = fc.dictionary(fc.constantFrom(...SETTINGS), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 5 });
    fc.assert(
      fc.property(config, fc.boolean(), (c, asJson) => parseOrTypedError(asJson ? JSON.stringify(c) : toYaml(c))),
      { numRuns: 200 },
    );
  });

  it('turns nesting that would overflow the YAML parser, or pass the depth limit, into CONFIG_PARSE', () => {
    // 16,384 unclosed `{` kept the yaml parser busy for three minutes before the bracket depth was checked first.
    for (const text of [
      '- '.repeat(20000) + 'x',
      `a: ${'['.repeat(50000)}`,
      `a: ${'{'.repeat(16384)}`,
      `proxy: { name: noise, options: ${'{a: '.repeat(MAX_CONFIG_DEPTH + 2)}1${'}'.repeat(MAX_CONFIG_DEPTH + 2)} }`,
    ]) {
      expect(() => parseRunConfig(FILE, text, BUILTIN_PLUGINS)).toThrow(
        expect.objectContaining({ code: 'CONFIG_PARSE', message: expect.stringContaining(FILE) }),
      );
    }
  });

  it('lists at most 100 problems, counting the rest, so a file of thousands of unknown keys gives a bounded message', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `k${i}: 1`).join('\n');
    expect(() => parseRunConfig(FILE, text, BUILTIN_PLUGINS)).toThrow(
      expect.objectContaining({
        message: `config ${FILE} has 5000 problems:`,
        details: expect.arrayContaining([{ message: '… and 4900 more' }]),
      }),
    );
  });

  it('refuses a config file over the size limit before reading it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mllr-cfg-')), 'big.yaml');
    writeFileSync(file, `# ${'x'.repeat(MAX_CONFIG_BYTES)}\nseed: 1\n`);
    await expect(loadRunConfig(file, BUILTIN_PLUGINS)).rejects.toMatchObject({
      code: 'CONFIG_PARSE',
      message: expect.stringContaining('more than the 65536-byte limit'),
    });
  });
});

describe('secrets in a config file', () => {
  it('refuses secret-looking keys with values anywhere, pointing at an environment variable instead', () => {
    const text = [
      'proxy:',
      '  name: noise',
      '  options:',
      '    api_key: sk-live-123456789',
      'judge: { module: ./judge.js, options: { password: hunter2, nested: [{ hf_token: abc }] } }',
      '',
    ].join('\n');
    let error: unknown;
    try {
      parseRunConfig(FILE, text, BUILTIN_PLUGINS);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', message: `config ${FILE} holds 3 secrets:` });
    const details = (error as { details: { where: string; message: string }[] }).details;
    expect(details.map((d) => d.where)).toEqual([
      `${FILE}:4:14 proxy.options.api_key`,
      `${FILE}:5:51 judge.options.password`,
      `${FILE}:5:81 judge.options.nested[0].hf_token`,
    ]);
    expect(details[0]!.message).toContain(
      'Put it in an environment variable and name the variable instead, e.g. api_key_env: OPENAI_API_KEY',
    );
    // The value itself is never repeated in the message.
    expect(JSON.stringify(error)).not.toContain('sk-live-123456789');
  });

  it('allows naming the variable, empty values and tokenizer-style token settings', () => {
    const text =
      'proxy: { name: noise, options: { api_key_env: OPENAI_API_KEY, apiKeyEnv: MY_KEY, eos_token: "</s>", token: "" } }\n';
    expect(parseRunConfig(FILE, text, BUILTIN_PLUGINS).config.proxy.options).toEqual({
      api_key_env: 'OPENAI_API_KEY',
      apiKeyEnv: 'MY_KEY',
      eos_token: '</s>',
      token: '',
    });
  });
});

function toYaml(value: Record<string, unknown>): string {
  return Object.entries(value)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join('\n');
}
