import { createRng } from '@mllr/core';

/** Ranks of `values`, 1-based, ties sharing the mean of the ranks they span (so Spearman stays exact with ties). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]![1]] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Pearson correlation; NaN when either side has no variance (a correlation is undefined there, not 0). */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n !== y.length) throw new Error(`pearson: ${n} values against ${y.length}`);
  if (n < 2) return Number.NaN;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/** Spearman's rank correlation (Pearson on average ranks); NaN when either side is constant. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/** A statistic with its percentile bootstrap interval. */
export interface BootstrapEstimate {
  value: number;
  ci: [number, number];
  /** Resamples drawn, and how many gave a defined value (a resample of tied values has no correlation). */
  resamples: number;
  defined: number;
}

/**
 * Spearman's correlation of paired values with a seeded percentile bootstrap interval over the pairs (the pairs are
 * resampled with replacement, `resamples` times): the interval is the (1 − level)/2 and (1 + level)/2 quantiles of
 * the resampled correlations. Resamples whose correlation is undefined are left out and counted.
 */
export function spearmanBootstrap(
  x: readonly number[],
  y: readonly number[],
  options: { resamples: number; seed: number; level?: number },
): BootstrapEstimate {
  const n = x.length;
  const value = spearman(x, y);
  const rng = createRng(options.seed);
  const draws: number[] = [];
  const bx = new Array<number>(n);
  const by = new Array<number>(n);
  for (let r = 0; r < options.resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      bx[i] = x[j]!;
      by[i] = y[j]!;
    }
    const rho = spearman(bx, by);
    if (Number.isFinite(rho)) draws.push(rho);
  }
  const level = options.level ?? 0.95;
  draws.sort((a, b) => a - b);
  const ci: [number, number] = draws.length === 0 ? [Number.NaN, Number.NaN] : [quantile(draws, (1 - level) / 2), quantile(draws, (1 + level) / 2)];
  return { value, ci, resamples: options.resamples, defined: draws.length };
}

/** The q-quantile of sorted values, linearly interpolated between order statistics. */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (position - lo);
}
