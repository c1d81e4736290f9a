import { MllrError } from '@mllr/core';

/** What a decoder accepts: its pad id, context length and vocabulary size. */
export interface TokenLimits {
  padId: number;
  maxPositions: number;
  vocabSize: number;
}

/** Token sequences padded to one width, row-major [size, width], as every engine feeds its decoder. */
export interface PaddedTokens {
  size: number;
  width: number;
  /** Length of each sequence before padding. */
  lengths: number[];
  ids: Int32Array;
  /** Position of each token within its own sequence (0 on padding). */
  positions: Int32Array;
  /** 1 for real tokens, 0 for padding. */
  mask: Uint8Array;
}

/**
 * Pads sequences of different lengths, checking them against the model first (so every engine refuses the same
 * input with the same message). Left padding (inference, generation) puts every sequence's last token in the last
 * column; right padding (training) starts every sequence in column 0, so position t of every row is token t.
 * Either way positions count real tokens only, so a padded sequence gets exactly the outputs it gets alone.
 */
export function padTokens(
  sequences: readonly (readonly number[])[],
  side: 'left' | 'right',
  limits: TokenLimits,
): PaddedTokens {
  if (sequences.length === 0) throw new MllrError('ARGUMENT_INVALID', 'a batch needs at least one sequence');
  const lengths = sequences.map((s) => s.length);
  const width = Math.max(...lengths);
  if (Math.min(...lengths) === 0) throw new MllrError('ARGUMENT_INVALID', 'every sequence needs at least one token');
  if (width > limits.maxPositions) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `a sequence of ${width} tokens is longer than the model's context of ${limits.maxPositions}`,
    );
  }
  const ids = new Int32Array(sequences.length * width).fill(limits.padId);
  const positions = new Int32Array(sequences.length * width);
  const mask = new Uint8Array(sequences.length * width);
  sequences.forEach((sequence, b) => {
    const start = b * width + (side === 'left' ? width - sequence.length : 0);
    sequence.forEach((token, i) => {
      if (!Number.isInteger(token) || token < 0 || token >= limits.vocabSize) {
        throw new MllrError(
          'ARGUMENT_INVALID',
          `token id ${token} is outside the model's vocabulary of ${limits.vocabSize}`,
        );
      }
      ids[start + i] = token;
      positions[start + i] = i;
      mask[start + i] = 1;
    });
  });
  return { size: sequences.length, width, lengths, ids, positions, mask };
}
