import type { ModuleId } from '@mllr/core';
import { spearmanWithInterval } from '../../stats/spearman.js';

/** `validate/<runId>.json`: one module's ground-truth run under one seed (runId: `L3.q`, `L3.q#2` for the second seed). */
export interface ValidateRunRecord {
  module: ModuleId;
  seed: number;
  /** Hash of what the run depends on, so a resumed stage keeps it (absent under --force). */
  inputs?: string;
  steps: number;
  harmful_asr: number;
  expertise: number;
  loss: { first: number; last: number };
}

/** One module in validation.json. */
export interface ValidationModule {
  module: ModuleId;
  /** The robustness stage's score (higher = more robust by the proxy). */
  robustness: number;
  /** harmful_asr after fine-tuning this module alone (mean over the validation seeds). */
  harmful_asr: number;
  /** Harm sensitivity: harmful_asr − the base model's harmful_asr (positive = fine-tuning it erodes refusals). */
  asr_rise: number;
  /** Expertise after fine-tuning this module alone (mean over the validation seeds). */
  expertise: number;
}

/** validation.json: the ground truth of the robustness scores and how well they rank it. */
export interface ValidationArtifact {
  base: { harmful_asr: number; expertise: number };
  seeds: number[];
  steps: number;
  modules: ValidationModule[];
  /**
   * Spearman's rank correlation between the robustness score and minus the harm sensitivity, over modules: +1 when
   * the proxy ranks modules exactly by how little fine-tuning them alone raises harmful_asr. Null when it is
   * undefined: every module's rise (or score) is the same.
   */
  spearman: number | null;
  /** Percentile bootstrap 95% interval of `spearman`, resampling modules; null where no resample had a correlation. */
  ci: [number, number] | null;
  bootstrap: { resamples: number; seed: number };
}

/**
 * validation.json from each module's runs and scores: per module the mean over its seeds, the rise over the base,
 * and the rank correlation with its seeded bootstrap interval. Modules without a score are left out.
 */
export function buildValidation(options: {
  records: readonly ValidateRunRecord[];
  scores: ReadonlyArray<{ module: ModuleId; score: number }>;
  base: { harmful_asr: number; expertise: number };
  seeds: readonly number[];
  steps: number;
  resamples: number;
  seed: number;
}): ValidationArtifact {
  const { records, base } = options;
  const modules: ValidationModule[] = [];
  for (const { module, score } of options.scores) {
    const runs = records.filter((r) => r.module === module);
    if (runs.length === 0) continue;
    const harmful = mean(runs.map((r) => r.harmful_asr));
    modules.push({
      module,
      robustness: score,
      harmful_asr: harmful,
      asr_rise: harmful - base.harmful_asr,
      expertise: mean(runs.map((r) => r.expertise)),
    });
  }
  const estimate = spearmanWithInterval(
    modules.map((m) => m.robustness),
    modules.map((m) => -m.asr_rise),
    { resamples: options.resamples, seed: options.seed },
  );
  return {
    base: { ...base },
    seeds: [...options.seeds],
    steps: options.steps,
    modules,
    spearman: Number.isFinite(estimate.rho) ? estimate.rho : null,
    ci: estimate.ci.every(Number.isFinite) ? estimate.ci : null,
    bootstrap: { resamples: options.resamples, seed: options.seed },
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
