import { describe, expect, it } from 'vitest';
import { checkOptimizerSettings, resolveParameterGroups, updateLearningRates } from './parameter-groups.js';

const SETTINGS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, maxGradNorm: 1, gradientAccumulation: 1 };
const TENSORS = ['a', 'b', 'c'];

describe('resolveParameterGroups', () => {
  it('gives each tensor its group and each group its rate', () => {
    const groups = [
      { name: 'low', tensors: ['a'], learningRate: 0, weightDecay: 0 },
      { name: 'high', tensors: ['b', 'c'], learningRate: 0.01, weightDecay: 0.1 },
    ];
    const { groupOf, rates } = resolveParameterGroups(groups, TENSORS, SETTINGS);
    expect([...groupOf].map(([t, g]) => [t, g.name])).toEqual([
      ['a', 'low'],
      ['b', 'high'],
      ['c', 'high'],
    ]);
    expect(Object.fromEntries(rates)).toEqual({ low: 0, high: 0.01 });
  });

  it('refuses repeated group names, negative rates, unknown and repeated tensors and tensors in no group, naming them', () => {
    const all = { name: 'all', tensors: TENSORS, learningRate: 0.01, weightDecay: 0 };
    const resolve = (groups: Parameters<typeof resolveParameterGroups>[0]) => () =>
      resolveParameterGroups(groups, TENSORS, SETTINGS);
    expect(resolve([all, { ...all, tensors: [] }])).toThrow('two parameter groups are named "all"');
    expect(resolve([{ ...all, learningRate: -1 }])).toThrow(
      'parameter group "all" needs a learning rate and weight decay ≥ 0',
    );
    expect(resolve([{ ...all, tensors: [...TENSORS, 'z'] }])).toThrow(
      'parameter group "all" names z, which the model does not have',
    );
    expect(resolve([all, { name: 'b', tensors: ['b'], learningRate: 0, weightDecay: 0 }])).toThrow(
      'b is in both parameter groups "all" and "b"',
    );
    expect(resolve([{ ...all, tensors: ['a'] }])).toThrow('every weight must be in a parameter group; missing: b, c');
    expect(
      resolveParameterGroups([{ ...all, tensors: ['a', 'b'] }], TENSORS, SETTINGS, (t) => t === 'c').groupOf.has('c'),
    ).toBe(false);
  });
});

describe('updateLearningRates', () => {
  it('changes known groups only, and nothing when one rate is refused', () => {
    const rates = new Map([
      ['x', 0.1],
      ['y', 0.2],
    ]);
    updateLearningRates(rates, { y: 0.3 });
    expect(Object.fromEntries(rates)).toEqual({ x: 0.1, y: 0.3 });
    expect(() => updateLearningRates(rates, { x: 0.5, z: 1 })).toThrow('there is no parameter group "z"');
    expect(() => updateLearningRates(rates, { x: -1 })).toThrow('learning rate of group "x" must be ≥ 0, got -1');
    expect(Object.fromEntries(rates)).toEqual({ x: 0.1, y: 0.3 });
  });
});

describe('checkOptimizerSettings', () => {
  it('accepts the defaults and refuses each setting out of range', () => {
    expect(() => checkOptimizerSettings(SETTINGS)).not.toThrow();
    expect(() => checkOptimizerSettings({ ...SETTINGS, beta1: 1 })).toThrow('beta1 must be in [0, 1), got 1');
    expect(() => checkOptimizerSettings({ ...SETTINGS, beta2: -0.1 })).toThrow('beta2 must be in [0, 1)');
    expect(() => checkOptimizerSettings({ ...SETTINGS, epsilon: Number.NaN })).toThrow('epsilon must be ≥ 0');
    expect(() => checkOptimizerSettings({ ...SETTINGS, maxGradNorm: -1 })).toThrow('maxGradNorm must be ≥ 0');
    expect(() => checkOptimizerSettings({ ...SETTINGS, gradientAccumulation: 1.5 })).toThrow(
      'gradientAccumulation must be a whole number ≥ 1',
    );
  });
});
