import type { TrainExample } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { batchOrder } from './batch-order.js';

const examples: TrainExample[] = Array.from({ length: 10 }, (_, i) => ({ ids: [1, i + 3, 2], promptLength: 1 }));

describe('batchOrder', () => {
  it('covers every example once per epoch, reshuffles each epoch, and repeats for a seed', () => {
    const batches = batchOrder(examples, 3, 7);
    const epoch0 = [0, 1, 2].flatMap((s) => batches(s));
    expect(epoch0).toHaveLength(9);
    expect(new Set(epoch0).size).toBe(9);
    const epoch1 = [3, 4, 5].flatMap((s) => batches(s));
    expect(epoch1).not.toEqual(epoch0);
    const again = batchOrder(examples, 3, 7);
    expect([5, 0, 4].map((s) => again(s))).toEqual([5, 0, 4].map((s) => batches(s)));
    expect(batchOrder(examples, 3, 8)(0)).not.toEqual(batches(0));
  });

  it('continues from a saved state with the batches of an uninterrupted order, without replaying earlier epochs', () => {
    const whole = batchOrder(examples, 3, 7);
    const expected = Array.from({ length: 12 }, (_, s) => whole(s));
    for (const at of [0, 2, 3, 7, 11]) {
      const state = batchOrder(examples, 3, 7).stateAt(at);
      expect(state.epoch).toBe(Math.floor(at / 3));
      const resumed = batchOrder(examples, 3, 7, state);
      expect(Array.from({ length: 12 - at }, (_, k) => resumed(at + k))).toEqual(expected.slice(at));
      if (state.epoch > 0) expect(() => resumed(0)).toThrow(/before the resumed epoch/);
    }
    expect(() => batchOrder(examples, 3, 8, whole.stateAt(4))).toThrow(/seed 7 resumed under seed 8/);
  });

  it('without shuffling gives the examples in their own order, epoch after epoch, whatever the seed', () => {
    const batches = batchOrder(examples, 3, 7, undefined, false);
    expect(Array.from({ length: 6 }, (_, s) => batches(s))).toEqual(
      [0, 3, 6, 0, 3, 6].map((at) => examples.slice(at, at + 3)),
    );
    expect(batchOrder(examples, 3, 8, undefined, false)(1)).toEqual(batches(1));
  });
});
