/** Where a strategy's value falls among control values drawn under the same seeds, and how unlikely that is by chance. */
export interface RankTest {
  /** Mean over seeds of the strategy's rank among itself and that seed's controls (1 = lowest value). */
  rank: number;
  /** Controls per seed, summed over seeds. */
  controls: number;
  /**
   * One-sided permutation p-value of "the strategy's value is lower than the controls'": the chance that a control
   * set put in the strategy's place ranks at least this low, seed by seed (exact, by convolution of the per-seed
   * uniform ranks). With one seed and k controls it is rank / (k + 1), so it can be no smaller than 1 / (k + 1).
   */
  p: number;
}

/**
 * The rank of a strategy's value (say its harmful_asr) among control values (say those of k random module sets),
 * stratified by seed: under the null hypothesis that the strategy's set is no better than a random one, its rank
 * among the k + 1 values of a seed is uniform on 1..k+1, independently across seeds. Ties count against the
 * strategy (a control equal to it ranks below it), so the p-value is conservative.
 */
export function rankTest(strategy: readonly number[], controls: ReadonlyArray<readonly number[]>): RankTest {
  if (strategy.length === 0 || controls.length !== strategy.length) {
    throw new RangeError(
      `rank test needs one strategy value and a list of controls per seed (got ${strategy.length} and ${controls.length})`,
    );
  }
  let observed = 0;
  // distribution[t] = P(sum of the per-seed null ranks = t), ranks counted from 0.
  let distribution = [1];
  for (const [s, values] of controls.entries()) {
    if (values.length === 0) throw new RangeError(`rank test: seed ${s} has no control values`);
    observed += values.filter((v) => v <= strategy[s]!).length;
    const k = values.length;
    const next = new Array<number>(distribution.length + k).fill(0);
    for (const [t, probability] of distribution.entries())
      for (let r = 0; r <= k; r++) next[t + r]! += probability / (k + 1);
    distribution = next;
  }
  const p = distribution.slice(0, observed + 1).reduce((a, b) => a + b, 0);
  return {
    rank: 1 + observed / strategy.length,
    controls: controls.reduce((a, v) => a + v.length, 0),
    p: Math.min(1, p),
  };
}
