import { MllrError } from '@mllr/core';

/** Sequences left-padded to one width, as the int64 inputs of the decoder graph. */
export interface PaddedBatch {
  size: number;
  width: number;
  lengths: number[];
  ids: BigInt64Array;
  positions: BigInt64Array;
  /** 1 for real tokens, 0 for padding. */
  mask: BigInt64Array;
}

/**
 * Left padding, as the tfjs engine does: every sequence's last token is in the last column, and positions count
 * real tokens only, so a padded sequence gets exactly the outputs it gets alone.
 */
export function padLeft(sequences: readonly (readonly number[])[], padId: number, maxPositions: number, vocabSize: number): PaddedBatch {
  return padSequences(sequences, padId, maxPositions, vocabSize, 'left');
}

/**
 * Right padding, as the tfjs engine trains: every sequence starts in column 0, so position t of every row is
 * token t, and the padding after it is masked out of attention (and out of the loss by the caller).
 */
export function padRight(sequences: readonly (readonly number[])[], padId: number, maxPositions: number, vocabSize: number): PaddedBatch {
  return padSequences(sequences, padId, maxPositions, vocabSize, 'right');
}

function padSequences(sequences: readonly (readonly number[])[], padId: number, maxPositions: number, vocabSize: number, side: 'left' | 'right'): PaddedBatch {
  if (sequences.length === 0) throw new MllrError('ARGUMENT_INVALID', 'a batch needs at least one sequence');
  const lengths = sequences.map((s) => s.length);
  const width = Math.max(...lengths);
  if (Math.min(...lengths) === 0) throw new MllrError('ARGUMENT_INVALID', 'every sequence needs at least one token');
  if (width > maxPositions) {
    throw new MllrError('ARGUMENT_INVALID', `a sequence of ${width} tokens is longer than the model's context of ${maxPositions}`);
  }
  const ids = new BigInt64Array(sequences.length * width).fill(BigInt(padId));
  const positions = new BigInt64Array(sequences.length * width);
  const mask = new BigInt64Array(sequences.length * width);
  sequences.forEach((seq, b) => {
    const start = b * width + (side === 'left' ? width - seq.length : 0);
    seq.forEach((token, i) => {
      if (!Number.isInteger(token) || token < 0 || token >= vocabSize) {
        throw new MllrError('ARGUMENT_INVALID', `token id ${token} is outside the model's vocabulary of ${vocabSize}`);
      }
      ids[start + i] = BigInt(token);
      positions[start + i] = BigInt(i);
      mask[start + i] = 1n;
    });
  });
  return { size: sequences.length, width, lengths, ids, positions, mask };
}
