import { createRng, type Rng } from '@mllr/core';

/** How a bootstrap runs: the number of resamples, the seed of their draws, and the interval's coverage. */
export interface BootstrapOptions {
  /** Resamples drawn (default {@link DEFAULT_RESAMPLES}). */
  resamples?: number;
  /** Seed of the draws: the same seed gives the same interval. Pass the run's seed. */
  seed: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
}

/** Resamples per bootstrap by default: enough for the 2.5% and 97.5% points to move by well under a point. */
export const DEFAULT_RESAMPLES = 2000;
/** Coverage of the intervals by default. */
export const DEFAULT_LEVEL = 0.95;

/**
 * The percentile interval of `values` at `level` (e.g. 0.95 → the 2.5% and 97.5% points), by linear interpolation
 * between order statistics. Non-finite values (a resample where the statistic is undefined) are left out; with none
 * left the interval is [NaN, NaN].
 */
export function percentileInterval(values: readonly number[], level: number = DEFAULT_LEVEL): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return [Number.NaN, Number.NaN];
  const tail = (1 - level) / 2;
  return [quantileSorted(finite, tail), quantileSorted(finite, 1 - tail)];
}

function quantileSorted(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (position - below) * (sorted[above]! - sorted[below]!);
}

/** `n` indices drawn uniformly with replacement from [0, n). */
export function resampleIndices(n: number, rng: Rng): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(n);
  return out;
}

/**
 * A nonparametric bootstrap interval of a statistic of `n` exchangeable units (modules, prompts): the statistic is
 * given the indices of a resample (with repeats) and the interval is the percentile interval of its values.
 */
export function bootstrapInterval(
  n: number,
  statistic: (indices: readonly number[]) => number,
  options: BootstrapOptions,
): [number, number] {
  const rng = createRng(options.seed);
  const values: number[] = [];
  for (let b = 0; b < (options.resamples ?? DEFAULT_RESAMPLES); b++) values.push(statistic(resampleIndices(n, rng)));
  return percentileInterval(values, options.level ?? DEFAULT_LEVEL);
}
