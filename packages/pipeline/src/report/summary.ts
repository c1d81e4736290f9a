import type { HubRecord } from '../models/resolve-model-dir.js';
import { METRICS, type ReportData, type RunMetrics } from './report-data.js';
import { aggregateRuns } from './seed-aggregate.js';
import { fileTableValues, fileTables, type ByFileValues } from './by-file.js';
import type { ByFile } from '../evaluation/eval-files.js';
import type { ValidationArtifact } from '../stages/ml-lr/validation-artifact.js';

/**
 * summary.json, the file other tools read. The first six fields are fixed by DESIGN.md; `seeds`, `runs_sd` and
 * `runs_per_seed` were added for multi-seed runs. Metrics are fractions in [0,1].
 */
export interface Summary {
  base_model: string;
  /** When model.path was a Hub id: the id, the commit it resolved to and the snapshot folder (`base_model` is that folder). */
  base_model_hub?: HubRecord;
  proxy: { layer: number; clean_accuracy: number };
  robustness: Array<{ module: string; score: number }>;
  mods_robust: string[];
  /** `base` and each strategy; a strategy run under several seeds has the mean over its seeds. */
  runs: Record<string, RunMetrics>;
  timings_s: Record<string, number>;
  /** The seed of each repetition of the fine-tuning runs. */
  seeds: number[];
  /** Sample standard deviation over seeds, per strategy run under more than one seed; absent with one seed. */
  runs_sd?: Record<string, RunMetrics>;
  /** Every fine-tuning run on its own, by run id (`uniform`, `uniform#2`, …); `base` is only in `runs`. */
  runs_per_seed: Record<string, RunMetrics>;
  /**
   * harmful_asr and over_refusal file by file, where a metric's set has several files: like `runs` (base and each
   * strategy, the mean over its seeds), `runs_sd` (strategies under several seeds) and `runs_per_seed` (every run id,
   * with the counts). Files go by the path the config gives (relative to data.dir), `--eval-harmful` files by their name.
   */
  runs_by_file?: Record<string, ByFileValues>;
  runs_sd_by_file?: Record<string, ByFileValues>;
  runs_per_seed_by_file?: Record<string, ByFile>;
  /** Records the run could not use and skipped (data.on_invalid: skip), by dataset file and reason; `{}` when none. */
  skipped_records: Record<string, Record<string, number>>;
  /**
   * The validate stage's ground truth, where it ran: Spearman's ρ between the robustness score and minus the harm
   * sensitivity (the rise in harmful_asr when the module alone is fine-tuned), its bootstrap 95% interval over modules
   * (null when undefined), and each module's score, harmful_asr, rise and expertise.
   */
  validation?: { spearman: number | null; ci: [number, number] | null; modules: ValidationArtifact['modules'] };
  /**
   * Strategy against control, where the config lists `comparisons`: harmful_asr and expertise differences (strategy −
   * control) with paired bootstrap intervals over prompts and seeds, and the permutation p-value among k random sets.
   */
  comparisons?: ReportData['comparisons'];
}

/** The summary of a run's report data. */
export function buildSummary(data: ReportData): Summary {
  const aggregated = aggregateRuns(data.evaluation);
  const sd: Record<string, RunMetrics> = {};
  for (const [strategy, n] of Object.entries(aggregated.n)) if (n > 1) sd[strategy] = aggregated.sd[strategy]!;
  const perSeed: Record<string, RunMetrics> = {};
  for (const [runId, metrics] of Object.entries(data.evaluation)) {
    if (runId !== 'base') perSeed[runId] = pick(metrics);
  }
  return {
    base_model: data.base.model,
    ...(data.base.hub ? { base_model_hub: { ...data.base.hub } } : {}),
    proxy: { layer: data.proxy.layer, clean_accuracy: data.proxy.clean_accuracy },
    robustness: data.robustness.scores.map((s) => ({ module: s.module, score: s.score })),
    mods_robust: [...data.search.mods_robust],
    runs: Object.fromEntries(Object.entries(aggregated.mean).map(([id, m]) => [id, pick(m)])),
    timings_s: { ...data.timings_s },
    seeds: [...data.seeds],
    ...(Object.keys(sd).length > 0 ? { runs_sd: sd } : {}),
    runs_per_seed: perSeed,
    ...byFileFields(data),
    skipped_records: structuredClone(data.data_notes?.skipped_records ?? {}),
    ...(data.validation
      ? {
          validation: {
            spearman: data.validation.spearman,
            ci: data.validation.ci,
            modules: structuredClone(data.validation.modules),
          },
        }
      : {}),
    ...(data.comparisons ? { comparisons: structuredClone(data.comparisons) } : {}),
  };
}

/** The per-file fields, where some model has a breakdown (see Summary.runs_by_file). */
function byFileFields(data: ReportData): Pick<Summary, 'runs_by_file' | 'runs_sd_by_file' | 'runs_per_seed_by_file'> {
  if (!data.by_file) return {};
  const tables = fileTables(data.by_file);
  const sd = fileTableValues(tables, 'sd', (_, n) => n > 1);
  const perSeed = Object.fromEntries(Object.entries(data.by_file).filter(([runId]) => runId !== 'base'));
  return {
    runs_by_file: fileTableValues(tables, 'mean', () => true),
    ...(Object.keys(sd).length > 0 ? { runs_sd_by_file: sd } : {}),
    ...(Object.keys(perSeed).length > 0 ? { runs_per_seed_by_file: structuredClone(perSeed) } : {}),
  };
}

/** The four metrics in their documented order, nothing else. */
function pick(metrics: RunMetrics): RunMetrics {
  return Object.fromEntries(METRICS.map((m) => [m, metrics[m]])) as RunMetrics;
}
