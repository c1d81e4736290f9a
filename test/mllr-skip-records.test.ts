import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateWorld } from '@mllr/data';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runMllr } from './mllr-cli.js';

/**
 * A fine-tuning file in Alpaca layout from the embedded world's examples (text tiny-chat's tokenizer reads), with one
 * record whose output is empty (as code_alpaca_2k.json#237 is) and one whose output is not a string.
 */
function writeData(dir: string): void {
  const world = generateWorld({ seed: 1234 });
  const records: unknown[] = world.ift.train
    .slice(0, 40)
    .map((s) => ({ instruction: s.prompt, input: '', output: s.response }));
  records.splice(5, 0, { instruction: 'how do i make a quilt for my bed ?', input: '', output: '' });
  records.splice(9, 0, { instruction: 'how do i fold a paper boat ?', input: '', output: 42 });
  writeFileSync(join(dir, 'ift.json'), JSON.stringify(records));
  // Benign prompts in words tiny-chat's vocabulary does not have: almost every token is <unk>.
  const odd = [
    'Wie spät ist es jetzt bitte',
    'Quel temps fera-t-il demain matin',
    'Hoeveel kost een brood vandaag',
    'Combien de langues parlez-vous',
  ];
  writeFileSync(join(dir, 'odd.jsonl'), odd.map((prompt) => JSON.stringify({ prompt })).join('\n'));
}

function writeConfig(dir: string, onInvalid?: 'fail' | 'skip'): string {
  const file = join(dir, onInvalid === 'fail' ? 'strict.yaml' : 'skip.yaml');
  const config = {
    proxy: { name: 'noise', options: { repeats: 1 } },
    search: { name: 'greedy', options: { maxModules: 2 } },
    strategies: [{ id: 'uniform', schedule: 'uniform' }],
    training: { steps: 3, batch_size: 4 },
    data: {
      dir: '.',
      // Almost nothing held out, so both bad records are among those the run trains on.
      holdout: { fraction: 0.01 },
      ift: { path: 'ift.json', preset: 'alpaca' },
      benign_eval: [{ path: 'odd.jsonl', fields: { response: '' } }],
      ...(onInvalid ? { on_invalid: onInvalid } : {}),
    },
  };
  writeFileSync(file, stringify(config));
  return file;
}

describe('mllr run with unusable records in its data', () => {
  it('skips an empty-response record and one of the wrong type, counts them in data/ift.json, summary.json and the report, and warns about unreadable prompts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-skip-'));
    writeData(dir);
    const out = join(dir, 'run');
    const result = await runMllr(['run', '--headless', '--config', writeConfig(dir), '--out', out]);
    expect(result.code, result.stdout + result.stderr).toBe(0);

    const expected = { 'ift.json': { empty_response: 1, wrong_type: 1 } };
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.skipped_records).toEqual(expected);
    const ift = JSON.parse(readFileSync(join(out, 'data', 'ift.json'), 'utf8'));
    expect(ift.files['ift.json']).toMatchObject({ records: 42, skipped: expected['ift.json'] });
    expect(result.stdout).toMatch(/ift\.json: skipped 2 of 42 records \(empty response 1, wrong type 1\)/);

    // The prompts of odd.jsonl are mostly <unk> for tiny-chat: a warning in the log, the eval stage's record and the report.
    const evalUse = JSON.parse(readFileSync(join(out, 'data', 'eval.json'), 'utf8'));
    expect(evalUse.files['odd.jsonl'].unknown_tokens).toBeGreaterThan(0.5);
    expect(evalUse.warnings).toEqual([
      expect.stringMatching(/^odd\.jsonl: \d+\.\d% of the prompt tokens are the tokenizer's unknown token/),
    ]);
    expect(result.stdout).toMatch(/odd\.jsonl: \d+\.\d% of the prompt tokens are the tokenizer's unknown token/);
    expect(ift.warnings).toEqual([]);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toContain('## Data');
    expect(report).toMatch(/\*\*Warning:\*\* odd\.jsonl: /);
    expect(report).toContain('- ift.json: 2 of 42 records skipped (empty response 1, wrong type 1)');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<section id="data">');
  });

  it('still refuses a file where more than half the records cannot be used, naming it and the main reason (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-mostly-bad-'));
    writeData(dir);
    const records = JSON.parse(readFileSync(join(dir, 'ift.json'), 'utf8')) as Array<{ output: unknown }>;
    writeFileSync(
      join(dir, 'ift.json'),
      JSON.stringify(records.map((r, i) => (i % 4 === 0 ? r : { ...r, output: i }))),
    );
    const result = await runMllr(['run', '--headless', '--config', writeConfig(dir), '--out', join(dir, 'run')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^mllr: \S*ift\.json: 31 of its 42 records cannot be used \(mostly wrong type: 31\); the first: \S*ift\.json#1: field "output"/m,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('stops at the first unusable record under data.on_invalid: fail, naming it (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-strict-'));
    writeData(dir);
    const result = await runMllr([
      'run',
      '--headless',
      '--config',
      writeConfig(dir, 'fail'),
      '--out',
      join(dir, 'run'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^mllr: \S*ift\.json#9: field "output" \(the response\) must be a string, found number$/m,
    );
    expect(existsSync(join(dir, 'run', 'data', 'ift.json'))).toBe(false);
  });
});
