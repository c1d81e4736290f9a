import { MllrError, type OptimizerSettings } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { GroupedAdamW } from './grouped-adamw.js';

const SETTINGS: OptimizerSettings = {
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  maxGradNorm: 0,
  gradientAccumulation: 1,
};

/** AdamW in float64, written out from the formulas: w ← w − lr·(m̂/(√v̂+ε) + wd·w). */
function referenceStep(
  w: number[],
  m: number[],
  v: number[],
  g: number[],
  t: number,
  lr: number,
  wd: number,
  s = SETTINGS,
): void {
  for (let i = 0; i < w.length; i++) {
    m[i] = s.beta1 * m[i]! + (1 - s.beta1) * g[i]!;
    v[i] = s.beta2 * v[i]! + (1 - s.beta2) * g[i]! ** 2;
    const mHat = m[i]! / (1 - s.beta1 ** t);
    const vHat = v[i]! / (1 - s.beta2 ** t);
    w[i] = w[i]! - lr * (mHat / (Math.sqrt(vHat) + s.epsilon) + wd * w[i]!);
  }
}

function weightsOf(entries: Record<string, number[]>): Map<string, Float32Array> {
  return new Map(Object.entries(entries).map(([name, values]) => [name, Float32Array.from(values)]));
}

describe('GroupedAdamW', () => {
  it('moves every weight by lr·sign(g) plus decoupled decay on the first step (m̂/√v̂ = g/|g|)', () => {
    const weights = weightsOf({ a: [0.5, -0.25, 2], b: [1, 1] });
    const adam = new GroupedAdamW(
      weights,
      [
        { name: 'fast', tensors: ['a'], learningRate: 0.1, weightDecay: 0.5 },
        { name: 'slow', tensors: ['b'], learningRate: 0.01, weightDecay: 0 },
      ],
      SETTINGS,
    );
    adam.apply(weightsOf({ a: [3, -0.1, 40], b: [-2, 7] }), 1);
    // a: w − 0.1·(sign(g) + 0.5·w); b: w − 0.01·sign(g)
    expect([...weights.get('a')!]).toEqual(
      [0.5 - 0.1 * (1 + 0.25), -0.25 - 0.1 * (-1 - 0.125), 2 - 0.1 * (1 + 1)].map((x) => expect.closeTo(x, 6)),
    );
    expect([...weights.get('b')!]).toEqual([1.01, 0.99].map((x) => expect.closeTo(x, 6)));
  });

  it('follows the float64 AdamW formulas over several steps with changing gradients, scale and rates', () => {
    const weights = weightsOf({ a: [0.3, -0.7, 0.05, 1.5] });
    const adam = new GroupedAdamW(
      weights,
      [{ name: 'g', tensors: ['a'], learningRate: 0.05, weightDecay: 0.1 }],
      SETTINGS,
    );
    const w = [0.3, -0.7, 0.05, 1.5];
    const m = [0, 0, 0, 0];
    const v = [0, 0, 0, 0];
    const steps = [
      { g: [1, -2, 0.5, 3], scale: 0.5, lr: 0.05 },
      { g: [-1, -1, 0.25, 2], scale: 0.25, lr: 0.05 },
      { g: [0.5, 3, -4, 1], scale: 1, lr: 0.02 },
      { g: [2, 2, 2, -2], scale: 0.125, lr: 0.02 },
    ];
    steps.forEach(({ g, scale, lr }, k) => {
      adam.setLearningRates({ g: lr });
      adam.apply(weightsOf({ a: g }), scale);
      referenceStep(
        w,
        m,
        v,
        g.map((x) => x * scale),
        k + 1,
        lr,
        0.1,
      );
      const got = weights.get('a')!;
      w.forEach((x, i) => expect(got[i]).toBeCloseTo(x, 6));
    });
    const state = adam.exportState();
    expect(state.tensors).toHaveLength(1);
    expect(state.tensors[0]!.steps).toBe(4);
    m.forEach((x, i) => expect(state.tensors[0]!.m[i]).toBeCloseTo(x, 6));
    v.forEach((x, i) => expect(state.tensors[0]!.v[i]).toBeCloseTo(x, 6));
    expect(state.rates).toEqual({ g: 0.02 });
  });

  it('corrects bias per tensor: a group trained from step 3 on starts its own count (first move lr·sign(g))', () => {
    const weights = weightsOf({ a: [1, 1], b: [1, 1] });
    const adam = new GroupedAdamW(
      weights,
      [
        { name: 'early', tensors: ['a'], learningRate: 0.1, weightDecay: 0 },
        { name: 'late', tensors: ['b'], learningRate: 0, weightDecay: 0 },
      ],
      SETTINGS,
    );
    for (let step = 0; step < 2; step++) {
      expect(adam.trainable()).toEqual(['a']);
      adam.apply(weightsOf({ a: [1, -1] }), 1);
    }
    expect([...weights.get('b')!]).toEqual([1, 1]);
    expect(adam.exportState().tensors.map((t) => t.name)).toEqual(['a']);
    adam.setLearningRates({ late: 0.1 });
    expect(adam.trainable()).toEqual(['a', 'b']);
    adam.apply(weightsOf({ a: [1, -1], b: [5, -5] }), 1);
    expect([...weights.get('b')!]).toEqual([0.9, 1.1].map((x) => expect.closeTo(x, 6)));
    expect(adam.exportState().tensors.map((t) => [t.name, t.steps])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
  });

  it('rejects a tensor in two groups, an unknown tensor, a tensor in no group and bad settings, naming what is wrong', () => {
    const weights = weightsOf({ x: [1], y: [2] });
    const make =
      (groups: Array<{ name: string; tensors: string[] }>, settings = SETTINGS) =>
      () =>
        new GroupedAdamW(
          weights,
          groups.map((g) => ({ ...g, learningRate: 0.1, weightDecay: 0 })),
          settings,
        );
    const expectError = (fn: () => unknown, text: RegExp) => {
      expect(fn).toThrow(MllrError);
      expect(fn).toThrow(text);
    };
    expectError(
      make([
        { name: 'p', tensors: ['x', 'y'] },
        { name: 'q', tensors: ['y'] },
      ]),
      /y is in both parameter groups "p" and "q"/,
    );
    expectError(make([{ name: 'p', tensors: ['x', 'y', 'zz'] }]), /names zz, which the model does not have/);
    expectError(make([{ name: 'p', tensors: ['x'] }]), /missing: y/);
    expectError(
      make([{ name: 'p', tensors: ['x', 'y'] }], { ...SETTINGS, gradientAccumulation: 0 }),
      /gradientAccumulation/,
    );
    expectError(make([{ name: 'p', tensors: ['x', 'y'] }], { ...SETTINGS, beta2: 1 }), /beta2/);
  });

  it('loads a state only if it fits: unknown tensor or wrong size is an error and leaves the state as it was', () => {
    const weights = weightsOf({ x: [1, 2] });
    const adam = new GroupedAdamW(
      weights,
      [{ name: 'p', tensors: ['x'], learningRate: 0.1, weightDecay: 0 }],
      SETTINGS,
    );
    adam.apply(weightsOf({ x: [1, 1] }), 1);
    const before = adam.exportState();
    const bad = { name: 'x', steps: 1, m: new Float32Array(3), v: new Float32Array(3) };
    expect(() => adam.importState({ rates: { p: 0.5 }, tensors: [bad] })).toThrow(
      /optimizer state of x has 3 values; the weight has 2/,
    );
    expect(() => adam.importState({ rates: {}, tensors: [{ ...bad, name: 'w' }] })).toThrow(
      /names w, which is in no parameter group/,
    );
    expect(adam.exportState()).toEqual(before);
  });
});
