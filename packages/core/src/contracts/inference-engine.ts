import { serviceToken } from '../di.js';
import type { ModelArchitecture, NamedTensor } from './model.js';

/** A batch of token sequences of possibly different lengths; engines pad as they need. */
export interface TokenBatch {
  sequences: number[][];
}

/** Logits for every position of every sequence: `data[b]` has shape [length_b, vocab]. */
export interface BatchLogits {
  vocabSize: number;
  data: Float32Array[];
}

/** Last-token hidden state per layer: `layers[l][b]` is a vector of hiddenSize (layer 0 = after the first block). */
export interface LastTokenHiddenStates {
  hiddenSize: number;
  layers: Float32Array[][];
}

/** How to continue prompts. Greedy unless `temperature` > 0. */
export interface GenerateOptions {
  maxNewTokens: number;
  temperature?: number;
  topP?: number;
  /** Seed for sampling; the same seed gives the same tokens. */
  seed?: number;
  /** Token ids that end a sequence; defaults to the model's eos ids. */
  stopTokenIds?: number[];
}

/** Runs a model forward: logits, hidden states and generation. */
export interface InferenceEngine {
  /** `tfjs` or `onnx`. */
  readonly name: string;
  /** The device or backend actually in use (for example `wasm` or `cpu`). */
  readonly device: string;
  readonly architecture: ModelArchitecture;
  logits(batch: TokenBatch): Promise<BatchLogits>;
  /** Per-layer last-token hidden states, optionally only for some layers. */
  lastTokenHiddenStates(batch: TokenBatch, layers?: number[]): Promise<LastTokenHiddenStates>;
  /** Continues each prompt; returns only the new token ids per prompt. */
  generate(prompts: number[][], options: GenerateOptions): Promise<number[][]>;
  /** Replaces some weights in place (a perturbed or fine-tuned module). */
  setWeights(tensors: readonly NamedTensor[]): Promise<void>;
  dispose(): Promise<void>;
}

/** DI token for {@link InferenceEngine}. */
export const InferenceEngine = serviceToken('InferenceEngine');
