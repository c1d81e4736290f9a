import { MllrError } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { checkSearchFoundModules, checkSomethingTrains } from './trainable-check.js';

const group = (name: string, learningRate: number, tensors = ['t']) => ({
  name,
  learningRate,
  weightDecay: 0,
  tensors,
});

describe('checkSomethingTrains', () => {
  it('passes a plan with one group at a positive rate', () => {
    expect(() =>
      checkSomethingTrains('ml-lr', 'ml-lr', ['L0.q'], {
        groups: [group('robust', 0), group('rest', 1e-4)],
        shape: {},
      }),
    ).not.toThrow();
  });

  it('refuses a plan where every group is at 0, or there are no groups, naming the strategy and schedule (exit 2)', () => {
    for (const plan of [
      { groups: [group('rest', 0), group('other', 0)], shape: {} },
      { groups: [], shape: {} },
    ]) {
      let error: unknown;
      try {
        checkSomethingTrains('freeze-control', 'freeze', [], plan);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(MllrError);
      expect((error as MllrError).exitCode).toBe(2);
      expect((error as MllrError).message).toMatch(
        /^strategy freeze-control \(freeze schedule\) would train nothing: .*robust set has 0 modules/,
      );
    }
  });
});

describe('checkSearchFoundModules', () => {
  it('refuses an empty set, naming the search, the set and the probe accuracy', () => {
    expect(() => checkSearchFoundModules('greedy', 'Mods_Robust', ['L1.v'], 0.9)).not.toThrow();
    expect(() => checkSearchFoundModules('greedy', 'Mods_Robust', [], 0.517)).toThrow(
      /the greedy search returned no module for Mods_Robust: .*clean accuracy is 0\.517/,
    );
  });
});
