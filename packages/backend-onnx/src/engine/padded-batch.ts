import { padTokens, type PaddedTokens } from '@mllr/model';

/** Sequences padded to one width, as the int64 inputs of the decoder graph. */
export interface PaddedBatch {
  size: number;
  width: number;
  lengths: number[];
  ids: BigInt64Array;
  positions: BigInt64Array;
  /** 1 for real tokens, 0 for padding. */
  mask: BigInt64Array;
}

/** Left padding (inference and generation): every sequence's last token in the last column; see @mllr/model's padTokens. */
export function padLeft(
  sequences: readonly (readonly number[])[],
  padId: number,
  maxPositions: number,
  vocabSize: number,
): PaddedBatch {
  return asInt64(padTokens(sequences, 'left', { padId, maxPositions, vocabSize }));
}

/** Right padding (training): position t of every row is token t; the padding after it is masked out of attention. */
export function padRight(
  sequences: readonly (readonly number[])[],
  padId: number,
  maxPositions: number,
  vocabSize: number,
): PaddedBatch {
  return asInt64(padTokens(sequences, 'right', { padId, maxPositions, vocabSize }));
}

function asInt64(padded: PaddedTokens): PaddedBatch {
  const int64 = (values: ArrayLike<number>) => {
    const out = new BigInt64Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i]!);
    return out;
  };
  return {
    size: padded.size,
    width: padded.width,
    lengths: padded.lengths,
    ids: int64(padded.ids),
    positions: int64(padded.positions),
    mask: int64(padded.mask),
  };
}
