import { allModuleIds, moduleTensorNames, type ParameterGroup, type TrainExample } from '@mllr/core';
import { afterEach, describe, expect, it } from 'vitest';
import { randomModel, tinyArchitecture } from './test-support/random-model.js';
import { TfjsEngine } from './tfjs-engine.js';

const SETTINGS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, maxGradNorm: 1, gradientAccumulation: 1 };

/** A fixed tiny task: after prompt [1, a, b] answer [a+b mod 10 + 10, 2]. */
function dataset(): TrainExample[] {
  const out: TrainExample[] = [];
  for (let a = 3; a < 7; a++) for (let b = 3; b < 6; b++) out.push({ ids: [1, a, b, ((a + b) % 10) + 10, 2], promptLength: 3 });
  return out;
}

function everythingGroup(engine: TfjsEngine, learningRate: number): ParameterGroup[] {
  return [{ name: 'all', tensors: engine.tensorNames(), learningRate, weightDecay: 0 }];
}

const engines: TfjsEngine[] = [];
async function engine(seed = 7): Promise<TfjsEngine> {
  const e = await TfjsEngine.create(randomModel(tinyArchitecture(), seed));
  engines.push(e);
  return e;
}
afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose();
});

describe('TfjsEngine training', () => {
  it('learns a fixed tiny dataset: loss below 0.1 within 150 steps, on response tokens only', async () => {
    const e = await engine();
    e.configure(everythingGroup(e, 0.01), SETTINGS);
    const data = dataset();
    const first = await e.trainStep(data);
    expect(first.tokens).toBe(data.length * 2); // answer + eos per example; prompt tokens are masked
    expect(first.loss).toBeGreaterThan(2);
    let last = first;
    for (let step = 1; step < 150 && last.loss >= 0.1; step++) last = await e.trainStep(data);
    expect(last.loss).toBeLessThan(0.1);
    const answers = await e.generate(data.slice(0, 3).map((d) => d.ids.slice(0, 3)), { maxNewTokens: 2 });
    expect(answers).toEqual(data.slice(0, 3).map((d) => d.ids.slice(3)));
  });

  it('keeps a group with learning rate 0 bit-identical while the others change', async () => {
    const e = await engine();
    const frozen = allModuleIds(2).filter((id) => id.startsWith('L0.')).flatMap((id) => moduleTensorNames(id));
    const rest = e.tensorNames().filter((n) => !frozen.includes(n));
    e.configure(
      [
        { name: 'frozen', tensors: frozen, learningRate: 0, weightDecay: 0.1 },
        { name: 'rest', tensors: rest, learningRate: 0.01, weightDecay: 0.1 },
      ],
      SETTINGS,
    );
    const before = await e.getWeights([...frozen, rest[0]!]);
    for (let i = 0; i < 5; i++) await e.trainStep(dataset());
    const after = await e.getWeights([...frozen, rest[0]!]);
    for (let i = 0; i < frozen.length; i++) expect(Buffer.from(after[i]!.data.buffer).equals(Buffer.from(before[i]!.data.buffer))).toBe(true);
    expect(after.at(-1)!.data).not.toEqual(before.at(-1)!.data);
    // Raising the frozen group's rate between steps (as warm-up schedules do) starts training it.
    e.setLearningRates({ frozen: 0.01 });
    await e.trainStep(dataset());
    expect((await e.getWeights([frozen[0]!]))[0]!.data).not.toEqual(before[0]!.data);
  });

  it('gives identical weights for two runs from the same seed', async () => {
    const run = async () => {
      const e = await engine(11);
      e.configure(everythingGroup(e, 0.005), SETTINGS);
      for (let i = 0; i < 5; i++) await e.trainStep(dataset());
      return e.getWeights(e.tensorNames());
    };
    const a = await run();
    const b = await run();
    a.forEach((t, i) => expect(Buffer.from(t.data.buffer).equals(Buffer.from(b[i]!.data.buffer))).toBe(true));
  });

  it('resumes bit-identically from saved weights and optimizer state, and differs without the optimizer state', async () => {
    const groups = (e: TfjsEngine) => [
      { name: 'a', tensors: e.tensorNames().filter((n) => n.includes('layers.0.')), learningRate: 0, weightDecay: 0.1 },
      { name: 'b', tensors: e.tensorNames().filter((n) => !n.includes('layers.0.')), learningRate: 0.01, weightDecay: 0.1 },
    ];
    const through = await engine(13);
    through.configure(groups(through), SETTINGS);
    for (let i = 0; i < 3; i++) await through.trainStep(dataset());
    through.setLearningRates({ a: 0.005 }); // group a gets its first updates only after the save
    const weights = await through.getWeights(through.tensorNames());
    const state = await through.optimizerState();
    expect(state.rates).toEqual({ a: 0.005, b: 0.01 });
    expect(state.tensors.every((t) => !t.name.includes('layers.0.') && t.steps === 3)).toBe(true);
    const tail = async (e: TfjsEngine) => {
      const losses = [];
      for (let i = 0; i < 3; i++) losses.push((await e.trainStep(dataset())).loss);
      return { losses, weights: await e.getWeights(e.tensorNames()) };
    };
    const expected = await tail(through);

    const resume = async (withState: boolean) => {
      const e = await engine(99); // other initial weights: everything must come from the saved state
      await e.setWeights(weights);
      e.configure(groups(e), SETTINGS);
      if (withState) await e.loadOptimizerState(state);
      else e.setLearningRates(state.rates);
      return tail(e);
    };
    const resumed = await resume(true);
    expect(resumed.losses).toEqual(expected.losses);
    resumed.weights.forEach((t, i) => expect(Buffer.from(t.data.buffer).equals(Buffer.from(expected.weights[i]!.data.buffer)), t.name).toBe(true));
    const fresh = await resume(false);
    expect(fresh.losses).not.toEqual(expected.losses);
  });

  it('accumulates gradients: two micro-batches update like one full batch', async () => {
    const update = async (accumulation: number) => {
      const e = await engine(5);
      e.configure(everythingGroup(e, 0.01), { ...SETTINGS, maxGradNorm: 0, gradientAccumulation: accumulation });
      const result = await e.trainStep(dataset());
      return { result, weights: await e.getWeights(['model.layers.1.mlp.down_proj.weight']) };
    };
    const one = await update(1);
    const two = await update(2);
    expect(two.result.loss).toBeCloseTo(one.result.loss, 5);
    expect(two.result.tokens).toBe(one.result.tokens);
    const a = one.weights[0]!.data;
    const b = two.weights[0]!.data;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    expect(worst).toBeLessThan(1e-5);
  });

  it('clips the global gradient norm and reports it', async () => {
    const e = await engine(3);
    e.configure(everythingGroup(e, 0.01), { ...SETTINGS, maxGradNorm: 1e-3 });
    const result = await e.trainStep(dataset());
    expect(result.gradNorm).toBeGreaterThan(1e-3);
    expect(Number.isFinite(result.loss)).toBe(true);
  });

  it('rejects groups that miss or repeat tensors, and training before configure', async () => {
    const e = await engine();
    await expect(e.trainStep(dataset())).rejects.toThrow('call configure(groups, settings) before training');
    expect(() => e.configure([{ name: 'a', tensors: ['model.norm.weight'], learningRate: 1, weightDecay: 0 }], SETTINGS)).toThrow(
      'every weight must be in a parameter group; missing:',
    );
    const names = e.tensorNames();
    expect(() =>
      e.configure(
        [
          { name: 'a', tensors: names, learningRate: 1, weightDecay: 0 },
          { name: 'b', tensors: [names[0]!], learningRate: 1, weightDecay: 0 },
        ],
        SETTINGS,
      ),
    ).toThrow(`${names[0]} is in both parameter groups "a" and "b"`);
  });

  it('snapshots and restores a module exactly', async () => {
    const e = await engine();
    const snapshot = await e.snapshot(['L1.v']);
    expect(snapshot.tensors.map((t) => t.name)).toEqual(['model.layers.1.self_attn.v_proj.weight']);
    const noisy = snapshot.tensors.map((t) => ({ ...t, data: t.data.map((x) => x + 1) }));
    await e.setWeights(noisy);
    const prompt = [[1, 4, 5]];
    const changed = await e.logits({ sequences: prompt });
    await e.restore(snapshot);
    expect((await e.getWeights(['model.layers.1.self_attn.v_proj.weight']))[0]!.data).toEqual(snapshot.tensors[0]!.data);
    const restored = await e.logits({ sequences: prompt });
    expect(restored.data[0]).not.toEqual(changed.data[0]);
  });
});
