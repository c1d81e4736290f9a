import { describe, expect, it } from 'vitest';
import { moduleUniverse, rankByScore, sizeCap } from './modules.js';

describe('shared module helpers', () => {
  it('caps at a share of the modules rounded down, at least 1, never above the total', () => {
    expect(sizeCap(28, 0.25)).toBe(7);
    expect(sizeCap(30, 0.25)).toBe(7);
    expect(sizeCap(3, 0.25)).toBe(1);
    expect(sizeCap(28, 0.25, 10)).toBe(10);
    expect(sizeCap(5, 0.25, 10)).toBe(5);
  });

  it('ranks higher scores first and ties in canonical order, whatever the input order', () => {
    const ranked = rankByScore([
      { module: 'L1.q', score: 0.5 },
      { module: 'L0.down', score: 0.5 },
      { module: 'L0.k', score: 0.9 },
      { module: 'L0.q', score: 0.5 },
    ]);
    expect(ranked.map((s) => s.module)).toEqual(['L0.k', 'L0.q', 'L0.down', 'L1.q']);
  });

  it('chooses from the scored modules, or every module when none were scored', () => {
    expect(
      moduleUniverse(
        [
          { module: 'L1.v', score: 0 },
          { module: 'L0.o', score: 1 },
        ],
        2,
      ),
    ).toEqual(['L0.o', 'L1.v']);
    expect(moduleUniverse([], 1)).toEqual(['L0.q', 'L0.k', 'L0.v', 'L0.o', 'L0.gate', 'L0.up', 'L0.down']);
  });
});
