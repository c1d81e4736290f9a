import { serviceToken } from '../di.js';
import type { InferenceEngine } from './inference-engine.js';
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
  openInference(modelDir: string, options?: OpenEngineOptions): Promise<InferenceEngine>;
  /** Engines that cannot train leave this out. */
  openTraining?(modelDir: string, options?: OpenEngineOptions): Promise<TrainingEngine>;
}

/** DI token for {@link EngineProvider}. */
export const EngineProvider = serviceToken('EngineProvider');
