import { describe, expect, it } from 'vitest';
import { main } from '../cli.js';
import { capturedIo } from '../test-fixtures/captured-io.js';
import { describeStart, renderFinetuneJson, renderFinetuneLines } from '../render/finetune-output.js';

const REQUIRED = ['finetune', '--model', 'tiny-chat', '--data', 'd.jsonl', '--out', 'o'];

describe('mllr finetune options', () => {
  it('documents every option', async () => {
    const c = capturedIo();
    expect(await main(['finetune', '--help'], c)).toBe(0);
    for (const flag of [
      '--model <dir>',
      '--data <file>',
      '--out <dir>',
      '--plan <file>',
      '--steps <n>',
      '--batch-size <n>',
      '--gradient-accumulation <n>',
      '--lr <lr>',
      '--max-grad-norm <x>',
      '--weight-decay <w>',
      '--no-shuffle',
      '--engine <engine>',
      '--seed <n>',
      '--force',
      '--json',
    ]) {
      expect(c.out()).toContain(flag);
    }
  });

  it('exits 2 naming the flag for bad numbers, missing flags and unknown engines', async () => {
    const cases: Array<[string[], string]> = [
      [['finetune', '--model', 'tiny-chat', '--out', 'o'], "required option '--data <file>' not specified"],
      [[...REQUIRED, '--steps', '2.5'], '--steps must be a positive integer'],
      [[...REQUIRED, '--batch-size', '0'], '--batch-size must be a positive integer'],
      [[...REQUIRED, '--gradient-accumulation', 'x'], '--gradient-accumulation must be a positive integer'],
      [[...REQUIRED, '--lr', '0'], '--lr must be a number > 0'],
      [[...REQUIRED, '--lr', 'Infinity'], '--lr must be a number > 0'],
      [[...REQUIRED, '--max-grad-norm', '-1'], '--max-grad-norm must be a number ≥ 0'],
      [[...REQUIRED, '--weight-decay', 'NaN'], '--weight-decay must be a number ≥ 0'],
      [[...REQUIRED, '--seed', '-1'], '--seed must be a whole number ≥ 0'],
      [[...REQUIRED, '--engine', 'torch'], 'Allowed choices are tfjs, onnx'],
    ];
    for (const [argv, message] of cases) {
      const c = capturedIo();
      expect(await main(argv, c), argv.join(' ')).toBe(2);
      expect(c.err()).toContain(message);
    }
  });
});

describe('mllr finetune output', () => {
  const start = {
    engine: 'tfjs',
    device: 'wasm',
    examples: 8,
    dataKind: 'tokenized' as const,
    skipped: {},
    steps: 2,
    groups: [{ name: 'all', learningRate: 0.002, tensors: 38 }],
  };
  const step = { step: 1, steps: 2, loss: 2.5, gradNorm: 0.75, tokens: 40 };
  const result = { out: '/m', steps: 2, firstLoss: 2.5, finalLoss: 2, tokens: 80, elapsedS: 3 };

  it('--json prints exactly one object per step and a final one', async () => {
    const c = capturedIo();
    const renderer = renderFinetuneJson(c.stdout);
    renderer.start(start);
    renderer.step(step);
    await renderer.finish(result);
    expect(
      c
        .out()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { step: 1, loss: 2.5, grad_norm: 0.75, tokens: 40 },
      { out: '/m', steps: 2, first_loss: 2.5, final_loss: 2, tokens: 80, elapsed_s: 3 },
    ]);
  });

  it('plain lines say what is trained, each step, and where the result went', async () => {
    const c = capturedIo();
    const renderer = renderFinetuneLines(c.stdout);
    renderer.start(start);
    renderer.step(step);
    await renderer.finish(result);
    expect(c.out().split('\n')).toEqual([
      'fine-tuning on tfjs (wasm): 8 pre-tokenized examples, 2 steps; all 38 tensors at lr 0.002',
      'step 1/2  loss 2.5000  grad_norm 0.75  tokens 40',
      'saved /m (loss 2.5000 → 2.0000 over 2 steps, 3s); finetune.json records the groups, settings and curve',
      '',
    ]);
  });

  it('says how many records of a dataset file were skipped, and why', () => {
    expect(
      describeStart({
        ...start,
        dataKind: 'dataset',
        skipped: { empty_response: 2, too_long: 1 },
        groups: [{ name: 'frozen', learningRate: 0, tensors: 1 }],
      }),
    ).toBe(
      'fine-tuning on tfjs (wasm): 8 examples (skipped 2 empty response, 1 too long), 2 steps; frozen 1 tensor at lr 0',
    );
  });
});
