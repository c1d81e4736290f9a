import { serviceToken } from '../di.js';
import type { ModuleId } from '../module-id.js';
import type { InferenceEngine } from './inference-engine.js';
import type { TrainExample, TrainingEngine } from './training-engine.js';

/** What the frozen probe sees in a model's current features. */
export interface ProbeMeasurement {
  /** Share of the probe's evaluation prompts classified correctly. */
  accuracy: number;
  /** Mean signed margin of the correct class (positive = correct side of the boundary). */
  meanMargin: number;
  /** Each prompt's signed margin, in the probe's prompt order. */
  margins: number[];
  /** Mean feature vector of the harmful and of the benign prompts. */
  harmfulMean: Float32Array;
  benignMean: Float32Array;
}

/** The frozen security feature classifier: scores hidden states of one layer. */
export interface SecurityProbe {
  readonly layer: number;
  /** The measurement on the clean (unperturbed) model. */
  readonly clean: ProbeMeasurement;
  /** Measures the given model's current features (after a perturbation, say). */
  measure(engine: InferenceEngine): Promise<ProbeMeasurement>;
}

/** What a proxy needs to score modules. */
export interface RobustnessContext {
  modules: readonly ModuleId[];
  probe: SecurityProbe;
  inference: InferenceEngine;
  training: TrainingEngine;
  seed: number;
  /** Benign fine-tuning examples, for proxies that perturb by training. */
  iftExamples?: readonly TrainExample[];
  /** Called after each module, with its score when the proxy has it, so the UI can show results as they arrive. */
  onProgress?: (done: number, total: number, module: ModuleId, score?: ModuleScore) => void;
  /** Throws once the user asked to stop; call between modules. */
  throwIfStopped: () => void;
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
  /**
   * The probe value with the given modules changed jointly by this proxy's own perturbation, relative to clean
   * (1 = unchanged; 1 for an empty set): the check a search such as greedy makes before it keeps a module
   * (`SearchContext.evaluateSet`). Optional: a proxy without it can only be used with searches that never call
   * evaluateSet; one that does stops the run with a message naming the proxy.
   */
  evaluateSet?(context: RobustnessContext, modules: readonly ModuleId[]): Promise<number>;
}

/** DI token for {@link RobustnessProxy}. */
export const RobustnessProxy = serviceToken('RobustnessProxy');
