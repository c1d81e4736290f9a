import { describe, expect, it } from 'vitest';
import { tf } from './tf.js';
import { randomModel, tinyArchitecture } from './test-support/random-model.js';
import { TfjsEngine } from './tfjs-engine.js';

describe('TfjsEngine memory', () => {
  it('keeps the live tensor count flat across 50 training steps and 20 generations', async () => {
    const engine = await TfjsEngine.create(randomModel(tinyArchitecture(), 1));
    engine.configure([{ name: 'all', tensors: engine.tensorNames(), learningRate: 1e-3, weightDecay: 0.01 }], {
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      maxGradNorm: 1,
      gradientAccumulation: 2,
    });
    const batch = [
      { ids: [1, 5, 6, 7, 2], promptLength: 2 },
      { ids: [1, 8, 9, 2], promptLength: 3 },
    ];
    await engine.trainStep(batch); // optimizer moments are created on the first step
    const afterFirstStep = tf.memory().numTensors;
    for (let i = 0; i < 49; i++) await engine.trainStep(batch);
    expect(tf.memory().numTensors).toBe(afterFirstStep);

    const beforeGeneration = tf.memory().numTensors;
    for (let i = 0; i < 20; i++) {
      await engine.generate(
        [
          [1, 4],
          [1, 5, 6, 7],
        ],
        { maxNewTokens: 6, temperature: i % 2 ? 0.8 : 0, seed: i },
      );
      await engine.logits({ sequences: [[1, 2, 3]] });
      await engine.lastTokenHiddenStates({ sequences: [[1, 2, 3], [4]] });
    }
    expect(tf.memory().numTensors).toBe(beforeGeneration);
    await engine.dispose();
  });
});
