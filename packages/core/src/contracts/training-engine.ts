import { serviceToken } from '../di.js';
import type { ModuleId } from '../module-id.js';
import type { ModelArchitecture, NamedTensor } from './model.js';

/** A named set of parameters trained with its own learning rate and weight decay. */
export interface ParameterGroup {
  name: string;
  /** Hugging Face tensor names in this group. */
  tensors: string[];
  learningRate: number;
  weightDecay: number;
}

/** AdamW and step settings shared by all groups. */
export interface OptimizerSettings {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Global gradient-norm clip; 0 disables clipping. */
  maxGradNorm: number;
  /** Micro-batches accumulated per optimizer step. */
  gradientAccumulation: number;
}

/**
 * One training example: the full token sequence and which of its tokens are trained on. The simple case is one
 * response at the end: the `promptLength` leading tokens are prompt (masked from the loss), the rest is response.
 * A multi-turn conversation has several responses (its assistant turns): `responseSpans` lists them.
 */
export interface TrainExample {
  ids: number[];
  /** Leading tokens before the (first) response; with `responseSpans`, the first span's start. */
  promptLength: number;
  /**
   * The [start, end) token ranges that count in the loss, in order and not overlapping; absent means the single span
   * [promptLength, ids.length). Engines read masks through core's `responseSpans` (loss-targets.ts), so they agree.
   */
  responseSpans?: ReadonlyArray<readonly [number, number]>;
}

/** What one optimizer step reports. */
export interface TrainStepResult {
  loss: number;
  /** Response tokens that contributed to the loss. */
  tokens: number;
  gradNorm: number;
}

/** AdamW state of one tensor: first and second moments and how many updates it has had (bias correction). */
export interface TensorOptimizerState {
  name: string;
  steps: number;
  m: Float32Array;
  v: Float32Array;
}

/**
 * Everything an optimizer carries between steps besides the weights, so a checkpointed fine-tuning run resumes
 * bit-identically: per-tensor moments and update counts (tensors never updated have none) and each group's rate.
 */
export interface OptimizerState {
  rates: Record<string, number>;
  tensors: TensorOptimizerState[];
}

/** Saved copies of some modules' weights, to put them back after a perturbation. */
export interface ModuleSnapshot {
  readonly modules: readonly ModuleId[];
  readonly tensors: readonly NamedTensor[];
}

/** Trains a model: parameter groups, steps, snapshots, saving. */
export interface TrainingEngine {
  readonly name: string;
  readonly device: string;
  /** The model being trained. */
  readonly architecture: ModelArchitecture;
  /** Hugging Face names of every weight tensor, a new array each call (a tied head is the embedding matrix: not listed). */
  tensorNames(): string[];
  /** Sets up the optimizer; every trainable tensor must be in exactly one group. */
  configure(groups: readonly ParameterGroup[], settings: OptimizerSettings): void;
  /** Changes group learning rates between steps (schedules call this). */
  setLearningRates(rates: Readonly<Record<string, number>>): void;
  trainStep(batch: readonly TrainExample[]): Promise<TrainStepResult>;
  snapshot(modules: readonly ModuleId[]): Promise<ModuleSnapshot>;
  restore(snapshot: ModuleSnapshot): Promise<void>;
  getWeights(names: readonly string[]): Promise<NamedTensor[]>;
  setWeights(tensors: readonly NamedTensor[]): Promise<void>;
  /** The optimizer's state, to checkpoint training; engines that cannot checkpoint leave it out. */
  optimizerState?(): Promise<OptimizerState>;
  /** Puts back a state from {@link optimizerState}; call after `configure` with the same groups. */
  loadOptimizerState?(state: OptimizerState): Promise<void>;
  /** Writes the model in Hugging Face layout (config.json, model.safetensors, tokenizer files). */
  save(dir: string): Promise<void>;
  dispose(): Promise<void>;
}

/** DI token for {@link TrainingEngine}. */
export const TrainingEngine = serviceToken('TrainingEngine');
