import { bootstrapInterval, type BootstrapOptions } from './bootstrap.js';

/** Ranks 1..n of `values`, ties getting the mean of the ranks they span. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[start]!]) end++;
    const rank = (start + end) / 2 + 1;
    for (let j = start; j <= end; j++) ranks[order[j]!] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Pearson correlation of two equally long lists; NaN when either is constant or they have fewer than 2 entries. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`pearson: lists of different lengths (${n} and ${y.length})`);
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

/** Spearman's rank correlation (Pearson on average ranks, so ties are handled); NaN when either list is constant. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Spearman's ρ of paired values (one pair per module, say) with a percentile bootstrap interval over the pairs.
 * Resamples in which one side is constant have no ρ and are left out of the interval.
 */
export function spearmanWithInterval(
  x: readonly number[],
  y: readonly number[],
  options: BootstrapOptions,
): { rho: number; ci: [number, number] } {
  const rho = spearman(x, y);
  const ci = bootstrapInterval(
    x.length,
    (indices) =>
      spearman(
        indices.map((i) => x[i]!),
        indices.map((i) => y[i]!),
      ),
    options,
  );
  return { rho, ci };
}
