import { createRng } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { averageRanks, spearman, spearmanBootstrap } from './rank-correlation.js';

describe('averageRanks', () => {
  it('gives tied values the mean of the ranks they span', () => {
    expect(averageRanks([10, 30, 20, 30])).toEqual([1, 3.5, 2, 3.5]);
  });
});

describe('spearman', () => {
  it('is 1 for any increasing relation and −1 for a decreasing one', () => {
    const x = [0.1, 0.5, 0.2, 0.9, 0.3];
    expect(spearman(x, x.map((v) => Math.exp(5 * v)))).toBeCloseTo(1, 12);
    expect(spearman(x, x.map((v) => -v * v))).toBeCloseTo(-1, 12);
  });

  it('matches the rank-difference formula without ties', () => {
    const x = [3, 1, 4, 1.5, 5, 9, 2.6];
    const y = [2, 7, 1, 8, 2.8, 1.8, 2.9];
    const rx = averageRanks(x);
    const ry = averageRanks(y);
    const n = x.length;
    const d2 = rx.reduce((s, r, i) => s + (r - ry[i]!) ** 2, 0);
    expect(spearman(x, y)).toBeCloseTo(1 - (6 * d2) / (n * (n * n - 1)), 12);
  });

  it('is undefined (NaN) when one side is constant', () => {
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNaN();
  });
});

describe('spearmanBootstrap', () => {
  it('is reproducible from its seed', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8];
    const y = [2, 1, 4, 3, 6, 5, 8, 7];
    expect(spearmanBootstrap(x, y, { resamples: 300, seed: 7 })).toEqual(spearmanBootstrap(x, y, { resamples: 300, seed: 7 }));
  });

  it('covers the population correlation at about the stated rate on simulated samples', () => {
    // Population: y = x + noise with a known rank correlation; the interval should cover it in ~95% of samples.
    const rng = createRng(11);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const draw = (n: number) => {
      const x = Array.from({ length: n }, normal);
      return { x, y: x.map((v) => v + normal()) };
    };
    const population = draw(20000);
    const truth = spearman(population.x, population.y);
    const trials = 120;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const { x, y } = draw(40);
      const { ci } = spearmanBootstrap(x, y, { resamples: 400, seed: t });
      if (ci[0] <= truth && truth <= ci[1]) covered++;
    }
    // Percentile intervals undercover a little at n = 40; a rate far from 95% (say below 85%) would be a bug.
    expect(covered / trials).toBeGreaterThan(0.85);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });
});
