import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

// A fixture with a tokenizer whose PyTorch greedy continuation of [1, 2, 3] is recorded: 29 29 29 29 17 77 27 27.
const FIXTURE = resolve(import.meta.dirname, '../fixtures/checkpoints/llama-mha-tied');
const GREEDY: number[] = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')).cli_greedy.output_ids;

/** A copy of the fixture whose generation_config.json lists `eos` (config.json's own eos_token_id, 2, never comes up). */
function withGenerationEos(eos: number[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'mllr-eos-')), 'model');
  cpSync(FIXTURE, dir, { recursive: true });
  writeFileSync(
    join(dir, 'generation_config.json'),
    JSON.stringify({ bos_token_id: 1, eos_token_id: eos, do_sample: false }),
  );
  return dir;
}

async function generate(model: string, engine: string): Promise<number[]> {
  const result = await runMllr([
    'generate',
    '--engine',
    engine,
    '--model',
    model,
    '--ids',
    '1,2,3',
    '--max-new-tokens',
    '8',
    '--json',
  ]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).output_ids;
}

describe('mllr generate stops at every eos id of generation_config.json', () => {
  it('the fixture continues without a stop token in its first eight', () => {
    expect(GREEDY).toEqual([29, 29, 29, 29, 17, 77, 27, 27]);
  });

  it.each(['tfjs', 'onnx'])('on %s: the second id of the list ends it, and so does the first', async (engine) => {
    // 17 first comes up fifth, 77 sixth; 50 never does. Each list names its hit after a miss, then before one.
    expect(await generate(withGenerationEos([50, 17]), engine)).toEqual(GREEDY.slice(0, 5));
    expect(await generate(withGenerationEos([77, 50]), engine)).toEqual(GREEDY.slice(0, 6));
  });
});
