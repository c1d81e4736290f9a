import { describe, expect, it } from 'vitest';
import { shapeFactor, type LrShape } from './lr-shape.js';

const factors = (shape: LrShape, totalSteps: number) =>
  Array.from({ length: totalSteps }, (_, s) => shapeFactor(s, totalSteps, shape));

describe('shapeFactor', () => {
  it('is 1 at every step for constant, after a linear warm-up when there is one', () => {
    expect(factors({ shape: 'constant', warmupSteps: 0, minRatio: 0 }, 4)).toEqual([1, 1, 1, 1]);
    expect(factors({ shape: 'constant', warmupSteps: 4, minRatio: 0 }, 6)).toEqual([0.25, 0.5, 0.75, 1, 1, 1]);
  });

  it('decays linearly towards minRatio, reached one step after the last so no step trains at it', () => {
    const linear = factors({ shape: 'linear', warmupSteps: 0, minRatio: 0 }, 10);
    linear.forEach((f, s) => expect(f).toBeCloseTo(1 - s / 10, 12));
    expect(linear.at(-1)).toBeCloseTo(0.1, 12);
    const floored = factors({ shape: 'linear', warmupSteps: 0, minRatio: 0.2 }, 4);
    [1, 0.8, 0.6, 0.4].forEach((f, s) => expect(floored[s]).toBeCloseTo(f, 12));
  });

  it('follows half a cosine from 1 towards minRatio', () => {
    const cosine = factors({ shape: 'cosine', warmupSteps: 0, minRatio: 0 }, 4);
    [1, 0.5 + Math.SQRT1_2 / 2, 0.5, 0.5 - Math.SQRT1_2 / 2].forEach((f, s) => expect(cosine[s]).toBeCloseTo(f, 12));
    expect(shapeFactor(5, 10, { shape: 'cosine', warmupSteps: 0, minRatio: 0.1 })).toBeCloseTo(0.55, 12);
  });

  it('warms up before decaying, the decay starting at 1 right after the warm-up', () => {
    const shape: LrShape = { shape: 'linear', warmupSteps: 2, minRatio: 0 };
    [0.5, 1, 1, 0.75, 0.5, 0.25].forEach((f, s) => expect(shapeFactor(s, 6, shape)).toBeCloseTo(f, 12));
    expect(shapeFactor(2, 6, { ...shape, shape: 'cosine' })).toBe(1);
  });
});
