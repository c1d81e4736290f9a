import { MllrError, RunConfigSchema } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { checkProbeQuality, lengthOnlyAccuracy } from './probe-check.js';

const settings = (probe: Record<string, unknown> = {}) => RunConfigSchema.parse({ probe }).probe;

describe('checkProbeQuality', () => {
  it('passes a probe at or above the threshold (default 0.7)', () => {
    expect(checkProbeQuality({ layer: 2, accuracy: 0.7, lengthOnlyAccuracy: 0.5 }, settings())).toBeUndefined();
    expect(checkProbeQuality({ layer: 0, accuracy: 0.99, lengthOnlyAccuracy: 0.9 }, settings())).toBeUndefined();
  });

  it('stops a probe at chance with exit 2, naming accuracy, layer, threshold and causes', () => {
    let error: unknown;
    try {
      checkProbeQuality({ layer: 3, accuracy: 0.517, lengthOnlyAccuracy: 0.5 }, settings());
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(MllrError);
    const e = error as MllrError;
    expect(e.code).toBe('ANALYSIS_DEGENERATE');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/clean validation accuracy 0\.517 on layer 3, below probe\.min_accuracy 0\.7/);
    expect(e.message).toMatch(/tokenizer/);
    expect(e.message).toMatch(/probe\.on_weak: continue/);
  });

  it('follows the configured threshold, and returns a warning instead under on_weak: continue', () => {
    expect(
      checkProbeQuality({ layer: 1, accuracy: 0.6, lengthOnlyAccuracy: 0.5 }, settings({ min_accuracy: 0.55 })),
    ).toBeUndefined();
    expect(() =>
      checkProbeQuality({ layer: 1, accuracy: 0.6, lengthOnlyAccuracy: 0.5 }, settings({ min_accuracy: 0.65 })),
    ).toThrow(MllrError);
    const weak = checkProbeQuality(
      { layer: 1, accuracy: 0.5, lengthOnlyAccuracy: 0.5 },
      settings({ on_weak: 'continue' }),
    );
    expect(weak?.warning).toMatch(/accuracy 0\.500 on layer 1.*going on because probe\.on_weak is continue/);
  });

  it('stops a probe that does no better than prompt length alone, naming both accuracies', () => {
    expect(() => checkProbeQuality({ layer: 0, accuracy: 0.7, lengthOnlyAccuracy: 0.7 }, settings())).toThrow(
      /reads little beyond prompt length: clean validation accuracy 0\.700 on layer 0, while prompt length alone reaches 0\.700/,
    );
    expect(checkProbeQuality({ layer: 0, accuracy: 0.76, lengthOnlyAccuracy: 0.7 }, settings())).toBeUndefined();
    expect(
      checkProbeQuality({ layer: 0, accuracy: 0.72, lengthOnlyAccuracy: 0.7 }, settings({ min_gain_over_length: 0 })),
    ).toBeUndefined();
  });
});

describe('lengthOnlyAccuracy', () => {
  const sample = (lengths: number[], labels: number[]) => ({ lengths, labels });

  it('fits the best cut and direction on the training prompts and scores it on the validation prompts', () => {
    // Harmful prompts are the long ones in training; the rule "longer than 2 is harmful" scores 3 of 4 on validation.
    expect(lengthOnlyAccuracy(sample([1, 2, 3, 4], [0, 0, 1, 1]), sample([1, 5, 2, 3], [0, 1, 1, 1]))).toBe(0.75);
    expect(lengthOnlyAccuracy(sample([1, 2, 3, 4], [0, 0, 1, 1]), sample([1, 5, 2, 6], [0, 1, 0, 1]))).toBe(1);
    // The other direction: harmful prompts are the short ones.
    expect(lengthOnlyAccuracy(sample([1, 2, 3, 4], [1, 1, 0, 0]), sample([2, 9], [1, 0]))).toBe(1);
  });

  it('cannot split prompts of equal length: the rule falls back to the majority class of training', () => {
    expect(lengthOnlyAccuracy(sample([5, 5, 5], [1, 1, 0]), sample([5, 5, 5, 5], [1, 0, 1, 0]))).toBe(0.5);
    expect(lengthOnlyAccuracy(sample([5, 5, 5], [1, 1, 0]), sample([5, 5, 5, 5], [1, 1, 1, 0]))).toBe(0.75);
    expect(lengthOnlyAccuracy(sample([], []), sample([], []))).toBe(0);
  });
});
