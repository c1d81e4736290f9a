import { describe, expect, it } from 'vitest';
import { normalQuantile, tQuantile } from './quantiles.js';

describe('normalQuantile and tQuantile', () => {
  it('match table values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    // Student's t, 97.5% points (standard tables).
    for (const [df, t] of [
      [1, 12.7062],
      [2, 4.3027],
      [3, 3.1824],
      [4, 2.7764],
      [10, 2.2281],
      [30, 2.0423],
    ] as const) {
      expect(Math.abs(tQuantile(0.975, df) - t) / t).toBeLessThan(0.004);
    }
    expect(tQuantile(0.95, 5)).toBeCloseTo(2.015, 2);
    expect(tQuantile(0.975, Number.POSITIVE_INFINITY)).toBeCloseTo(1.959964, 5);
  });

  it('falls as the degrees of freedom grow, also between whole numbers', () => {
    const values = [1, 1.5, 2, 2.5, 3, 4, 8, 100].map((df) => tQuantile(0.975, df));
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeLessThan(values[i - 1]!);
  });
});
