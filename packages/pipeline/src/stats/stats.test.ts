import { createRng, type Rng } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { bootstrapInterval, percentileInterval } from './bootstrap.js';
import { ratioOf, type ItemOutcome } from './item-outcome.js';
import { pairedBootstrap } from './paired-bootstrap.js';
import { rankTest } from './rank-test.js';
import { averageRanks, spearman, spearmanWithInterval } from './spearman.js';

const bernoulli = (p: number, rng: Rng): ItemOutcome => ({ numerator: rng.next() < p ? 1 : 0, denominator: 1 });

/**
 * One synthetic study: `prompts` items with their own base rates and their own effect (shared by both sides and all
 * seeds: the pairing the bootstrap exploits), per-seed shifts shared by both sides, a per-seed wobble of the effect of
 * width `wobble` (training luck), and on the control side `controlRuns` sets per seed, each with its own shift. The
 * expected difference strategy − control is exactly `delta` (no rate leaves [0, 1]).
 */
function simulate(rng: Rng, delta: number, seeds: number, prompts: number, wobble: number, controlRuns = 1) {
  const base = Array.from({ length: prompts }, () => 0.3 + 0.4 * rng.next());
  const effect = base.map(() => (rng.next() - 0.5) * 0.1);
  const strategy: ItemOutcome[][][] = [];
  const control: ItemOutcome[][][] = [];
  for (let s = 0; s < seeds; s++) {
    const shift = (rng.next() - 0.5) * 0.1;
    const luck = (rng.next() - 0.5) * wobble;
    strategy.push([base.map((q, i) => bernoulli(q + shift + delta + luck + effect[i]!, rng))]);
    control.push(
      Array.from({ length: controlRuns }, () => {
        const set = controlRuns > 1 ? (rng.next() - 0.5) * 0.2 : 0;
        return base.map((q) => bernoulli(q + shift + set, rng));
      }),
    );
  }
  return { strategy, control };
}

/** Share of `simulations` seeded studies whose 95% interval covers `delta`, and share that covers 0. */
function coverage(seed: number, simulations: number, study: (rng: Rng) => ReturnType<typeof simulate>, delta: number) {
  const rng = createRng(seed);
  let covered = 0;
  let coversZero = 0;
  for (let t = 0; t < simulations; t++) {
    const { strategy, control } = study(rng);
    const { ci } = pairedBootstrap(strategy, control, { seed: t, resamples: 400, level: 0.95 });
    if (ci[0] <= delta && delta <= ci[1]) covered++;
    if (ci[0] <= 0 && 0 <= ci[1]) coversZero++;
  }
  return { covered: covered / simulations, coversZero: coversZero / simulations };
}

describe('pairedBootstrap', () => {
  // 95% nominal; 200 simulations give a binomial standard error of 1.5 points, so the bounds are about ±2.5 of them.
  it('covers a known difference at the stated rate when training luck varies from seed to seed (5 seeds, 5 random sets)', () => {
    const { covered, coversZero } = coverage(17, 200, (rng) => simulate(rng, -0.15, 5, 100, 0.2, 5), -0.15);
    expect(covered).toBeGreaterThanOrEqual(0.91);
    expect(covered).toBeLessThanOrEqual(0.995);
    // And the interval is informative, not merely wide: a true −0.15 leaves 0 outside it most of the time.
    expect(coversZero).toBeLessThan(0.5);
  });

  it('covers a known difference at the stated rate with one seed (prompts alone)', () => {
    const { covered, coversZero } = coverage(18, 200, (rng) => simulate(rng, -0.2, 1, 150, 0), -0.2);
    expect(covered).toBeGreaterThanOrEqual(0.9);
    expect(covered).toBeLessThanOrEqual(0.99);
    expect(coversZero).toBeLessThan(0.2);
  });

  it('gives the difference of the per-seed metrics as its point estimate, and the same interval for the same seed', () => {
    const { strategy, control } = simulate(createRng(3), -0.2, 3, 40, 0.1, 2);
    const expected =
      strategy.reduce(
        (sum, runs, s) => sum + ratioOf(runs[0]!) - (ratioOf(control[s]![0]!) + ratioOf(control[s]![1]!)) / 2,
        0,
      ) / strategy.length;
    const a = pairedBootstrap(strategy, control, { seed: 9, resamples: 300 });
    expect(a.delta).toBeCloseTo(expected, 12);
    expect(a.ci[0]).toBeLessThanOrEqual(a.delta);
    expect(a.ci[1]).toBeGreaterThanOrEqual(a.delta);
    expect(pairedBootstrap(strategy, control, { seed: 9, resamples: 300 })).toEqual(a);
    expect(pairedBootstrap(strategy, control, { seed: 10, resamples: 300 }).ci).not.toEqual(a.ci);
    expect(a).toMatchObject({ seeds: 3, items: 40 });
  });

  it('pools items as the metric does: a ratio of sums (teacher-forced tokens), not a mean of ratios', () => {
    const strategy = [
      [
        [
          { numerator: 1, denominator: 1 },
          { numerator: 0, denominator: 9 },
        ],
      ],
    ];
    const control = [
      [
        [
          { numerator: 0, denominator: 1 },
          { numerator: 0, denominator: 9 },
        ],
      ],
    ];
    expect(pairedBootstrap(strategy, control, { seed: 1, resamples: 10 }).delta).toBeCloseTo(0.1, 12);
  });

  it('refuses sides that do not pair', () => {
    const run = [{ numerator: 1, denominator: 1 }];
    expect(() => pairedBootstrap([[run]], [[run], [run]], { seed: 1 })).toThrow(/same, non-zero number of seeds/);
    expect(() => pairedBootstrap([[run]], [[[...run, ...run]]], { seed: 1 })).toThrow(/different items/);
    expect(() => pairedBootstrap([[run]], [[]], { seed: 1 })).toThrow(/no runs/);
  });
});

