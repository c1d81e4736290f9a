import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loraTensorNames, allModuleIds, type LoraSettings } from '@mllr/core';
import { loadCheckpoint, mergeLora, readPeftAdapter } from '@mllr/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureDir, sameBits } from './support/fixture-references.js';
import {
  finetuneReferenceFixtures,
  readFinetuneReference,
  referenceFinetuneArgs,
  runFinetuneJson,
  stepErrors,
  type FinetuneReference,
} from './support/finetune-run.js';

/**
 * `mllr finetune --adapter-init lora-init --lora-r R --no-shuffle` against the same 10 steps of a hand-written LoRA in
 * PyTorch (tools/fixtures/make_finetune_reference.py, main_lora): from a nonzero PEFT adapter, only A and B trained,
 * file-order batches, accumulation, global-norm clipping on some steps, AdamW with decoupled weight decay.
 */

const LOSS_TOLERANCE = 1e-4;
const GRAD_NORM_TOLERANCE = 1e-4;

interface LoraReference extends FinetuneReference {
  adapter_init: string;
  lora: { r: number; alpha: number; targets: LoraSettings['targets']; rslora: boolean };
}

const fixtures = finetuneReferenceFixtures('finetune-lora-reference.json');

function reference(name: string): LoraReference {
  return readFinetuneReference<LoraReference>(name, 'finetune-lora-reference.json');
}

describe('mllr finetune with a LoRA adapter against PyTorch', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mllr-lora-parity-'));
  });

  it('the references cover GQA untied (all seven targets), qwen2 qkv bias (rslora, accumulation) and a tied head, clipping some steps', () => {
    expect(fixtures).toEqual(['llama-gqa-untied', 'llama-mha-tied', 'qwen2-qkv-bias']);
    for (const name of fixtures) {
      const { steps } = reference(name);
      const clipped = steps.filter((s) => s.clipped).length;
      expect(clipped, name).toBeGreaterThan(0);
      expect(clipped, name).toBeLessThan(steps.length);
    }
    expect(fixtures.some((n) => reference(n).lora.rslora)).toBe(true);
    expect(fixtures.some((n) => reference(n).settings.gradient_accumulation > 1)).toBe(true);
  });

  it.each(fixtures)(
    '%s: every loss within 1e-4 and gradient norm within 1e-4 of PyTorch; W bit-identical; PEFT output',
    async (name) => {
      const folder = fixtureDir(name);
      const ref = reference(name);
      const { adapter_init: init, lora, steps: expected } = ref;
      const out = join(dir, name);
      const { steps } = await runFinetuneJson([
        ...referenceFinetuneArgs('onnx', name, ref, out),
        '--adapter-init',
        join(folder, init),
        '--lora-r',
        String(lora.r),
      ]);
      expect(steps.map((s) => s.tokens)).toEqual(expected.map((s) => s.tokens));
      const errors = stepErrors(steps, expected);
      console.info(
        `${name}: LoRA loss error ${errors.loss.toExponential(2)}, grad norm error ${errors.gradNorm.toExponential(2)} (relative)`,
      );
      expect(errors.loss).toBeLessThanOrEqual(LOSS_TOLERANCE);
      expect(errors.gradNorm).toBeLessThanOrEqual(GRAD_NORM_TOLERANCE);

      // W stays bit-identical: the saved merged model is exactly the untouched base merged with the saved adapter, and
      // every tensor without an adapter is the base's, bit for bit.
      const base = await loadCheckpoint(folder);
      const merged = await loadCheckpoint(join(out, 'merged'));
      const adapter = await readPeftAdapter(join(out, 'adapter'), base.architecture);
      expect(adapter.settings).toEqual({ ...lora, dropout: 0 });
      const start = await readPeftAdapter(join(folder, init), base.architecture);
      const trainedSomething = [...adapter.tensors].some(([n, t]) => !sameBits(t, start.tensors.get(n)!));
      expect(trainedSomething).toBe(true);
      const baseWeights = new Map([...base.tensors].map(([n, t]) => [n, t.data] as const));
      const remerged = mergeLora(base.architecture, adapter.settings, baseWeights, adapter.tensors);
      const targeted = new Set(
        allModuleIds(base.architecture.numLayers)
          .filter((m) => lora.targets.some((t) => m.endsWith(`.${t}`)))
          .map((m) => loraTensorNames(m)[0].replace('.lora_A', '')),
      );
      for (const [tensor, t] of merged.tensors) {
        expect(sameBits(t.data, remerged.get(tensor)!), tensor).toBe(true);
        if (!targeted.has(tensor)) expect(sameBits(t.data, base.tensors.get(tensor)!.data), tensor).toBe(true);
      }
      const record = JSON.parse(readFileSync(join(out, 'finetune.json'), 'utf8'));
      expect(record.adapter).toMatchObject({
        type: 'lora',
        r: lora.r,
        alpha: lora.alpha,
        targets: lora.targets,
        rslora: lora.rslora,
        init: join(folder, init),
      });
    },
  );
});
