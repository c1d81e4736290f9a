import type { LoraSettings, ModelArchitecture, TrainExample } from '@mllr/core';

/**
 * The summed (not averaged) causal-LM loss of one micro-batch and its gradients: position t predicts token t+1 and
 * counts when t+1 is past the prompt. Summed so that micro-batches of gradient accumulation add up and the engine
 * divides once by the step's response tokens.
 */
export interface MicroBatchGradients {
  lossSum: number;
  /** Response tokens that contributed to `lossSum`. */
  tokens: number;
  /**
   * d lossSum / d weight for every tensor in {@link GradientSource.trainable}, row-major like the weight. The arrays
   * stay valid until the next `compute` call (a source may reuse its output buffers); the engine only reads them.
   */
  grads: Map<string, Float32Array>;
}

/**
 * Computes loss and gradients of a fixed set of trainable tensors from weights handed in on every call (the weights
 * are inputs, so an optimizer step changes them without rebuilding anything). The ONNX training graph is one; tests
 * use small analytic ones.
 */
export interface GradientSource {
  /** Hugging Face names of the tensors whose gradients `compute` returns; every other weight is frozen. */
  readonly trainable: readonly string[];
  /** Where it computes (`cpu`, `cuda`), when it knows: the engine reports it as its device. */
  readonly device?: string;
  /**
   * Loss and gradients of one micro-batch. `weights` holds every tensor of the model (trainable and frozen); the
   * engine passes the same arrays on every call and updates them in place between calls.
   */
  compute(batch: readonly TrainExample[], weights: ReadonlyMap<string, Float32Array>): Promise<MicroBatchGradients>;
  dispose(): Promise<void>;
}

/** What the engine asks a factory for: a source for this model with exactly these trainable tensors. */
export interface GradientSourceRequest {
  architecture: ModelArchitecture;
  /** In the engine's tensor order (tensorNames()); empty when every group's learning rate is 0. */
  trainable: readonly string[];
  /** The LoRA adapters the model computes with (their A and B are among the weights); absent for full fine-tuning. */
  adapter?: LoraSettings;
}

/**
 * Opens gradient sources. The engine asks for a new one whenever the set of trainable tensors changes (a group's
 * learning rate moves between 0 and above 0), and disposes the one it had.
 */
export type GradientSourceFactory = (request: GradientSourceRequest) => Promise<GradientSource>;
