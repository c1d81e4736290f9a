import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllrError, type OptimizerSettings, type ParameterGroup, type TrainExample } from '@mllr/core';
import { architectureToConfig, loadCheckpoint, randomTensors, saveCheckpoint, tinyArchitecture } from '@mllr/model';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelSource } from '../export/model-source.js';
import {
  quadraticSources,
  quadraticTarget,
  responseTokens,
  type QuadraticSourceOptions,
} from '../test-support/quadratic-gradient-source.js';
import type { GradientSourceFactory } from './gradient-source.js';
import { OnnxTrainingEngine } from './onnx-training-engine.js';

const ARCH = tinyArchitecture();
const SETTINGS: OptimizerSettings = {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  maxGradNorm: 0,
  gradientAccumulation: 1,
};

function model(seed = 3): ModelSource {
  return { architecture: ARCH, tensors: randomTensors(ARCH, seed) };
}

/** Five examples of different lengths and prompt lengths (12 response tokens in all). */
function dataset(shift = 0): TrainExample[] {
  return [
    { ids: [1, 5, 9, 12 + shift, 2], promptLength: 3 },
    { ids: [1, 7, 3 + shift, 2], promptLength: 2 },
    { ids: [1, 4, 4, 4, 20, 21 + shift, 2], promptLength: 4 },
    { ids: [1, 30 + shift, 2], promptLength: 1 },
    { ids: [1, 8, 8, 15, 2], promptLength: 2 },
  ];
}

const open: OnnxTrainingEngine[] = [];
async function engine(
  source = model(),
  factory: GradientSourceFactory = quadraticSources().factory,
): Promise<OnnxTrainingEngine> {
  const e = await OnnxTrainingEngine.create(source, { gradients: factory });
  open.push(e);
  return e;
}
afterEach(async () => {
  for (const e of open.splice(0)) await e.dispose();
});

function allGroup(e: OnnxTrainingEngine, learningRate = 0.01, weightDecay = 0.1): ParameterGroup[] {
  return [{ name: 'all', tensors: e.tensorNames(), learningRate, weightDecay }];
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

async function allWeights(e: OnnxTrainingEngine): Promise<Map<string, Float32Array>> {
  return new Map((await e.getWeights(e.tensorNames())).map((t) => [t.name, t.data]));
}

/** The closed-form gradient of the quadratic loss over a batch, in float64, divided by the batch's response tokens. */
function referenceGradient(w: Float64Array, batch: readonly TrainExample[]): Float64Array {
  const ys = responseTokens(batch);
  const g = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) for (const y of ys) g[i] = g[i]! + (w[i]! - quadraticTarget(y, i)) / ys.length;
  return g;
}

