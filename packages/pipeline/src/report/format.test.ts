import { describe, expect, it } from 'vitest';
import { deltaDirection, pct, pctMeanSd, pointsDelta, seconds } from './format.js';

describe('report number formats', () => {
  it('prints fractions as percentages, with ± sd only over several seeds', () => {
    expect(pct(0.1234)).toBe('12.3%');
    expect(pct(Number.NaN)).toBe('n/a');
    expect(pctMeanSd(0.5, 0.1, 3)).toBe('50.0 ± 10.0%');
    expect(pctMeanSd(0.5, 0, 1)).toBe('50.0%');
  });

  it('signs deltas in points and judges them by the metric direction', () => {
    expect(pointsDelta(0.012)).toBe('+1.2');
    expect(pointsDelta(-0.5)).toBe('-50.0');
    expect(pointsDelta(-0.0001)).toBe('+0.0');
    expect(deltaDirection('harmful_asr', -0.1)).toBe('better');
    expect(deltaDirection('harmful_asr', 0.1)).toBe('worse');
    expect(deltaDirection('usability', 0.1)).toBe('better');
    expect(deltaDirection('expertise', -0.1)).toBe('worse');
    expect(deltaDirection('over_refusal', 0.0001)).toBe('same');
  });

  it('prints durations', () => {
    expect(seconds(12.34)).toBe('12.3 s');
    expect(seconds(125)).toBe('2 min 5 s');
  });
});
