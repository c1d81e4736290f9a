import type { ModelArchitecture } from '@mllr/core';
import { padTokens } from '@mllr/model';
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
 * Pads and checks sequences as @mllr/model's padTokens does for every engine (left for generation, right for
 * training; positions count real tokens only, token ids checked against the vocabulary), as tensors.
 */
export function padBatch(
  sequences: readonly (readonly number[])[],
  padId: number,
  side: 'left' | 'right',
  arch: ModelArchitecture,
): PaddedBatch {
  const padded = padTokens(sequences, side, {
    padId,
    maxPositions: arch.maxPositionEmbeddings,
    vocabSize: arch.vocabSize,
  });
  const shape: [number, number] = [padded.size, padded.width];
  return {
    ids: tf.tensor2d(padded.ids, shape, 'int32'),
    positions: tf.tensor2d(padded.positions, shape, 'int32'),
    keyMask: tf.tensor2d(Float32Array.from(padded.mask), shape, 'float32'),
    lengths: padded.lengths,
    width: padded.width,
  };
}

/** Disposes a batch's tensors. */
export function disposeBatch(batch: PaddedBatch): void {
  tf.dispose([batch.ids, batch.positions, batch.keyMask]);
}