describe('OnnxTrainingEngine', () => {
  it('lists the architecture tensors (no separate head when tied) and reports its architecture', async () => {
    const tied = tinyArchitecture({ tieWordEmbeddings: true });
    const e = await engine({ architecture: tied, tensors: randomTensors(tied, 1) });
    expect(e.architecture).toEqual(tied);
    expect(e.tensorNames()).toContain('model.embed_tokens.weight');
    expect(e.tensorNames()).not.toContain('lm_head.weight');
    expect(e.tensorNames()).toHaveLength(randomTensors(tied, 1).size);
  });

  it('takes AdamW steps on the gradient summed over the batch and divided once by its response tokens, clipped to the global norm', async () => {
    const e = await engine();
    const settings = { ...SETTINGS, maxGradNorm: 1 };
    e.configure(allGroup(e, 0.01, 0.1), settings);
    const names = e.tensorNames();
    const w = new Map([...(await allWeights(e))].map(([n, d]) => [n, Float64Array.from(d)]));
    const m = new Map(names.map((n) => [n, new Float64Array(w.get(n)!.length)]));
    const v = new Map(names.map((n) => [n, new Float64Array(w.get(n)!.length)]));
    let clipped = 0;
    for (let step = 1; step <= 3; step++) {
      const batch = dataset(step);
      const ys = responseTokens(batch);
      let loss = 0;
      for (const values of w.values())
        for (const y of ys)
          for (let i = 0; i < values.length; i++) loss += 0.5 * (values[i]! - quadraticTarget(y, i)) ** 2;
      const grads = new Map(names.map((n) => [n, referenceGradient(w.get(n)!, batch)]));
      let squares = 0;
      for (const g of grads.values()) for (const x of g) squares += x * x;
      const norm = Math.sqrt(squares);
      const clip = norm > settings.maxGradNorm ? settings.maxGradNorm / norm : 1;
      if (clip < 1) clipped++;
      for (const n of names) {
        const [wt, mt, vt, g] = [w.get(n)!, m.get(n)!, v.get(n)!, grads.get(n)!];
        for (let i = 0; i < wt.length; i++) {
          const gi = g[i]! * clip;
          mt[i] = 0.9 * mt[i]! + 0.1 * gi;
          vt[i] = 0.999 * vt[i]! + 0.001 * gi * gi;
          const update = mt[i]! / (1 - 0.9 ** step) / (Math.sqrt(vt[i]! / (1 - 0.999 ** step)) + 1e-8);
          wt[i] = wt[i]! - 0.01 * (update + 0.1 * wt[i]!);
        }
      }
      const result = await e.trainStep(batch);
      expect(result.tokens).toBe(ys.length);
      expect(result.loss).toBeCloseTo(loss / ys.length, 4);
      expect(Math.abs(result.gradNorm - norm) / norm).toBeLessThan(1e-5);
    }
    expect(clipped).toBe(3); // the test exercises clipping, not only the plain step
    const got = await allWeights(e);
    let worst = 0;
    for (const n of names) w.get(n)!.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - got.get(n)![i]!))));
    expect(worst).toBeLessThan(1e-5);
  });

  it('clips to maxGradNorm exactly and not at all with maxGradNorm 0 (lr 1, ε 1, no momentum: Δw = −ĝ/(|ĝ|+1))', async () => {
    const plain = { beta1: 0, beta2: 0, epsilon: 1, gradientAccumulation: 1 };
    const batch = dataset();
    const run = async (maxGradNorm: number) => {
      const e = await engine();
      e.configure(allGroup(e, 1, 0), { ...plain, maxGradNorm });
      const before = await allWeights(e);
      const result = await e.trainStep(batch);
      return { result, before, after: await allWeights(e) };
    };
    for (const maxGradNorm of [0, 0.05]) {
      const { result, before, after } = await run(maxGradNorm);
      const grads = new Map([...before].map(([n, d]) => [n, referenceGradient(Float64Array.from(d), batch)]));
      const norm = Math.sqrt([...grads.values()].reduce((s, g) => s + g.reduce((a, x) => a + x * x, 0), 0));
      expect(result.gradNorm / norm).toBeCloseTo(1, 5); // reported before clipping
      expect(norm).toBeGreaterThan(0.05);
      const clip = maxGradNorm > 0 ? maxGradNorm / norm : 1;
      for (const [n, g] of grads) {
        g.forEach((x, i) =>
          expect(after.get(n)![i]! - before.get(n)![i]!).toBeCloseTo(-(x * clip) / (Math.abs(x * clip) + 1), 6),
        );
      }
    }
  });

  it('keeps a learning-rate-0 group bit-identical, asks for no gradient of it and gives it no optimizer state; raising its rate trains it', async () => {
    const { factory, opened } = quadraticSources();
    const e = await engine(model(), factory);
    const frozen = e.tensorNames().filter((n) => n.includes('layers.0.') || n === 'model.embed_tokens.weight');
    const rest = e.tensorNames().filter((n) => !frozen.includes(n));
    e.configure(
      [
        { name: 'frozen', tensors: frozen, learningRate: 0, weightDecay: 0.1 },
        { name: 'rest', tensors: rest, learningRate: 0.01, weightDecay: 0.1 },
      ],
      SETTINGS,
    );
    const before = await allWeights(e);
    for (let i = 0; i < 3; i++) await e.trainStep(dataset(i));
    const after = await allWeights(e);
    for (const n of frozen) expect(sameBits(after.get(n)!, before.get(n)!)).toBe(true);
    for (const n of rest) expect(sameBits(after.get(n)!, before.get(n)!)).toBe(false);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.trainable).toEqual(rest);
    expect((await e.optimizerState()).tensors.map((t) => t.name)).toEqual(rest);

    e.setLearningRates({ frozen: 0.01 });
    await e.trainStep(dataset());
    expect(opened).toHaveLength(2);
    expect(opened[0]!.disposed).toBe(true);
    expect(opened[1]!.trainable).toEqual(e.tensorNames());
    expect(sameBits((await allWeights(e)).get(frozen[0]!)!, before.get(frozen[0]!)!)).toBe(false);
    const state = await e.optimizerState();
    expect(state.tensors.find((t) => t.name === frozen[0])!.steps).toBe(1);
    expect(state.tensors.find((t) => t.name === rest[0])!.steps).toBe(4);
  });

  it('accumulates micro-batches in order to the full-batch step, also when the source reuses its output arrays', async () => {
    const run = async (gradientAccumulation: number, options: QuadraticSourceOptions = {}) => {
      const { factory, opened } = quadraticSources(options);
      const e = await engine(model(), factory);
      e.configure(allGroup(e), { ...SETTINGS, maxGradNorm: 1, gradientAccumulation });
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await e.trainStep(dataset(i)));
      return { results, weights: await allWeights(e), calls: opened[0]!.calls };
    };
    const full = await run(1);
    const accumulated = await run(3);
    const reused = await run(3, { reuseBuffers: true });
    const data = dataset(0);
    expect(accumulated.calls.slice(0, 3)).toEqual([data.slice(0, 2), data.slice(2, 4), data.slice(4)]);
    expect(full.calls.slice(0, 1)).toEqual([data]);
    accumulated.results.forEach((r, i) => {
      expect(r.tokens).toBe(full.results[i]!.tokens);
      expect(r.loss).toBeCloseTo(full.results[i]!.loss, 5);
      expect(r.gradNorm).toBeCloseTo(full.results[i]!.gradNorm, 5);
    });
    for (const [n, w] of full.weights) {
      w.forEach((x, i) => expect(accumulated.weights.get(n)![i]).toBeCloseTo(x, 5));
      expect(sameBits(reused.weights.get(n)!, accumulated.weights.get(n)!)).toBe(true);
    }
  });

  it('resumes bit-identically from weights and optimizer state, and differs without the optimizer state', async () => {
    const groups = (e: OnnxTrainingEngine): ParameterGroup[] => [
      {
        name: 'late',
        tensors: e.tensorNames().filter((n) => n.includes('layers.1.')),
        learningRate: 0,
        weightDecay: 0.05,
      },
      {
        name: 'main',
        tensors: e.tensorNames().filter((n) => !n.includes('layers.1.')),
        learningRate: 0.02,
        weightDecay: 0.1,
      },
    ];
    const settings = { ...SETTINGS, maxGradNorm: 0.5, gradientAccumulation: 2 };
    // The schedule: the late group starts at step 2, and rates change at step 4.
    const rates = (step: number): Record<string, number> =>
      step < 2 ? {} : step < 4 ? { late: 0.01 } : { late: 0.005, main: 0.01 };
    const steps = async (e: OnnxTrainingEngine, from: number, to: number) => {
      const out = [];
      for (let s = from; s < to; s++) {
        e.setLearningRates(rates(s));
        out.push(await e.trainStep(dataset(s)));
      }
      return out;
    };
    const straight = await engine();
    straight.configure(groups(straight), settings);
    const straightResults = await steps(straight, 0, 6);

    const first = await engine();
    first.configure(groups(first), settings);
    await steps(first, 0, 3);
    const weights = await first.getWeights(first.tensorNames());
    const state = await first.optimizerState();
    await first.dispose();

    const resumed = await engine(model(99)); // other initial weights: everything must come from the checkpoint
    resumed.configure(groups(resumed), settings);
    await resumed.setWeights(weights);
    await resumed.loadOptimizerState(state);
    const resumedResults = await steps(resumed, 3, 6);
    expect(resumedResults).toEqual(straightResults.slice(3));
    const expected = await allWeights(straight);
    for (const [n, w] of await allWeights(resumed)) expect(sameBits(w, expected.get(n)!)).toBe(true);

    const forgetful = await engine(model(99));
    forgetful.configure(groups(forgetful), settings);
    await forgetful.setWeights(weights);
    await steps(forgetful, 3, 6);
    const lost = await allWeights(forgetful);
    expect([...lost].some(([n, w]) => !sameBits(w, expected.get(n)!))).toBe(true);
  });

  it('gives identical weights and step results for two runs from the same weights and data', async () => {
    const run = async () => {
      const e = await engine(model(11));
      e.configure(allGroup(e, 0.005), { ...SETTINGS, maxGradNorm: 1, gradientAccumulation: 2 });
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await e.trainStep(dataset(i)));
      return { results, weights: await allWeights(e) };
    };
    const a = await run();
    const b = await run();
    expect(a.results).toEqual(b.results);
    for (const [n, w] of a.weights) expect(sameBits(w, b.weights.get(n)!)).toBe(true);
  });

  it('rejects groups that name a tensor twice or an unknown tensor, naming it, and training before configure', async () => {
    const e = await engine();
    const names = e.tensorNames();
    const expectError = (fn: () => unknown, text: RegExp) => {
      expect(fn).toThrow(MllrError);
      expect(fn).toThrow(text);
    };
    const twice = [
      { name: 'a', tensors: names, learningRate: 0.1, weightDecay: 0 },
      { name: 'b', tensors: [names[3]!], learningRate: 0.1, weightDecay: 0 },
    ];
    expectError(
      () => e.configure(twice, SETTINGS),
      new RegExp(`${names[3]!.replaceAll('.', '\\.')} is in both parameter groups "a" and "b"`),
    );
    const unknown = [
      { name: 'a', tensors: [...names, 'model.layers.7.mlp.up_proj.weight'], learningRate: 0.1, weightDecay: 0 },
    ];
    expectError(
      () => e.configure(unknown, SETTINGS),
      /model\.layers\.7\.mlp\.up_proj\.weight, which the model does not have/,
    );
    await expect(e.trainStep(dataset())).rejects.toThrow(/call configure/);
    e.configure(allGroup(e), SETTINGS);
    await expect(e.trainStep([{ ids: [1, 2], promptLength: 2 }])).rejects.toThrow(/example 0 has no response tokens/);
    expect(() => e.setLearningRates({ nope: 0.1 })).toThrow(/no parameter group "nope"/);
  });

  it("reports its gradient source's device once it has one, the option's before", async () => {
    const { factory } = quadraticSources();
    const onCuda: GradientSourceFactory = async (request) => Object.assign(await factory(request), { device: 'cuda' });
    const e = await OnnxTrainingEngine.create(model(), { gradients: onCuda, device: 'auto' });
    open.push(e);
    expect(e.device).toBe('auto');
    e.configure(allGroup(e), SETTINGS);
    await e.trainStep(dataset());
    expect(e.device).toBe('cuda');
  });

  it('reports a gradient source that leaves out a trainable tensor, by name', async () => {
    const { factory } = quadraticSources();
    const dropping: GradientSourceFactory = async (request) => {
      const source = await factory(request);
      return {
        trainable: source.trainable,
        compute: async (batch, weights) => {
          const result = await source.compute(batch, weights);
          result.grads.delete('model.norm.weight');
          return result;
        },
        dispose: () => source.dispose(),
      };
    };
    const e = await engine(model(), dropping);
    e.configure(allGroup(e), SETTINGS);
    await expect(e.trainStep(dataset())).rejects.toThrow(/no gradient for model\.norm\.weight/);
  });

  it('snapshots and restores modules, and sets weights only when every tensor fits', async () => {
    const e = await engine();
    e.configure(allGroup(e, 0.05), SETTINGS);
    const snap = await e.snapshot(['L0.q', 'L1.down']);
    expect(snap.tensors.map((t) => t.name)).toEqual([
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.1.mlp.down_proj.weight',
    ]);
    await e.trainStep(dataset());
    const trained = await allWeights(e);
    await e.restore(snap);
    const restored = await allWeights(e);
    for (const t of snap.tensors) expect(sameBits(restored.get(t.name)!, t.data)).toBe(true);
    expect(
      sameBits(
        restored.get('model.layers.0.self_attn.k_proj.weight')!,
        trained.get('model.layers.0.self_attn.k_proj.weight')!,
      ),
    ).toBe(true);

    const norm = {
      name: 'model.norm.weight',
      shape: [ARCH.hiddenSize],
      data: new Float32Array(ARCH.hiddenSize).fill(2),
    };
    const wrong = { name: 'model.layers.0.input_layernorm.weight', shape: [3], data: new Float32Array(3) };
    await expect(e.setWeights([norm, wrong])).rejects.toThrow(
      /model\.layers\.0\.input_layernorm\.weight has shape \[3\]/,
    );
    expect(sameBits((await allWeights(e)).get('model.norm.weight')!, restored.get('model.norm.weight')!)).toBe(true);
    await expect(e.getWeights(['model.nope'])).rejects.toThrow(/no tensor model\.nope/);
  });

  it('saves a trained model in Hugging Face layout that loads back to its weights, with config and tokenizer files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mllr-onnx-train-'));
    try {
      const source = join(dir, 'source');
      const config = { ...architectureToConfig(ARCH), torch_dtype: 'float32' };
      await saveCheckpoint(source, { config, tensors: randomTensors(ARCH, 5) });
      await writeFile(join(source, 'tokenizer.json'), '{"model": "stand-in"}');
      const e = await OnnxTrainingEngine.open(source, { gradients: quadraticSources().factory, device: 'cpu' });
      open.push(e);
      expect(e.device).toBe('cpu');
      e.configure(allGroup(e), SETTINGS);
      await e.trainStep(dataset());
      const out = join(dir, 'out');
      await e.save(out);
      const loaded = await loadCheckpoint(out);
      expect(loaded.config).toEqual(config);
      const weights = await allWeights(e);
      expect([...loaded.tensors.keys()]).toEqual(e.tensorNames());
      for (const [n, t] of loaded.tensors) expect(sameBits(t.data, weights.get(n)!)).toBe(true);
      expect(await readFile(join(out, 'tokenizer.json'), 'utf8')).toBe('{"model": "stand-in"}');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
