import { serviceToken } from '../di.js';
import type { InferenceEngine } from './inference-engine.js';
import type { LoraOpenOptions, LoraTrainingEngine } from './lora.js';
import type { ModelArchitecture } from './model.js';
import type { TrainingEngine } from './training-engine.js';

/** Options for opening an engine on a model. */
export interface OpenEngineOptions {
  /** Device preference of the engine (`auto` by default), for example `wasm` for tfjs. */
  device?: string;
  /** CPU threads the engine may use (engines that choose their own ignore it); default: one per core. */
  threads?: number;
}

/**
 * What the `inference` and `training` plugin slots provide: engines are opened on a model folder (Hugging Face
 * layout) at run time, since loading weights is asynchronous and the model is known only then.
 */
export interface EngineProvider {
  /** `tfjs`, `onnx`, … */
  readonly name: string;
  /** The device the engine runs on with these options (for `mllr inspect`), without loading a model. */
  device(options?: OpenEngineOptions): Promise<string>;
  /**
   * The CPU threads the engine's math runs on when opened with these options (for `mllr bench`, which tries the
   * thread counts an engine follows and keeps its fastest). Engines that choose their own count whatever
   * `options.threads` says return that count; engines off the CPU may leave this out.
   */
  threads?(options?: OpenEngineOptions): Promise<number>;
  /** GFLOP/s of a float32 MatMul of `size`³ (512 by default) on this engine with these options: `mllr bench`'s ceiling probe. */
  matmulGflops?(options?: OpenEngineOptions & { size?: number }): Promise<number>;
  openInference(modelDir: string, options?: OpenEngineOptions): Promise<InferenceEngine>;
  /** Engines that cannot train leave this out. */
  openTraining?(modelDir: string, options?: OpenEngineOptions): Promise<TrainingEngine>;
  /** A training engine that trains LoRA adapters on the frozen model; engines without adapters leave this out. */
  openLoraTraining?(modelDir: string, lora: LoraOpenOptions, options?: OpenEngineOptions): Promise<LoraTrainingEngine>;
  /**
   * For `mllr inspect`: a model folder this engine opens without a safetensors checkpoint (for example an ONNX
   * file), described without loading it; undefined for a checkpoint folder. Engines that read only checkpoints
   * leave this out.
   */
  describe?(modelDir: string): Promise<ModelFolderDescription | undefined>;
}

/** A model folder without a safetensors checkpoint, as an engine describes it for `mllr inspect`. */
export interface ModelFolderDescription {
  /** The file holding the model. */
  file: string;
  /** Its kind, in words (for example "ONNX, exported by mllr"). */
  format: string;
  architecture: ModelArchitecture;
  /** The architecture's parameter count (a tied head counted once). */
  parameters: number;
  /** Weight tensors stored in the file and the values they hold (an exporter may store a tied head twice). */
  storedTensors: number;
  storedValues: number;
  /** Whether the engine reads per-layer hidden states from it (the probe, robustness and search stages need them). */
  hiddenStates: boolean;
}

/** DI token for {@link EngineProvider}. */
export const EngineProvider = serviceToken('EngineProvider');
