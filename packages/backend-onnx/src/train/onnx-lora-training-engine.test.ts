import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  allModuleIds,
  loraScaling,
  loraTensorNames,
  type LoraSettings,
  type OptimizerSettings,
  type TrainExample,
} from '@mllr/core';
import {
  architectureToConfig,
  initialLoraTensors,
  loadCheckpoint,
  mergeLora,
  randomTensors,
  saveCheckpoint,
  saveMergedCheckpoint,
  tinyArchitecture,
} from '@mllr/model';
import { afterEach, describe, expect, it } from 'vitest';
import { TrainingGraphSession, trainingGraphSources } from '../train-graph/training-session.js';
import { OnnxLoraTrainingEngine } from './onnx-lora-training-engine.js';

const ARCH = tinyArchitecture({ family: 'qwen2', qkvBias: true });
const LORA: LoraSettings = {
  r: 2,
  alpha: 5,
  dropout: 0,
  targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'],
  rslora: false,
};
const SETTINGS: OptimizerSettings = {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  maxGradNorm: 1,
  gradientAccumulation: 1,
};
const EXAMPLES: TrainExample[] = [
  { ids: [1, 5, 9, 12, 2], promptLength: 3 },
  { ids: [1, 7, 3, 2], promptLength: 2 },
  { ids: [1, 4, 4, 4, 20, 21, 2], promptLength: 4 },
];

/** A seeded adapter with A and B both nonzero. */
function nonzeroAdapter(settings = LORA): Map<string, Float32Array> {
  const tensors = initialLoraTensors(ARCH, settings, 11);
  for (const [name, data] of tensors)
    if (name.includes('lora_B')) data.forEach((_, i) => (data[i] = Math.cos(3 * i + name.length) / 5));
  return tensors;
}

function weightsOf(seed = 3): Map<string, Float32Array> {
  return new Map([...randomTensors(ARCH, seed)].map(([n, t]) => [n, t.data] as const));
}

const sessions: TrainingGraphSession[] = [];
const engines: OnnxLoraTrainingEngine[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.dispose();
  for (const e of engines.splice(0)) await e.dispose();
});

describe('LoRA in the training graph', () => {
  it("computes the merged model's loss, and A's and B's gradients are s·Bᵀ·∂W and s·∂W·Aᵀ of the merged weight's gradient", async () => {
    for (const settings of [LORA, { ...LORA, r: 3, rslora: true, targets: ['v', 'down'] } satisfies LoraSettings]) {
      const adapter = nonzeroAdapter(settings);
      const base = weightsOf();
      const merged = mergeLora(ARCH, settings, base, adapter);
      const adapterNames = [...adapter.keys()];
      const lora = await TrainingGraphSession.create(ARCH, {
        trainable: adapterNames,
        adapter: settings,
        settings: { threads: 1 },
      });
      const full = await TrainingGraphSession.create(ARCH, { trainable: [...base.keys()], settings: { threads: 1 } });
      sessions.push(lora, full);
      const withAdapter = await lora.compute(EXAMPLES, new Map([...base, ...adapter]));
      const mergedResult = await full.compute(EXAMPLES, merged);
      expect(Math.abs(withAdapter.lossSum - mergedResult.lossSum) / mergedResult.lossSum).toBeLessThan(1e-5);
      expect([...withAdapter.grads.keys()]).toEqual(adapterNames);
      const s = loraScaling(settings);
      const r = settings.r;
      for (const module of allModuleIds(ARCH.numLayers)) {
        const names = loraTensorNames(module);
        if (!adapter.has(names[0])) continue;
        const weight = names[0].replace('.lora_A.weight', '.weight');
        const dW = mergedResult.grads.get(weight)!;
        const [out, inSize] = [dW.length / (adapter.get(names[0])!.length / r), adapter.get(names[0])!.length / r];
        const A = adapter.get(names[0])!;
        const B = adapter.get(names[1])!;
        const expectA = new Float64Array(r * inSize);
        const expectB = new Float64Array(out * r);
        for (let o = 0; o < out; o++) {
          for (let i = 0; i < inSize; i++) {
            const g = dW[o * inSize + i]!;
            for (let k = 0; k < r; k++) {
              expectA[k * inSize + i]! += s * B[o * r + k]! * g;
              expectB[o * r + k]! += s * g * A[k * inSize + i]!;
            }
          }
        }
        for (const [name, expected] of [
          [names[0], expectA],
          [names[1], expectB],
        ] as const) {
          const actual = withAdapter.grads.get(name)!;
          const scale = Math.max(...expected.map(Math.abs));
          const error = Math.max(...actual.map((v, i) => Math.abs(v - expected[i]!)));
          expect(error / scale, name).toBeLessThan(1e-4);
        }
      }
    }
  });
});

