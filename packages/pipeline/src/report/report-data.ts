import type { HubRecord } from '../models/resolve-model-dir.js';
import type { LayerAccuracy } from '@mllr/proxies';
import type { ModuleId } from '@mllr/core';
import type { ByFile } from '../evaluation/eval-files.js';
import type { DataNotes } from './data-notes.js';
import type { EngineUse } from '../stages/ml-lr/stage-engines.js';
import type { ValidationArtifact } from '../stages/ml-lr/validation-artifact.js';
import type { ParetoData } from './charts/pareto-chart.js';
import type { ComparisonResult } from './study/verdict.js';

/** The four headline metrics of one model, fractions in [0,1] (DESIGN.md). */
export const METRICS = ['harmful_asr', 'over_refusal', 'usability', 'expertise'] as const;

/** One of the headline metrics. */
export type MetricName = (typeof METRICS)[number];

/** The headline metrics of one model. */
export type RunMetrics = Record<MetricName, number>;

/** Whether a larger value of the metric is better (usability, expertise) or worse (harmful_asr, over_refusal). */
export const HIGHER_IS_BETTER: Record<MetricName, boolean> = {
  harmful_asr: false,
  over_refusal: false,
  usability: true,
  expertise: true,
};

/** The loss curve of one fine-tuning run (a strategy under one seed). */
export interface RunCurve {
  /** `uniform`, `uniform#2`, … */
  runId: string;
  strategy: string;
  /** The seed of the run, where known. */
  seed?: number;
  points: Array<{ step: number; loss: number }>;
}

/** One decision of the Mods_Robust search. */
export interface TraceStep {
  candidate: ModuleId;
  accepted: boolean;
  /** The probe value of the set with the candidate (a fraction of clean for the greedy search). */
  value: number;
  /** Size of the set after the decision, where the strategy says. */
  size?: number;
}

/** Where the generations one model's evaluation judged are, and how many the caps left out. */
export interface GenerationsLink {
  model: string;
  /** Relative to the run folder. */
  file: string;
  records: number;
  omitted: number;
}

/** A relative file path as a link target: each segment percent-encoded (a run id like `uniform#2` holds a `#`). */
export function fileHref(path: string): string {
  return path
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(/[()']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/');
}

/** One line of the run config summary: a setting and its value as text. */
export interface ConfigRow {
  key: string;
  value: string;
}

/**
 * Everything the report shows, gathered from a run folder's artifacts. The renderers (`reportMarkdown`,
 * `renderReportHtml`) and `buildSummary` are pure functions of it. Strings in it come from models, datasets and
 * configs: renderers must escape them.
 */
export interface ReportData {
  base: {
    model: string;
    /** Set when the base model was a Hub id: the id, its commit and the snapshot folder (base.json). */
    hub?: HubRecord;
    family?: string;
    parameters?: number;
    numLayers?: number;
    /** The training engine (base.json). */
    engine?: string;
    device?: string;
    /** Which engine each stage ran on, by role (training, inference); the headers show these. */
    engines?: EngineUse[];
  };
  /** The probe; `warnings` holds caveats such as a weak probe kept under probe.on_weak: continue. */
  proxy: { layer: number; clean_accuracy: number; per_layer: LayerAccuracy[]; warnings?: string[] };
  robustness: {
    /** Name of the robustness proxy. */
    proxy: string;
    scores: Array<{ module: ModuleId; score: number }>;
    heatmap: { types: string[]; layers: number[]; values: (number | null)[][] };
  };
  search: {
    strategy: string;
    mods_robust: ModuleId[];
    trace: TraceStep[];
    /** The value a candidate set had to reach to be kept, where the strategy has one (greedy). */
    threshold?: number;
    /** Every strategy's robust set. */
    sets: Record<string, ModuleId[]>;
  };
  /** One curve per fine-tuning run id, strategy by strategy, seed by seed. */
  curves: RunCurve[];
  /** eval.json as metrics: `base` and every run id (`uniform`, `uniform#2`, …), in order. */
  evaluation: Record<string, RunMetrics>;
  /** eval.json's per-file breakdowns (`by_file`), by model id, for the models that have one; absent when none has. */
  by_file?: Record<string, ByFile>;
  /** The generations file of each model that has one (eval/<id>.jsonl), in eval.json order. */
  generations?: GenerationsLink[];
  /** Records skipped per dataset and reason, and warnings about the data (data/<stage>.json); absent in older runs. */
  data_notes?: DataNotes;
  /** The seeds of the fine-tuning runs (config seed + k), one per seed actually run. */
  seeds: number[];
  /** Seconds per finished stage. */
  timings_s: Record<string, number>;
  /** The run config in a few readable lines. */
  config: ConfigRow[];
  /** validation.json: each module fine-tuned alone (the `validate` stage); absent when it did not run. */
  validation?: ValidationArtifact;
  /** Strategy-against-control comparisons (summary.json `comparisons`), where the config asks for them. */
  comparisons?: ComparisonResult[];
  /** The Pareto chart's curves, where some strategy is swept. */
  pareto?: ParetoData;
  /** Words for run ids in the verdict sentences (`ml-lr` → `ML-LR`). */
  labels?: Record<string, string>;
}
