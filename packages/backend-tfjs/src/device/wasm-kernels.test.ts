import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { selectTfjsDevice } from './select-device.js';

describe('wasm kernels for training', () => {
  it('runs on wasm here and computes UnsortedSegmentSum (the embedding gradient) like the cpu backend', async () => {
    const selection = await selectTfjsDevice('auto');
    expect(selection.device).toBe('wasm');
    expect(selection.skipped.map((s) => s.split(':')[0])).toEqual(['tfjs-node-gpu', 'tfjs-node']);
    const table = tf.variable(
      tf.tensor2d([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    );
    const ids = tf.tensor1d([2, 0, 2, 2], 'int32');
    const { grads } = tf.variableGrads(
      () =>
        tf.sum(
          tf.mul(
            tf.gather(table, ids),
            tf.tensor2d([
              [1, 1],
              [2, 2],
              [3, 3],
              [4, 4],
            ]),
          ),
        ),
      [table],
    );
    expect(await grads[table.name]!.array()).toEqual([
      [2, 2],
      [0, 0],
      [8, 8],
    ]);
    tf.dispose([table, ids, grads[table.name]!]);
  });

  it('slices contiguous and strided parts like the stock kernel', async () => {
    await selectTfjsDevice('auto');
    const x = tf.tensor3d(
      Array.from({ length: 24 }, (_, i) => i),
      [4, 3, 2],
    );
    expect(await tf.slice(x, [1, 0, 0], [2, 3, 2]).array()).toEqual([
      [
        [6, 7],
        [8, 9],
        [10, 11],
      ],
      [
        [12, 13],
        [14, 15],
        [16, 17],
      ],
    ]);
    expect(await tf.slice(x, [1, 1, 1], [2, 2, 1]).array()).toEqual([
      [[9], [11]],
      [[15], [17]],
    ]);
    expect(await tf.slice(tf.tensor1d([5, 6, 7], 'int32'), [1], [2]).array()).toEqual([6, 7]);
  });

  it('refuses to switch devices once one is chosen', async () => {
    await expect(selectTfjsDevice('cpu')).rejects.toThrow(
      'TensorFlow.js already runs on wasm in this process; cannot switch to cpu',
    );
  });
});
