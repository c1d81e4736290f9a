import { createRng } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { fitLogistic, logit, score } from './logistic-regression.js';

describe('fitLogistic', () => {
  it('separates separable classes, deterministically, with margins on the right side', () => {
    const rng = createRng(1);
    const xs: Float32Array[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 80; i++) {
      const y = i % 2;
      xs.push(Float32Array.from([y ? 2 + rng.next() : -2 - rng.next(), rng.next() * 10, rng.next()]));
      ys.push(y);
    }
    const model = fitLogistic(xs, ys);
    const result = score(model, xs, ys);
    expect(result.accuracy).toBe(1);
    expect(result.meanMargin).toBeGreaterThan(1);
    expect(fitLogistic(xs, ys)).toEqual(model);
    expect(logit(model, Float32Array.from([3, 5, 0.5]))).toBeGreaterThan(0);
    expect(logit(model, Float32Array.from([-3, 5, 0.5]))).toBeLessThan(0);
  });

  it('refuses mismatched inputs', () => {
    expect(() => fitLogistic([Float32Array.from([1])], [1, 0])).toThrow('as many labels as feature rows');
  });
});
