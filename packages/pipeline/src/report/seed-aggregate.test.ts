import { describe, expect, it } from 'vitest';
import type { RunMetrics } from './report-data.js';
import { aggregateRuns, mean, sampleSd } from './seed-aggregate.js';

const m = (harmful_asr: number, over_refusal = 0, usability = 1, expertise = 0.5): RunMetrics => ({
  harmful_asr,
  over_refusal,
  usability,
  expertise,
});

describe('mean and sampleSd', () => {
  it('use n − 1 for the spread and give 0 for a single value', () => {
    expect(mean([1, 2, 3])).toBe(2);
    expect(sampleSd([1, 2, 3])).toBeCloseTo(1, 12);
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.138089935, 8);
    expect(sampleSd([0.3])).toBe(0);
    expect(sampleSd([])).toBe(0);
    expect(Number.isNaN(mean([]))).toBe(true);
  });
});

describe('aggregateRuns', () => {
  it('averages each strategy over its seeds and keeps first-seen order', () => {
    const agg = aggregateRuns({
      base: m(0.1),
      uniform: m(0.4, 0.1),
      'ml-lr': m(0.2),
      'uniform#2': m(0.6, 0.3),
      'ml-lr#2': m(0.2),
      'uniform#3': m(0.5, 0.2),
      'ml-lr#3': m(0.2),
    });
    expect(Object.keys(agg.mean)).toEqual(['base', 'uniform', 'ml-lr']);
    expect(agg.mean.uniform!.harmful_asr).toBeCloseTo(0.5, 12);
    expect(agg.mean.uniform!.over_refusal).toBeCloseTo(0.2, 12);
    expect(agg.sd.uniform!.harmful_asr).toBeCloseTo(0.1, 12);
    expect(agg.sd['ml-lr']!.harmful_asr).toBeCloseTo(0, 12);
    expect(agg.sd.base).toEqual({ harmful_asr: 0, over_refusal: 0, usability: 0, expertise: 0 });
    expect(agg.n).toEqual({ base: 1, uniform: 3, 'ml-lr': 3 });
    expect(agg.runIds.uniform).toEqual(['uniform', 'uniform#2', 'uniform#3']);
  });

  it('gives a single seed its own numbers back unchanged', () => {
    const agg = aggregateRuns({ base: m(0.25, 0.125), uniform: m(0.75) });
    expect(agg.mean).toEqual({ base: m(0.25, 0.125), uniform: m(0.75) });
    expect(agg.n).toEqual({ base: 1, uniform: 1 });
  });
});
