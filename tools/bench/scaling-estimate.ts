// The pure half of the scaling measurement (tools/bench/scaling.ts): which shapes, their architecture, and how the
// measured units add up to an estimate of the default pipeline.
import { MllrError, type ModelArchitecture } from '@mllr/core';
import { tinyChatArchitecture } from '../tiny-chat/tiny-chat-config.js';

/** One model size of the scaling table. */
export interface ScalingShape {
  layers: number;
  dModel: number;
}

/** The grid: layers 4, 8, 16 at d_model 128, and d_model 128, 256, 512 at 4 layers (4×128 once). */
export const DEFAULT_SHAPES: readonly ScalingShape[] = [
  { layers: 4, dModel: 128 },
  { layers: 8, dModel: 128 },
  { layers: 16, dModel: 128 },
  { layers: 4, dModel: 256 },
  { layers: 4, dModel: 512 },
];

/** The corner both axes grow to, measured only on request (`--corner`): minutes per training step here. */
export const CORNER_SHAPE: ScalingShape = { layers: 16, dModel: 512 };

/** `4x128` → { layers: 4, dModel: 128 }; d_model must be a multiple of the 32-wide heads. */
export function parseShape(text: string): ScalingShape {
  const match = /^(\d+)x(\d+)$/.exec(text.trim());
  const layers = Number(match?.[1]);
  const dModel = Number(match?.[2]);
  if (!match || layers < 1 || dModel < 32 || dModel % 32 !== 0) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `shape "${text}" must be LAYERSxD_MODEL with d_model a multiple of 32 (for example 8x128)`,
    );
  }
  return { layers, dModel };
}

/** `4x128`. */
export function shapeLabel(shape: ScalingShape): string {
  return `${shape.layers}x${shape.dModel}`;
}

/**
 * tiny-chat's architecture grown to `shape`: heads of 32 (d_model/32 of them), SwiGLU 2.75 × d_model (352 at 128),
 * tiny-chat's vocabulary, context and everything else unchanged.
 */
export function scalingArchitecture(shape: ScalingShape, vocabSize: number): ModelArchitecture {
  const heads = shape.dModel / 32;
  return {
    ...tinyChatArchitecture(vocabSize),
    hiddenSize: shape.dModel,
    numLayers: shape.layers,
    numHeads: heads,
    numKvHeads: heads,
    headDim: 32,
    intermediateSize: Math.round(2.75 * shape.dModel),
  };
}

/** Median seconds of the units one shape measured; a unit that was not measured is null. */
export interface MeasuredUnits {
  /** One training step on the default IFT batch (16 examples of the world's fine-tuning data). */
  trainStepS: number;
  /** The proxy stage's work: the security probe trained on every layer's features (measured once). */
  proxyS: number;
  /** One robustness measurement: perturb one module on ONNX, re-extract and score the probe's validation prompts. */
  probeUnitS: number;
  /** Opening the ONNX engine on a checkpoint (export to ONNX in memory + session): once per evaluated model. */
  onnxOpenS: number;
  /** Generating the evaluation prompts' answers (16 new tokens at most) on one model. */
  evalGenerationS: number;
}

/** The counts of the default pipeline that multiply the units. */
export interface PipelinePlan {
  /** Modules scored by the robustness stage (7 per layer). */
  modules: number;
  /** Perturbations per module (the noise proxy's `repeats`). */
  repeats: number;
  /** Joint checks of the greedy search, assuming every candidate is kept until the size cap (a lower bound). */
  searchChecks: number;
  /** Fine-tuning runs compared (uniform, ml-lr, swat, random-control). */
  runs: number;
  steps: number;
  /** Worker processes (engine.workers 0 = one per core), capped per stage by its job count. */
  workers: number;
  /** Models the eval stage evaluates: the base and every fine-tuned run. */
  evaluatedModels: number;
}

/** The default config's plan on a model of `layers` layers with `workers` worker processes. */
export function defaultPlan(layers: number, workers: number): PipelinePlan {
  const modules = 7 * layers;
  const runs = 4;
  // The greedy search's default size cap: a quarter of the modules (search's DEFAULT_MAX_FRACTION), at least one.
  return {
    modules,
    repeats: 3,
    searchChecks: Math.max(1, Math.floor(0.25 * modules)),
    runs,
    steps: 100,
    workers,
    evaluatedModels: 1 + runs,
  };
}

/** Estimated seconds per stage (the stages the units cover) and their sum. */
export interface PipelineEstimate {
  proxy: number;
  robustness: number;
  search: number;
  ift: number;
  eval: number;
  total: number;
}

/** Seconds of `jobs` equal jobs of `each` seconds on `workers` processes: whole jobs per process. */
export function fannedOut(jobs: number, each: number, workers: number): number {
  const used = Math.max(1, Math.min(workers, jobs));
  return Math.ceil(jobs / used) * each;
}

/**
 * The default pipeline's stage times from the units: robustness = modules × repeats × probe unit over the workers;
 * search = its joint checks × repeats × probe unit (in the stage's own process); ift = runs × steps × step over the
 * workers; eval = models × (ONNX open + generation); proxy as measured. base and report are left out (about a second
 * each, independent of the size).
 */
export function estimatePipeline(units: MeasuredUnits, plan: PipelinePlan): PipelineEstimate {
  const proxy = units.proxyS;
  const robustness = fannedOut(plan.modules, plan.repeats * units.probeUnitS, plan.workers);
  const search = plan.searchChecks * plan.repeats * units.probeUnitS;
  const ift = fannedOut(plan.runs, plan.steps * units.trainStepS, plan.workers);
  const evaluation = plan.evaluatedModels * (units.onnxOpenS + units.evalGenerationS);
  return { proxy, robustness, search, ift, eval: evaluation, total: proxy + robustness + search + ift + evaluation };
}

/** Trainable parameters' memory in training: F32 weights, gradients and AdamW's two moments (16 bytes each). */
export function trainingStateBytes(parameters: number): number {
  return 16 * parameters;
}
