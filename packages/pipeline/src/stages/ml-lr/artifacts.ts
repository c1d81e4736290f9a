import type { LayerAccuracy } from '@mllr/proxies';
import type { LogisticModel } from '@mllr/proxies';
import type { LoraSettings, MetricValue, ModuleId, ModuleScore } from '@mllr/core';
import type { HeadlineMetric } from '@mllr/eval';
import type { ByFile } from '../../evaluation/eval-files.js';
import type { GenerationsSummary } from '../../evaluation/generations-log.js';
import type { HubRecord } from '../../models/resolve-model-dir.js';

/** base.json: the model the run protects. */
export interface BaseArtifact {
  model: string;
  /** Set when `model.path` was a Hub id: the id, the commit it resolved to and the snapshot folder read. */
  hub?: HubRecord;
  family: string;
  parameters: number;
  numLayers: number;
  engine: string;
  device: string;
  /** The inference engine of the probing and evaluation stages, and its device. */
  inference?: { engine: string; device: string };
}

/** proxy.json: the security feature classifier, enough to rebuild the frozen probe exactly. */
export interface ProxyArtifact {
  layer: number;
  clean_accuracy: number;
  clean_margin: number;
  per_layer: LayerAccuracy[];
  classifier: { weights: number[]; bias: number; mean: number[]; std: number[] };
  validation: { prompts: string[]; labels: number[] };
  /** Validation accuracy of the best prompt-length-only rule: the baseline the probe must beat (probe-check.ts). */
  length_only_accuracy?: number;
  /** Caveats the report must show, such as a probe below probe.min_accuracy kept under probe.on_weak: continue. */
  warnings?: string[];
}

/** robustness.json: one score per module and the proxy's raw measurements. */
export interface RobustnessArtifact {
  proxy: string;
  scores: ModuleScore[];
  heatmap: { types: string[]; layers: number[]; values: (number | null)[][] };
}

/** search.json: Mods_Robust, how it was reached, and every strategy's robust set. */
export interface SearchArtifact {
  strategy: string;
  /** The strategy's acceptance threshold (SearchStrategy.threshold), where it has one; absent in folders before it was recorded. */
  threshold?: number;
  mods_robust: ModuleId[];
  trace: Array<{ candidate: ModuleId; accepted: boolean; value: number }>;
  sets: Record<string, ModuleId[]>;
}

/** ift/<runId>.json: the fine-tuning curve of one strategy under one seed and where its model is. */
export interface IftArtifact {
  strategy: string;
  /** The run id (`uniform`, or `uniform#2` for the second seed). */
  run: string;
  seed: number;
  /** Hash of what the run depends on, so a resumed stage keeps runs that finished (absent under --force). */
  inputs?: string;
  schedule: string;
  model: string;
  /** The robust set this run's schedule was given (Mods_Robust, or a control's own set). */
  mods_robust: string[];
  /**
   * The parameter groups the run trained, at their base rates before the shape: the one record `mllr export-plan`
   * reads, so an exported plan gives every tensor exactly the rate the evaluated run used.
   */
  groups: Array<{ name: string; learning_rate: number; weight_decay: number; tensors: string[] }>;
  /** How the base rates were scaled over the steps (see RatePlan.shape). */
  rate_shape: Record<string, string | number>;
  /**
   * Present when the run trained a LoRA adapter (training.adapter): its settings and PEFT folder. The groups then name
   * adapter tensors (`<module>.lora_A.weight`, PEFT's names without `base_model.model.`), and `model` is the merged model.
   */
  adapter?: LoraSettings & { type: 'lora'; dir: string };
  curve: Array<{ step: number; loss: number }>;
}

/** One model's entry in eval.json: the four metrics, and what its generations file (`eval/<id>.jsonl`) holds. */
export type EvalEntry = Partial<Record<HeadlineMetric, MetricValue>> & {
  /** harmful_asr and over_refusal file by file, each where its set has several files (absent in older folders). */
  by_file?: ByFile;
  generations?: GenerationsSummary;
  /** Hash of what the model's evaluation depends on, so a rerun (resume, extension) keeps it (absent under --force). */
  inputs?: string;
};

/** eval.json: one entry per model (base and each run id). */
export type EvalArtifact = Record<string, EvalEntry>;

/** The classifier of a probe as plain JSON. */
export function classifierToJson(model: LogisticModel): ProxyArtifact['classifier'] {
  return { weights: [...model.weights], bias: model.bias, mean: [...model.mean], std: [...model.std] };
}

/** The classifier back from JSON. */
export function classifierFromJson(json: ProxyArtifact['classifier']): LogisticModel {
  return {
    weights: Float64Array.from(json.weights),
    bias: json.bias,
    mean: Float64Array.from(json.mean),
    std: Float64Array.from(json.std),
  };
}
