import { createRng, type Rng } from '@mllr/core';
import {
  DEFAULT_LEVEL,
  DEFAULT_RESAMPLES,
  percentileInterval,
  resampleIndices,
  type BootstrapOptions,
} from './bootstrap.js';
import { ratioOf, type ItemOutcome } from './item-outcome.js';
import { normalQuantile, tQuantile } from './quantiles.js';

/**
 * The runs of one side of a comparison, seed by seed: `[seed][run][item]`. A side has one run per seed (ml-lr), or
 * several (k random sets drawn under the same seed). Every run is evaluated on the same items in the same order, and
 * seed `s` of one side is paired with seed `s` of the other (same data order, same evaluation items).
 */
export type SideRuns = ReadonlyArray<ReadonlyArray<readonly ItemOutcome[]>>;

/** A difference between two strategies and its bootstrap interval. */
export interface PairedDifference {
  /** Mean over seeds of (strategy's metric − control's metric), each side's metric averaged over its runs at that seed. */
  delta: number;
  /** Percentile bootstrap interval of `delta` at the options' level. */
  ci: [number, number];
  seeds: number;
  items: number;
}

/**
 * The difference in a metric between a strategy and a control, with a paired, hierarchical bootstrap interval. Each
 * resample draws, with replacement: the seeds (the same seed indices for both sides, so pairs stay together); the
 * evaluation items (once, shared by every run of both sides, because they all answered the same prompts); and, on a
 * side with several runs per seed, which of them count. The statistic is recomputed on every resample exactly as the
 * point estimate is (ratios of sums over the drawn items), so the interval covers prompt, seed and — for k random
 * sets — set-to-set variation; the replicates are then rescaled to the two-way random-effects variance of the
 * estimate and widened for few seeds (see crossedCorrection). Seeded: the same inputs and seed give the same interval.
 */
export function pairedBootstrap(strategy: SideRuns, control: SideRuns, options: BootstrapOptions): PairedDifference {
  const seeds = strategy.length;
  if (seeds === 0 || control.length !== seeds) {
    throw new RangeError(
      `paired bootstrap needs the same, non-zero number of seeds on both sides (got ${seeds} and ${control.length})`,
    );
  }
  const items = strategy[0]?.[0]?.length ?? 0;
  for (const side of [strategy, control]) {
    for (const runs of side) {
      if (runs.length === 0) throw new RangeError('paired bootstrap: a seed has no runs');
      for (const run of runs)
        if (run.length !== items)
          throw new RangeError(`paired bootstrap: runs cover different items (${run.length} and ${items})`);
    }
  }
  if (items === 0) throw new RangeError('paired bootstrap: no evaluation items');

  const all = Array.from({ length: items }, (_, i) => i);
  const seedIndices = Array.from({ length: seeds }, (_, s) => s);
  const delta = statistic(strategy, control, seedIndices, all, undefined);
  const rng = createRng(options.seed);
  const values: number[] = [];
  for (let b = 0; b < (options.resamples ?? DEFAULT_RESAMPLES); b++) {
    values.push(statistic(strategy, control, resampleIndices(seeds, rng), resampleIndices(items, rng), rng));
  }
  const level = options.level ?? DEFAULT_LEVEL;
  const scale = crossedCorrection(values, delta, varianceComponents(strategy, control), level);
  const corrected = values.map((v) => delta + (v - delta) * scale);
  return { delta, ci: percentileInterval(corrected, level), seeds, items };
}

/**
 * Why the replicates are rescaled: drawing seeds and prompts independently (the "pigeonhole" bootstrap of a crossed
 * design) counts the seed × prompt noise — a model's luck on one prompt, which dominates with 0/1 outcomes — once in
 * the seed draw, once in the prompt draw and once in their product, where the estimate's variance holds it once; and
 * it shrinks the seed part by (S − 1)/S. The replicates are rescaled about the estimate so that their variance is the
 * two-way random-effects estimate of the estimate's variance instead: Var(seed means)/S + Var(item means)/P −
 * σ²/(S·P), σ² the residual (interaction) variance, never below σ²/(S·P). And because that variance is itself
 * estimated from few seeds, the interval is widened by t/z: Student's t at Satterthwaite's degrees of freedom for the
 * estimate over the normal quantile (with 5 seeds and seed-to-seed spread dominating, about 2.78/1.96). The bootstrap
 * keeps the interval's shape. With one seed or one item there is nothing to correct and the factor is 1.
 */
