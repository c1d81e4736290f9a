import { describe, expect, it } from 'vitest';
import { tf } from '../tf.js';
import { selectTfjsDevice } from './select-device.js';

describe('wasm kernels for training', () => {
  it('runs on wasm here and computes UnsortedSegmentSum (the embedding gradient) like the cpu backend', async () => {
    const selection = await selectTfjsDevice('auto');
    expect(selection.device).toBe('wasm');
    expect(selection.skipped.map((s) => s.split(':')[0])).toEqual(['tfjs-node-gpu', 'tfjs-node']);
    const table = tf.variable(tf.tensor2d([[1, 2], [3, 4], [5, 6]]));
    const ids = tf.tensor1d([2, 0, 2, 2], 'int32');
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(table, ids), tf.tensor2d([[1, 1], [2, 2], [3, 3], [4, 4]]))), [table]);
    expect(await grads[table.name]!.array()).toEqual([[2, 2], [0, 0], [8, 8]]);
    tf.dispose([table, ids, grads[table.name]!]);
  });

  it('refuses to switch devices once one is chosen', async () => {
    await expect(selectTfjsDevice('cpu')).rejects.toThrow('TensorFlow.js already runs on wasm in this process; cannot switch to cpu');
  });
});
