import type { OptimizerSettings, ParameterGroup, TrainExample } from '@mllr/core';
import { randomTensors, tinyArchitecture } from '@mllr/model';
import { afterEach, describe, expect, it } from 'vitest';
import { trainingGraphSources } from '../train-graph/training-session.js';
import { OnnxTrainingEngine } from './onnx-training-engine.js';

// The engine over the real gradient source, mllr's ONNX training graph, on the tiny test model (one thread, so the
// results do not depend on how ONNX Runtime splits its reductions).

const ARCH = tinyArchitecture();
const SETTINGS: OptimizerSettings = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, maxGradNorm: 1, gradientAccumulation: 1 };

/** A fixed tiny task: after prompt [1, a, b] answer [a+b mod 10 + 10, 2]. */
function dataset(): TrainExample[] {
  const out: TrainExample[] = [];
  for (let a = 3; a < 7; a++) for (let b = 3; b < 6; b++) out.push({ ids: [1, a, b, ((a + b) % 10) + 10, 2], promptLength: 3 });
  return out;
}

const open: OnnxTrainingEngine[] = [];
async function engine(seed = 7): Promise<OnnxTrainingEngine> {
  const e = await OnnxTrainingEngine.create({ architecture: ARCH, tensors: randomTensors(ARCH, seed) }, { gradients: trainingGraphSources({ device: 'cpu', threads: 1 }) });
  open.push(e);
  return e;
}
afterEach(async () => {
  for (const e of open.splice(0)) await e.dispose();
});

function allGroup(e: OnnxTrainingEngine, learningRate: number): ParameterGroup[] {
  return [{ name: 'all', tensors: e.tensorNames(), learningRate, weightDecay: 0 }];
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('OnnxTrainingEngine on the ONNX training graph', () => {
  it('learns a fixed tiny dataset: loss below 0.1 within 150 steps, counting response tokens only', async () => {
    const e = await engine();
    e.configure(allGroup(e, 0.01), SETTINGS);
    const data = dataset();
    const first = await e.trainStep(data);
    expect(e.device).toBe('cpu'); // the training graph's session says where it runs
    expect(first.tokens).toBe(data.length * 2); // answer + eos per example
    expect(first.loss).toBeGreaterThan(2);
    let last = first;
    for (let step = 1; step < 150 && last.loss >= 0.1; step++) last = await e.trainStep(data);
    expect(last.loss).toBeLessThan(0.1);
  });

  it('accumulates two micro-batches to the full-batch step and resumes bit-identically from its optimizer state', async () => {
    const run = async (gradientAccumulation: number) => {
      const e = await engine();
      e.configure(allGroup(e, 0.01), { ...SETTINGS, gradientAccumulation });
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await e.trainStep(dataset()));
      return { e, results };
    };
    const full = await run(1);
    const accumulated = await run(2);
    accumulated.results.forEach((r, i) => {
      expect(r.tokens).toBe(full.results[i]!.tokens);
      expect(r.loss).toBeCloseTo(full.results[i]!.loss, 4);
      expect(r.gradNorm).toBeCloseTo(full.results[i]!.gradNorm, 4);
    });

    const resumed = await engine(99);
    resumed.configure(allGroup(resumed, 0.01), { ...SETTINGS, gradientAccumulation: 2 });
    await resumed.setWeights(await accumulated.e.getWeights(accumulated.e.tensorNames()));
    await resumed.loadOptimizerState(await accumulated.e.optimizerState());
    const a = await accumulated.e.trainStep(dataset());
    const b = await resumed.trainStep(dataset());
    expect(b).toEqual(a);
    const names = resumed.tensorNames();
    const [wa, wb] = [await accumulated.e.getWeights(names), await resumed.getWeights(names)];
    wa.forEach((t, i) => expect(sameBits(t.data, wb[i]!.data), t.name).toBe(true));
  });

  it('keeps a learning-rate-0 group bit-identical', async () => {
    const e = await engine();
    const frozen = e.tensorNames().filter((n) => n.includes('layers.0.'));
    e.configure(
      [
        { name: 'frozen', tensors: frozen, learningRate: 0, weightDecay: 0.1 },
        { name: 'rest', tensors: e.tensorNames().filter((n) => !frozen.includes(n)), learningRate: 0.01, weightDecay: 0.1 },
      ],
      SETTINGS,
    );
    const before = await e.getWeights(frozen);
    for (let i = 0; i < 3; i++) await e.trainStep(dataset());
    const after = await e.getWeights(frozen);
    before.forEach((t, i) => expect(sameBits(t.data, after[i]!.data), t.name).toBe(true));
  });
});
