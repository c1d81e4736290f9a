import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const LEAKY = resolve(import.meta.dirname, 'fixtures/leaky-plugin.mjs');
const KEY = 'sk-e2e-planted-4f9c2a7b1d3e8f60';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('mllr run keeps API keys out of everything it writes and prints', () => {
  afterEach(() => {
    delete process.env['MLLR_E2E_API_KEY'];
  });

  it.each([['--headless'], ['--json']])(
    'a plugin that logs, labels, writes, prints and throws the key leaks nothing (%s)',
    async (mode) => {
      process.env['MLLR_E2E_API_KEY'] = KEY; // the spawned mllr inherits it, as from a user's shell
      const dir = mkdtempSync(join(tmpdir(), 'mllr-secrets-'));
      const config = join(dir, 'leaky.yaml');
      writeFileSync(config, `stages:\n  module: ${JSON.stringify(LEAKY)}\n  options: { key_env: MLLR_E2E_API_KEY }\n`);
      const out = join(dir, 'run');
      const result = await runMllr(['run', mode, '--config', config, '--out', out]);

      expect(result.code).toBe(1); // the plugin's error: a failure while running
      const files = filesUnder(out);
      expect(files.map((f) => f.slice(out.length + 1)).sort()).toEqual(
        expect.arrayContaining(['events.jsonl', 'leak.json', 'leak.bin', 'run.json', 'config.yaml']),
      );
      for (const file of files) expect(readFileSync(file).includes(KEY), file).toBe(false);
      expect(result.stdout).not.toContain(KEY);
      expect(result.stderr).not.toContain(KEY);
      // The attempts did happen, and were redacted where they landed.
      const events = readFileSync(join(out, 'events.jsonl'), 'utf8');
      expect(events).toContain('calling the API with [redacted]');
      expect(events).toContain('latency-[redacted]');
      expect(events).toContain('the API refused key [redacted]');
      expect(result.stdout).toContain('stdout: [redacted]');
      expect(readFileSync(join(out, 'leak.json'), 'utf8')).toContain('"authorization": "Bearer [redacted]"');
    },
  );

  it('refuses a config file that holds a key, naming the setting and not repeating the value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-secrets-'));
    const config = join(dir, 'inline-key.yaml');
    writeFileSync(config, `judge:\n  name: refusal\n  options: { api_key: ${KEY} }\n`);
    const result = await runMllr(['run', '--headless', '--config', config, '--out', join(dir, 'run')]);
    expect(result.code).toBe(2);
    const printed = result.stdout + result.stderr;
    expect(printed).toContain('judge.options.api_key');
    expect(printed).toContain('api_key_env: OPENAI_API_KEY');
    expect(printed).not.toContain(KEY);
  });
});
