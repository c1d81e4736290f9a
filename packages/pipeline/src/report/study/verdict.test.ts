import { describe, expect, it } from 'vitest';
import { verdictOf, verdictSentence } from './verdict.js';

describe('verdictOf', () => {
  it('says yes only when the interval lies wholly on the protective side (strategy − control < 0)', () => {
    expect(verdictOf([-0.08, -0.01])).toBe('yes');
    expect(verdictOf([-0.08, 0.01])).toBe('not distinguishable');
    expect(verdictOf([-0.08, 0])).toBe('not distinguishable');
    expect(verdictOf([0.01, 0.05])).toBe('no');
    expect(verdictOf([Number.NaN, Number.NaN])).toBe('not distinguishable');
  });
});

describe('verdictSentence', () => {
  it('names both sides, the verdict and the interval in points', () => {
    const sentence = verdictSentence(
      { strategy: 'ml-lr', control: 'random-control', delta_harmful_asr: -0.052, ci: [-0.081, -0.02] },
      { 'ml-lr': 'ML-LR', 'random-control': 'random modules' },
    );
    expect(sentence).toBe(
      'ML-LR protects better than random modules at equal expertise: yes (harmful_asr −5.2 points, 95% CI [−8.1, −2.0])',
    );
    expect(verdictSentence({ strategy: 'a', control: 'b', delta_harmful_asr: 0.01, ci: [-0.02, 0.04] })).toContain(
      'a protects better than b at equal expertise: not distinguishable',
    );
  });
});
