import { serviceToken } from '../di.js';
import type { ModuleId } from '../module-id.js';
import type { InferenceEngine } from './inference-engine.js';
import type { TrainingEngine } from './training-engine.js';

/** The frozen security feature classifier: scores hidden states of one layer. */
export interface SecurityProbe {
  readonly layer: number;
  /** Accuracy of the probe on the clean (unperturbed) model's features. */
  readonly cleanAccuracy: number;
  /** Accuracy on the given model's current features (after a perturbation, say). */
  accuracy(engine: InferenceEngine): Promise<number>;
}

/** What a proxy needs to score modules. */
export interface RobustnessContext {
  modules: readonly ModuleId[];
  probe: SecurityProbe;
  inference: InferenceEngine;
  training: TrainingEngine;
  seed: number;
  /** Called after each module so the UI can show progress. */
  onProgress?: (done: number, total: number, module: ModuleId) => void;
  /** Throws once the user asked to stop; call between modules. */
  checkpoint: () => void;
}

/** One module's robustness: higher means the security feature survives changing it. */
export interface ModuleScore {
  module: ModuleId;
  score: number;
  /** The proxy's raw measurements (per-seed accuracies, drift), kept in the artifact. */
  raw?: Record<string, number | number[]>;
}

/** Scores every module by what happens to the frozen probe when only that module changes. */
export interface RobustnessProxy {
  readonly name: string;
  score(context: RobustnessContext): Promise<ModuleScore[]>;
}

/** DI token for {@link RobustnessProxy}. */
export const RobustnessProxy = serviceToken('RobustnessProxy');
