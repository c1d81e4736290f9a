import type { ParameterGroup, TrainExample } from '@mllr/core';
import { afterEach, describe, expect, it } from 'vitest';
import { randomModel, tinyArchitecture } from './test-support/random-model.js';
import { TfjsEngine } from './tfjs-engine.js';

const SETTINGS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, maxGradNorm: 1, gradientAccumulation: 1 };

/** A fixed tiny task: after prompt [1, a, b] answer [a+b mod 10 + 10, 2]. */
function dataset(): TrainExample[] {
  const out: TrainExample[] = [];
  for (let a = 3; a < 7; a++)
    for (let b = 3; b < 6; b++) out.push({ ids: [1, a, b, ((a + b) % 10) + 10, 2], promptLength: 3 });
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
  it('clips the global gradient norm and reports it', async () => {
    const e = await engine(3);
    e.configure(everythingGroup(e, 0.01), { ...SETTINGS, maxGradNorm: 1e-3 });
    const result = await e.trainStep(dataset());
    expect(result.gradNorm).toBeGreaterThan(1e-3);
    expect(Number.isFinite(result.loss)).toBe(true);
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
    expect((await e.getWeights(['model.layers.1.self_attn.v_proj.weight']))[0]!.data).toEqual(
      snapshot.tensors[0]!.data,
    );
    const restored = await e.logits({ sequences: prompt });
    expect(restored.data[0]).not.toEqual(changed.data[0]);
  });
});