describe('OnnxLoraTrainingEngine', () => {
  async function lora(tensors?: Map<string, Float32Array>, settings = LORA): Promise<OnnxLoraTrainingEngine> {
    const e = await OnnxLoraTrainingEngine.createLora(
      { architecture: ARCH, tensors: randomTensors(ARCH, 3) },
      { settings, seed: 5, ...(tensors ? { tensors } : {}) },
      { gradients: trainingGraphSources({ threads: 1 }) },
    );
    engines.push(e);
    return e;
  }

  it('trains only adapters, by module group: the base weights stay bit-identical and a rate-0 group does not move', async () => {
    const e = await lora(nonzeroAdapter());
    const robust = ['L0.q', 'L1.down'] as const;
    const robustTensors = robust.flatMap((m) => e.tensorsOf(m));
    expect(robustTensors).toEqual([...loraTensorNames('L0.q'), ...loraTensorNames('L1.down')]);
    const rest = e.tensorNames().filter((n) => !robustTensors.includes(n));
    expect(e.tensorNames()).toHaveLength(2 * 7 * ARCH.numLayers);
    expect(e.tensorNames().every((n) => /lora_[AB]\.weight$/.test(n))).toBe(true);
    e.configure(
      [
        { name: 'robust', tensors: robustTensors, learningRate: 0.01, weightDecay: 0.1 },
        { name: 'rest', tensors: rest, learningRate: 0, weightDecay: 0.1 },
      ],
      SETTINGS,
    );
    const base = [...randomTensors(ARCH, 3).keys()];
    const before = new Map((await e.getWeights([...base, ...e.tensorNames()])).map((t) => [t.name, t.data]));
    for (let step = 0; step < 3; step++) await e.trainStep(EXAMPLES);
    const after = new Map((await e.getWeights([...base, ...e.tensorNames()])).map((t) => [t.name, t.data]));
    const same = (n: string) => Buffer.from(before.get(n)!.buffer).equals(Buffer.from(after.get(n)!.buffer));
    for (const n of base) expect(same(n), n).toBe(true);
    for (const n of rest) expect(same(n), n).toBe(true);
    for (const n of robustTensors) expect(same(n), n).toBe(false);
    const state = await e.optimizerState();
    expect(state.tensors.map((t) => t.name).sort()).toEqual([...robustTensors].sort());
  });

  it("starts from PEFT's initialisation (B zero): the first loss is the base model's", async () => {
    const e = await lora();
    e.configure([{ name: 'all', tensors: e.tensorNames(), learningRate: 0.01, weightDecay: 0 }], SETTINGS);
    const full = await TrainingGraphSession.create(ARCH, { trainable: [], settings: { threads: 1 } });
    sessions.push(full);
    const reference = await full.compute(EXAMPLES, weightsOf());
    const first = await e.trainStep(EXAMPLES);
    expect(first.loss).toBeCloseTo(reference.lossSum / reference.tokens, 6);
    const second = await e.trainStep(EXAMPLES);
    expect(second.loss).not.toBe(first.loss);
  });

  it('saves the merged model and the PEFT adapter; base + adapter merged again is the same model, bit for bit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mllr-lora-'));
    try {
      const e = await lora(nonzeroAdapter());
      e.configure([{ name: 'all', tensors: e.tensorNames(), learningRate: 0.01, weightDecay: 0 }], SETTINGS);
      await e.trainStep(EXAMPLES);
      await saveCheckpoint(join(dir, 'base'), { config: architectureToConfig(ARCH), tensors: randomTensors(ARCH, 3) });
      await e.save(join(dir, 'merged'));
      await e.saveAdapter(join(dir, 'adapter'), { baseModel: join(dir, 'base') });
      await saveMergedCheckpoint(join(dir, 'base'), join(dir, 'adapter'), join(dir, 'again'));
      const merged = await loadCheckpoint(join(dir, 'merged'));
      const again = await loadCheckpoint(join(dir, 'again'));
      const original = randomTensors(ARCH, 3);
      for (const [name, t] of merged.tensors) {
        expect(Buffer.from(again.tensors.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
        const changed = !Buffer.from(original.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer));
        expect(changed, name).toBe(/_proj\.weight$/.test(name));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses dropout above 0 and an adapter of the wrong shape', async () => {
    await expect(lora(undefined, { ...LORA, dropout: 0.1 })).rejects.toThrow(/LoRA dropout 0.1: not implemented/);
    const small = nonzeroAdapter({ ...LORA, r: 1 });
    await expect(lora(small)).rejects.toThrow(/needs 32 values \[2,16\], got 16/);
  });
});
