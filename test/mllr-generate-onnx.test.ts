import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectReferenceGreedyIds, referenceFolders, runMllr } from './mllr-cli.js';

const FIXTURES = resolve(import.meta.dirname, '../fixtures/checkpoints');
const fixtures = referenceFolders(FIXTURES);

describe('mllr generate --engine onnx', () => {
  it.each(fixtures)('--ids 1,2,3 --max-new-tokens 8 --json prints the PyTorch greedy ids for %s', async (name) => {
    await expectReferenceGreedyIds(join(FIXTURES, name), ['--engine', 'onnx']);
  });

  it('names the engine and device, and refuses a device it does not have', async () => {
    const model = join(FIXTURES, 'llama-mha-tied');
    const ok = await runMllr([
      'generate',
      '--engine',
      'onnx',
      '--device',
      'cpu',
      '--model',
      model,
      '--prompt',
      'what is the time',
      '--max-new-tokens',
      '3',
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('mllr: onnx on cpu\n');
    const bad = await runMllr([
      'generate',
      '--engine',
      'onnx',
      '--device',
      'wasm',
      '--model',
      model,
      '--ids',
      '1,2',
      '--max-new-tokens',
      '3',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown ONNX Runtime device "wasm"; use auto, cpu, cuda/);
  });

  it('mllr inspect --engine onnx shows the device', async () => {
    const result = await runMllr([
      'inspect',
      '--engine',
      'onnx',
      '--model',
      join(FIXTURES, 'llama-gqa-untied'),
      '--json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ engine: 'onnx', device: 'cpu' });
  });
});