function crossedCorrection(
  values: readonly number[],
  delta: number,
  components: VarianceComponents | undefined,
  level: number,
): number {
  if (components === undefined || !(components.target > 0)) return 1;
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < 2) return 1;
  const spread = finite.reduce((a, v) => a + (v - delta) ** 2, 0) / finite.length;
  if (!(spread > 0)) return 1;
  const p = 1 - (1 - level) / 2;
  return Math.sqrt(components.target / spread) * (tQuantile(p, components.df) / normalQuantile(p));
}

/** The estimate's variance by the two-way random-effects formula, and its degrees of freedom (Satterthwaite). */
interface VarianceComponents {
  target: number;
  df: number;
}

/**
 * The two-way random-effects estimate of the variance of the mean difference, from the per-(seed, item) differences
 * strategy − control (each side's item value averaged over its runs at that seed); undefined with fewer than two
 * seeds or items.
 */
function varianceComponents(strategy: SideRuns, control: SideRuns): VarianceComponents | undefined {
  const seeds = strategy.length;
  const items = strategy[0]![0]!.length;
  if (seeds < 2 || items < 2) return undefined;
  const d = strategy.map((runs, s) =>
    Array.from({ length: items }, (_, i) => itemValue(runs, i) - itemValue(control[s]!, i)),
  );
  const seedMeans = d.map((row) => row.reduce((a, b) => a + b, 0) / items);
  const itemMeans = Array.from({ length: items }, (_, i) => d.reduce((a, row) => a + row[i]!, 0) / seeds);
  const grand = seedMeans.reduce((a, b) => a + b, 0) / seeds;
  let residual = 0;
  for (let s = 0; s < seeds; s++)
    for (let i = 0; i < items; i++) residual += (d[s]![i]! - seedMeans[s]! - itemMeans[i]! + grand) ** 2;
  const interaction = residual / ((seeds - 1) * (items - 1)) / (seeds * items);
  const seedPart = seedMeans.reduce((a, m) => a + (m - grand) ** 2, 0) / (seeds - 1) / seeds;
  const itemPart = itemMeans.reduce((a, m) => a + (m - grand) ** 2, 0) / (items - 1) / items;
  const target = Math.max(seedPart + itemPart - interaction, interaction);
  const dfSeed = seeds - 1;
  const dfItem = items - 1;
  const df = target ** 2 / (seedPart ** 2 / dfSeed + itemPart ** 2 / dfItem + interaction ** 2 / (dfSeed * dfItem));
  return { target, df: Number.isFinite(df) ? df : Number.POSITIVE_INFINITY };
}

/** One item's value on a side at one seed: its ratio, averaged over the side's runs (0 where nothing was counted). */
function itemValue(runs: ReadonlyArray<readonly ItemOutcome[]>, i: number): number {
  let sum = 0;
  for (const run of runs) {
    const { numerator, denominator } = run[i]!;
    sum += denominator > 0 ? numerator / denominator : 0;
  }
  return sum / runs.length;
}

/** The difference on drawn seeds and items; with `rng`, each side's runs at a seed are resampled too. */
function statistic(
  strategy: SideRuns,
  control: SideRuns,
  seeds: readonly number[],
  items: readonly number[],
  rng: Rng | undefined,
): number {
  let sum = 0;
  for (const s of seeds) sum += sideMean(strategy[s]!, items, rng) - sideMean(control[s]!, items, rng);
  return sum / seeds.length;
}

function sideMean(runs: ReadonlyArray<readonly ItemOutcome[]>, items: readonly number[], rng: Rng | undefined): number {
  const drawn = rng !== undefined && runs.length > 1 ? resampleIndices(runs.length, rng) : runs.map((_, r) => r);
  let sum = 0;
  for (const r of drawn) sum += ratioOf(runs[r]!, items);
  return sum / drawn.length;
}
