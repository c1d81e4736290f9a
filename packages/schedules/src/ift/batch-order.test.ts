import type { TrainExample } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { batchOrder } from './run-fine-tuning.js';

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
});
