import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loraTensorNames, allModuleIds, type LoraSettings } from '@mllr/core';
import { loadCheckpoint, mergeLora, readPeftAdapter } from '@mllr/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

/**
 * `mllr finetune --adapter-init lora-init --lora-r R --no-shuffle` against the same 10 steps of a hand-written LoRA in
 * PyTorch (tools/fixtures/make_finetune_reference.py, main_lora): from a nonzero PEFT adapter, only A and B trained,
 * file-order batches, accumulation, global-norm clipping on some steps, AdamW with decoupled weight decay.
 */

const CHECKPOINTS = resolve(import.meta.dirname, '../fixtures/checkpoints');
const LOSS_TOLERANCE = 1e-4;
const GRAD_NORM_TOLERANCE = 1e-4;

interface LoraReference {
  data: string;
  adapter_init: string;
  lora: { r: number; alpha: number; targets: LoraSettings['targets']; rslora: boolean };
  settings: { learning_rate: number; max_grad_norm: number; weight_decay: number; batch_size: number; gradient_accumulation: number; steps: number };
  steps: Array<{ step: number; loss: number; grad_norm: number; clipped: boolean; tokens: number }>;
}

const fixtures = existsSync(CHECKPOINTS) ? readdirSync(CHECKPOINTS).filter((n) => existsSync(join(CHECKPOINTS, n, 'finetune-lora-reference.json'))).sort() : [];

function reference(name: string): LoraReference {
  return JSON.parse(readFileSync(join(CHECKPOINTS, name, 'finetune-lora-reference.json'), 'utf8')) as LoraReference;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
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

  it.each(fixtures)('%s: every loss within 1e-4 and gradient norm within 1e-4 of PyTorch; W bit-identical; PEFT output', async (name) => {
    const folder = join(CHECKPOINTS, name);
    const { data, adapter_init: init, lora, settings, steps: expected } = reference(name);
    const out = join(dir, name);
    const result = await runMllr([
      'finetune',
      '--engine',
      'onnx',
      '--no-shuffle',
      '--json',
      '--model',
      folder,
      '--data',
      join(folder, data),
      '--out',
      out,
      '--adapter-init',
      join(folder, init),
      '--lora-r',
      String(lora.r),
      '--steps',
      String(settings.steps),
      '--batch-size',
      String(settings.batch_size),
      '--gradient-accumulation',
      String(settings.gradient_accumulation),
      '--lr',
      String(settings.learning_rate),
      '--max-grad-norm',
      String(settings.max_grad_norm),
      '--weight-decay',
      String(settings.weight_decay),
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const steps = result.stdout
      .trim()
      .split('\n')
      .slice(0, -1)
      .map((line) => JSON.parse(line) as { step: number; loss: number; grad_norm: number; tokens: number });
    expect(steps.map((s) => s.tokens)).toEqual(expected.map((s) => s.tokens));
    const lossError = Math.max(...steps.map((s, i) => Math.abs(s.loss - expected[i]!.loss)));
    const normError = Math.max(...steps.map((s, i) => Math.abs(s.grad_norm - expected[i]!.grad_norm) / expected[i]!.grad_norm));
    console.info(`${name}: LoRA loss error ${lossError.toExponential(2)}, grad norm error ${normError.toExponential(2)} (relative)`);
    expect(lossError).toBeLessThanOrEqual(LOSS_TOLERANCE);
    expect(normError).toBeLessThanOrEqual(GRAD_NORM_TOLERANCE);

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
    const targeted = new Set(allModuleIds(base.architecture.numLayers).filter((m) => lora.targets.some((t) => m.endsWith(`.${t}`))).map((m) => loraTensorNames(m)[0].replace('.lora_A', '')));
    for (const [tensor, t] of merged.tensors) {
      expect(sameBits(t.data, remerged.get(tensor)!), tensor).toBe(true);
      if (!targeted.has(tensor)) expect(sameBits(t.data, base.tensors.get(tensor)!.data), tensor).toBe(true);
    }
    const record = JSON.parse(readFileSync(join(out, 'finetune.json'), 'utf8'));
    expect(record.adapter).toMatchObject({ type: 'lora', r: lora.r, alpha: lora.alpha, targets: lora.targets, rslora: lora.rslora, init: join(folder, init) });
  });
});
