// A tiny real model on the TensorFlow.js engine, for checks that need a trained network (schedules, proxies).
import { TfjsEngine } from '@mllr/backend-tfjs';
import {
  allModuleIds,
  moduleTensorNames,
  type LrSchedule,
  type LrScheduleContext,
  type ModelArchitecture,
  type ModuleId,
  type OptimizerSettings,
  type TrainExample,
} from '@mllr/core';
import { architectureToConfig, randomTensors, tinyArchitecture } from '@mllr/model';

/** The engine the tests train. */
export type TinyEngine = TfjsEngine;

/** A tiny llama architecture (2 layers, hidden 16): a few milliseconds per training step. */
export const TINY_ARCHITECTURE: ModelArchitecture = tinyArchitecture();

/** AdamW settings of the tests; no clipping, so every group's update depends on its rate alone. */
export const SETTINGS: OptimizerSettings = {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  maxGradNorm: 0,
  gradientAccumulation: 1,
};

/** A tfjs engine on seeded random weights (norm weights near 1), like @mllr/backend-tfjs's own tests build. */
export async function tinyEngine(seed = 7): Promise<TfjsEngine> {
  return TfjsEngine.create({
    architecture: TINY_ARCHITECTURE,
    config: architectureToConfig(TINY_ARCHITECTURE),
    tensors: randomTensors(TINY_ARCHITECTURE, seed),
  });
}

/** A fixed tiny task: after the prompt [1, a, b] answer [(a + b) mod 10 + 10, 2]. */
export function tinyDataset(): TrainExample[] {
  const out: TrainExample[] = [];
  for (let a = 3; a < 6; a++)
    for (let b = 3; b < 5; b++) out.push({ ids: [1, a, b, ((a + b) % 10) + 10, 2], promptLength: 3 });
  return out;
}

/** The schedule context of `engine`'s model with `robust` as Mods_Robust. */
export function engineContext(engine: TfjsEngine, robust: readonly ModuleId[], totalSteps: number): LrScheduleContext {
  return {
    modules: allModuleIds(TINY_ARCHITECTURE.numLayers),
    robust,
    tensors: engine.tensorNames(),
    tensorsOf: (module) => moduleTensorNames(module, { qkvBias: TINY_ARCHITECTURE.qkvBias }),
    learningRate: 0.01,
    weightDecay: 0.01,
    totalSteps,
  };
}

/** Trains steps [from, to) the way the ift stage does: set each step's rates, then take the step. */
export async function trainSteps(
  engine: TfjsEngine,
  schedule: LrSchedule,
  context: LrScheduleContext,
  from: number,
  to: number,
): Promise<void> {
  for (let step = from; step < to; step++) {
    engine.setLearningRates(schedule.ratesAt(step, context));
    await engine.trainStep(tinyDataset());
  }
}

/** Every weight by name. */
export async function weightsByName(engine: TfjsEngine): Promise<Map<string, Float32Array>> {
  const tensors = await engine.getWeights(engine.tensorNames());
  return new Map(tensors.map((t) => [t.name, t.data.slice()]));
}

/** True when the two arrays hold the same bytes (so -0 ≠ 0 and NaN payloads count, unlike toEqual). */
export function sameBytes(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Names whose weights differ, bit for bit, between two snapshots. */
export function changedTensors(
  before: ReadonlyMap<string, Float32Array>,
  after: ReadonlyMap<string, Float32Array>,
): string[] {
  return [...before].filter(([name, data]) => !sameBytes(data, after.get(name)!)).map(([name]) => name);
}
