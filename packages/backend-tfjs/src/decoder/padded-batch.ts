import { MllrError } from '@mllr/core';
import { tf } from '../tf.js';

/** Sequences padded to one length, with positions and a mask of real tokens. */
export interface PaddedBatch {
  ids: tf.Tensor2D;
  positions: tf.Tensor2D;
  keyMask: tf.Tensor2D;
  /** Length of each sequence before padding. */
  lengths: number[];
  width: number;
}

/**
 * Pads sequences of different lengths. Left padding (for generation) keeps every sequence's last token in the
 * last column; positions count real tokens only, so a padded sequence sees exactly what it would alone.
 * Right padding is for training, where every position's loss is wanted.
 */
export function padBatch(sequences: readonly (readonly number[])[], padId: number, side: 'left' | 'right', maxPositions: number): PaddedBatch {
  if (sequences.length === 0) throw new MllrError('ARGUMENT_INVALID', 'a batch needs at least one sequence');
  const lengths = sequences.map((s) => s.length);
  const width = Math.max(...lengths);
  if (Math.min(...lengths) === 0) throw new MllrError('ARGUMENT_INVALID', 'every sequence needs at least one token');
  if (width > maxPositions) {
    throw new MllrError('ARGUMENT_INVALID', `a sequence of ${width} tokens is longer than the model's context of ${maxPositions}`);
  }
  const ids = new Int32Array(sequences.length * width).fill(padId);
  const positions = new Int32Array(sequences.length * width);
  const mask = new Float32Array(sequences.length * width);
  sequences.forEach((seq, b) => {
    const offset = side === 'left' ? width - seq.length : 0;
    seq.forEach((token, i) => {
      ids[b * width + offset + i] = token;
      positions[b * width + offset + i] = i;
      mask[b * width + offset + i] = 1;
    });
  });
  return {
    ids: tf.tensor2d(ids, [sequences.length, width], 'int32'),
    positions: tf.tensor2d(positions, [sequences.length, width], 'int32'),
    keyMask: tf.tensor2d(mask, [sequences.length, width], 'float32'),
    lengths,
    width,
  };
}

/** Disposes a batch's tensors. */
export function disposeBatch(batch: PaddedBatch): void {
  tf.dispose([batch.ids, batch.positions, batch.keyMask]);
}
