import { RunConfigSchema } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { finetuneSettings } from './finetune-settings.js';

const defaults = RunConfigSchema.parse({
  seed: 7,
  training: { learning_rate: 0.002, steps: 100, batch_size: 16, max_tokens: 64 },
});

describe('finetuneSettings', () => {
  it("takes each flag given and the run config's training section for the rest", () => {
    expect(finetuneSettings({}, defaults)).toEqual({
      steps: 100,
      batchSize: 16,
      gradientAccumulation: 1,
      learningRate: 0.002,
      maxGradNorm: 1,
      weightDecay: 0,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      seed: 7,
      shuffle: true,
      maxTokens: 64,
    });
    const given = finetuneSettings(
      {
        steps: 3,
        batchSize: 2,
        gradientAccumulation: 4,
        lr: 0.01,
        maxGradNorm: 0,
        weightDecay: 0.1,
        seed: 0,
        shuffle: false,
      },
      defaults,
    );
    expect(given).toMatchObject({
      steps: 3,
      batchSize: 2,
      gradientAccumulation: 4,
      learningRate: 0.01,
      maxGradNorm: 0,
      weightDecay: 0.1,
      seed: 0,
      shuffle: false,
    });
  });

  it('reports every bad number against its flag, as bad input', () => {
    const bad = () =>
      finetuneSettings(
        { steps: 0, batchSize: 1.5, lr: 0, maxGradNorm: -1, weightDecay: Number.NaN, seed: -3 },
        defaults,
      );
    expect(bad).toThrow(
      expect.objectContaining({
        code: 'ARGUMENT_INVALID',
        message:
          '--steps must be a positive integer; --batch-size must be a positive integer; --lr must be a number > 0; --max-grad-norm must be a number ≥ 0; --weight-decay must be a number ≥ 0; --seed must be a whole number ≥ 0',
      }),
    );
    expect(() => finetuneSettings({ lr: Number.POSITIVE_INFINITY }, defaults)).toThrow('--lr must be a number > 0');
  });
});
