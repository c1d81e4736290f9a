import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const TINY_CHAT = resolve(import.meta.dirname, '../packages/tiny-chat/model');

/** tiny-chat with a tokenizer that knows only its special tokens: every word of every prompt becomes `<unk>`. */
function unknownWordsModel(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'mllr-unk-')), 'model');
  cpSync(TINY_CHAT, dir, { recursive: true });
  const file = join(dir, 'tokenizer.json');
  const tokenizer = JSON.parse(readFileSync(file, 'utf8')) as {
    added_tokens: Array<{ content: string }>;
    model: { vocab: Record<string, number> };
  };
  const special = new Set(tokenizer.added_tokens.map((t) => t.content));
  tokenizer.model.vocab = Object.fromEntries(
    Object.entries(tokenizer.model.vocab).filter(([token]) => special.has(token)),
  );
  writeFileSync(file, JSON.stringify(tokenizer));
  return dir;
}

describe('mllr run stops degenerate analyses with a reason', () => {
  it('a tokenizer that maps every word to <unk>: stops after the proxy stage naming the probe accuracy, exit 2, no robustness.json', async () => {
    const root = mkdtempSync(join(tmpdir(), 'mllr-degenerate-'));
    const config = join(root, 'config.yaml');
    writeFileSync(
      config,
      `model: { path: ${JSON.stringify(unknownWordsModel())} }\nproxy: { name: noise, options: { repeats: 1 } }\n`,
    );
    const out = join(root, 'run');
    const result = await runMllr(['run', '--headless', '--config', config, '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^mllr: the security probe .*clean validation accuracy 0\.\d{3} on layer \d+/);
    expect(result.stderr).toMatch(/tokenizer/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.stdout).toMatch(/ proxy +fail /);
    expect(result.stdout).toMatch(/100\.0% of the prompt tokens are the tokenizer's unknown token/);
    const proxy = JSON.parse(readFileSync(join(out, 'proxy.json'), 'utf8'));
    expect(proxy.warnings[0]).toContain(proxy.clean_accuracy.toFixed(3));
    expect(existsSync(join(out, 'robustness.json'))).toBe(false);
    expect(existsSync(join(out, 'search.json'))).toBe(false);
  }, 300_000);
});
