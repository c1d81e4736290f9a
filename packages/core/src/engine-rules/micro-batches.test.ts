import { describe, expect, it } from 'vitest';
import { splitMicroBatches } from './micro-batches.js';

describe('splitMicroBatches', () => {
  it('cuts a batch in order into slices of ⌈B/K⌉, fewer when the batch is smaller', () => {
    expect(splitMicroBatches([1, 2, 3, 4, 5], 2)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    expect(splitMicroBatches([1, 2, 3], 3)).toEqual([[1], [2], [3]]);
    expect(splitMicroBatches([1, 2], 4)).toEqual([[1], [2]]);
    expect(splitMicroBatches([1, 2, 3], 1)).toEqual([[1, 2, 3]]);
  });
});