describe('rankTest', () => {
  it('with one seed, p is the rank over k + 1, ties counted against the strategy', () => {
    expect(rankTest([0.1], [[0.2, 0.3, 0.4, 0.5]])).toEqual({ rank: 1, controls: 4, p: 0.2 });
    expect(rankTest([0.3], [[0.2, 0.3, 0.4, 0.5]]).rank).toBe(3);
    expect(rankTest([0.3], [[0.2, 0.3, 0.4, 0.5]]).p).toBeCloseTo(0.6, 12);
    expect(rankTest([0.9], [[0.2, 0.3, 0.4, 0.5]]).p).toBeCloseTo(1, 12);
  });

  it('across seeds, the exact null distribution of the summed ranks', () => {
    // Two seeds, one control each: ranks 0/1 per seed, P(sum ≤ 0) = 1/4, P(sum ≤ 1) = 3/4.
    expect(rankTest([0, 0], [[1], [1]]).p).toBeCloseTo(0.25, 12);
    expect(rankTest([0, 2], [[1], [1]]).p).toBeCloseTo(0.75, 12);
  });

  it('is uniform under the null: a strategy drawn like the controls has p ≤ 0.2 about a fifth of the time', () => {
    const rng = createRng(5);
    let small = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const strategy = [rng.next(), rng.next()];
      const controls = strategy.map(() => Array.from({ length: 4 }, () => rng.next()));
      if (rankTest(strategy, controls).p <= 0.2) small++;
    }
    // P(p ≤ 0.2) is at most 0.2 for a valid test; the discrete null makes it exactly P(sum of ranks ≤ 1) = 3/25.
    expect(small / trials).toBeGreaterThan(0.09);
    expect(small / trials).toBeLessThan(0.15);
  });
});

describe('spearman', () => {
  it('ranks with ties at their mean rank', () => {
    expect(averageRanks([10, 30, 20, 20])).toEqual([1, 4, 2.5, 2.5]);
  });

  it('is 1 for any increasing relation, −1 for a decreasing one, NaN for a constant list', () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3], [5, 5, 5])).toBeNaN();
  });

  it('bootstraps an interval over the pairs that holds the estimate and is seeded', () => {
    const rng = createRng(2);
    const x = Array.from({ length: 28 }, () => rng.next());
    const y = x.map((v) => v + 0.3 * rng.next());
    const a = spearmanWithInterval(x, y, { seed: 4, resamples: 500 });
    expect(a.rho).toBeGreaterThan(0.5);
    expect(a.ci[0]).toBeLessThan(a.rho);
    expect(a.ci[1]).toBeGreaterThan(a.rho);
    expect(a.ci[1]).toBeLessThanOrEqual(1);
    expect(spearmanWithInterval(x, y, { seed: 4, resamples: 500 })).toEqual(a);
  });
});

describe('percentileInterval and bootstrapInterval', () => {
  it('interpolates between order statistics and ignores non-finite values', () => {
    expect(percentileInterval([0, 1, 2, 3, 4, Number.NaN], 0.5)).toEqual([1, 3]);
    expect(percentileInterval([], 0.95)).toEqual([Number.NaN, Number.NaN]);
  });

  it('a bootstrap of the mean of known values brackets their mean', () => {
    const values = Array.from({ length: 50 }, (_, i) => i % 5);
    const ci = bootstrapInterval(values.length, (ix) => ix.reduce((a, i) => a + values[i]!, 0) / ix.length, {
      seed: 1,
      resamples: 500,
    });
    expect(ci[0]).toBeLessThan(2);
    expect(ci[1]).toBeGreaterThan(2);
    expect(ci[1] - ci[0]).toBeLessThan(1.5);
  });
});
