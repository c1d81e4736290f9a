import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  finetuneReferenceFixtures,
  readFinetuneReference,
  referenceFinetuneArgs,
  runFinetuneJson,
  stepErrors,
} from './support/finetune-run.js';

/**
 * `mllr finetune --no-shuffle` against the same 20 steps in PyTorch (tools/fixtures/make_finetune_reference.py):
 * file-order batches, the masked cross-entropy divided once by the step's response tokens, gradient accumulation,
 * global-norm clipping acting on some steps, and AdamW with decoupled weight decay.
 */

/** Largest absolute difference of a step's loss (losses here run from about 9 down to 0.1). */
const LOSS_TOLERANCE = 1e-4;
/** Largest difference of a step's gradient norm (before clipping), relative to PyTorch's. */
const GRAD_NORM_TOLERANCE = 1e-4;

const fixtures = finetuneReferenceFixtures('finetune-reference.json');

function reference(name: string) {
  return readFinetuneReference(name, 'finetune-reference.json');
}

describe('mllr finetune --no-shuffle against PyTorch', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mllr-finetune-parity-'));
  });

  it('the references cover GQA untied, qwen2 qkv bias and a tied head, with accumulation and clipping on some steps only', () => {
    expect(fixtures).toEqual(expect.arrayContaining(['llama-gqa-untied', 'qwen2-qkv-bias', 'llama-mha-tied']));
    expect(fixtures.some((name) => reference(name).settings.gradient_accumulation > 1)).toBe(true);
    for (const name of fixtures) {
      const { settings, steps } = reference(name);
      const clipped = steps.filter((s) => s.grad_norm > settings.max_grad_norm).length;
      expect(clipped, name).toBeGreaterThan(0);
      expect(clipped, name).toBeLessThan(steps.length);
      expect(settings.weight_decay, name).toBeGreaterThan(0);
    }
  });

  describe.each(['onnx', 'tfjs'])('--engine %s', (engine) => {
    it.each(fixtures)(
      "%s: every step's loss within 1e-4 and gradient norm within 1e-4 (relative) of PyTorch's",
      async (name) => {
        const ref = reference(name);
        const { settings, steps: expected } = ref;
        const out = join(dir, `${engine}-${name}`);
        const { steps } = await runFinetuneJson(referenceFinetuneArgs(engine, name, ref, out));
        // The optimizer constants mllr took from its default config are the ones PyTorch ran with.
        const record = JSON.parse(readFileSync(join(out, 'finetune.json'), 'utf8'));
        expect(record.engine.name).toBe(engine);
        expect(record.settings).toMatchObject({
          beta1: settings.beta1,
          beta2: settings.beta2,
          epsilon: settings.epsilon,
          shuffle: false,
        });

        expect(steps.map((s) => s.step)).toEqual(expected.map((s) => s.step));
        expect(steps.map((s) => s.tokens)).toEqual(expected.map((s) => s.tokens));
        const errors = stepErrors(steps, expected);
        expect(errors.loss).toBeLessThanOrEqual(LOSS_TOLERANCE);
        expect(errors.gradNorm).toBeLessThanOrEqual(GRAD_NORM_TOLERANCE);
      },
    );
  });
});
