import type { RunConfig, RunStore } from '@mllr/core';
import { generationsPath } from '../evaluation/generations-log.js';
import type { RunMetrics } from '../report/report-data.js';
import { runIdOf } from '../stages/ml-lr/seed-runs.js';
import type { ItemOutcome } from '../stats/item-outcome.js';
import { pairedBootstrap, type PairedDifference, type SideRuns } from '../stats/paired-bootstrap.js';
import { rankTest } from '../stats/rank-test.js';
import { itemOutcomesOf } from './item-outcomes.js';
import { pairGroups, variantGroups, type VariantGroup } from './variant-groups.js';

/**
 * One row of summary.json's `comparisons`: strategy − control in harmful_asr and expertise (means over seeds; a side
 * with several sets per seed is averaged over them), each with its paired bootstrap interval over prompts and seeds,
 * and where the control draws several sets per seed, the strategy's rank among them and its permutation p-value.
 */
export interface Comparison {
  /** The strategy's variant group: `ml-lr`, or `ml-lr@0.05` for a sweep point. */
  strategy: string;
  /** The control's variant group: `random-control` (all its sets), `uniform@0.25`. */
  control: string;
  /** Negative: the strategy has the lower attack success rate. */
  delta_harmful_asr: number;
  ci: [number, number];
  /** Positive: the strategy keeps more expertise. */
  delta_expertise: number;
  ci_expertise: [number, number];
  /** One-sided p of "the strategy's harmful_asr is lower than the control sets'" (rank test); null with one set per seed. */
  p: number | null;
  /** Mean rank of the strategy's harmful_asr among itself and the control's sets, per seed (1 = lowest); null as p. */
  rank: number | null;
  /** Coverage of the intervals. */
  level: number;
  match: 'sweep' | 'expertise';
  /** Control's mean expertise − the strategy's, where matched on expertise (0 is a perfect match). */
  expertise_gap?: number;
  /** Control runs per seed (its sets). */
  sets: number;
  seeds: number;
  /** Evaluation items the intervals resample, per metric (the items every compared run has in its generations file). */
  items: { harmful_asr: number; expertise: number };
}

/**
 * The configured comparisons of a run, from eval.json's metrics (`evaluation`, by run id) and the per-item judgments
 * in each run's `eval/<run>.jsonl`. Every draw is seeded with the run's seed, so a rerun gives identical numbers.
 * A comparison that cannot be made (a strategy the config lacks, a run not evaluated, no generations file) is left
 * out with a warning, never guessed.
 */
export async function compareStrategies(
  store: RunStore,
  config: RunConfig,
  evaluation: Readonly<Record<string, RunMetrics>>,
  warn: (message: string) => void = () => {},
): Promise<Comparison[]> {
  const results: Comparison[] = [];
  const outcomes = new OutcomeCache(store);
  for (const [i, wanted] of (config.comparisons ?? []).entries()) {
    const where = `comparisons[${i}] (${wanted.strategy} vs ${wanted.control})`;
    const strategy = variantGroups(config, wanted.strategy);
    const control = variantGroups(config, wanted.control);
    if (strategy.length === 0 || control.length === 0) {
      warn(
        `${where}: the config has no strategy ${strategy.length === 0 ? wanted.strategy : wanted.control}; left out`,
      );
      continue;
    }
    const runsAt = (group: VariantGroup, seed: number) => group.variants.map((v) => runIdOf(v.id, seed));
    const seeds = Array.from({ length: config.seeds }, (_, k) => k);
    const meanExpertise = (group: VariantGroup) =>
      mean(seeds.flatMap((k) => runsAt(group, k).map((id) => evaluation[id]?.expertise ?? Number.NaN)));
    const { pairs, unpaired } = pairGroups(strategy, control, wanted.match, meanExpertise);
    for (const group of unpaired)
      warn(`${where}: ${group.id} has no ${wanted.control} variant to compare with (no equal sweep value); left out`);

    for (const pair of pairs) {
      const label = `${where}: ${pair.strategy.id} vs ${pair.control.id}`;
      const strategyRuns = seeds.map((k) => runsAt(pair.strategy, k));
      const controlRuns = seeds.map((k) => runsAt(pair.control, k));
      const missing = [...strategyRuns.flat(), ...controlRuns.flat()].filter((id) => evaluation[id] === undefined);
      if (missing.length > 0) {
        warn(`${label}: ${missing.join(', ')} not evaluated; left out`);
        continue;
      }
      const options = { seed: config.seed, resamples: wanted.bootstrap, level: wanted.level };
      const harm = await outcomes.paired('harmful_asr', strategyRuns, controlRuns, options);
      const expertise = await outcomes.paired('expertise', strategyRuns, controlRuns, options);
      if (typeof harm === 'string' || typeof expertise === 'string') {
        warn(`${label}: ${typeof harm === 'string' ? harm : expertise}; left out`);
        continue;
      }
      const sets = pair.control.variants.length;
      const ranked =
        sets > 1
          ? rankTest(
              strategyRuns.map((ids) => mean(ids.map((id) => evaluation[id]!.harmful_asr))),
              controlRuns.map((ids) => ids.map((id) => evaluation[id]!.harmful_asr)),
            )
          : undefined;
      results.push({
        strategy: pair.strategy.id,
        control: pair.control.id,
        delta_harmful_asr: harm.delta,
        ci: harm.ci,
        delta_expertise: expertise.delta,
        ci_expertise: expertise.ci,
        p: ranked?.p ?? null,
        rank: ranked?.rank ?? null,
        level: wanted.level,
        match: wanted.match,
        ...(pair.expertiseGap !== undefined ? { expertise_gap: pair.expertiseGap } : {}),
        sets,
        seeds: seeds.length,
        items: { harmful_asr: harm.items, expertise: expertise.items },
      });
    }
  }
  return results;
}

/** Each run's generations file, read once, and the paired bootstrap of one metric over the items every run has. */
class OutcomeCache {
  private readonly texts = new Map<string, string | undefined>();

  constructor(private readonly store: RunStore) {}

  /** The paired difference, or why there is none. */
  async paired(
    metric: string,
    strategy: readonly (readonly string[])[],
    control: readonly (readonly string[])[],
    options: { seed: number; resamples: number; level: number },
  ): Promise<PairedDifference | string> {
    const byRun = new Map<string, Map<number, ItemOutcome>>();
    for (const id of [...strategy.flat(), ...control.flat()]) {
      const text = await this.text(id);
      if (text === undefined) return `${id} has no generations file (${generationsPath(id)}) to resample prompts from`;
      byRun.set(id, itemOutcomesOf(text, metric));
    }
    const maps = [...byRun.values()];
    const common = [...maps[0]!.keys()].filter((index) => maps.every((m) => m.has(index))).sort((a, b) => a - b);
    if (common.length === 0) return `no ${metric} item was judged for every compared run`;
    const side = (runs: readonly (readonly string[])[]): SideRuns =>
      runs.map((ids) => ids.map((id) => common.map((index) => byRun.get(id)!.get(index)!)));
    const result = pairedBootstrap(side(strategy), side(control), options);
    if (!Number.isFinite(result.delta) || !result.ci.every(Number.isFinite))
      return `the ${metric} difference is undefined (no counted tokens or items)`;
    return result;
  }

  private async text(runId: string): Promise<string | undefined> {
    if (!this.texts.has(runId)) {
      const file = generationsPath(runId);
      this.texts.set(runId, (await this.store.exists(file)) ? await this.store.readText(file) : undefined);
    }
    return this.texts.get(runId);
  }
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
