import type { ModelArchitecture } from '@mllr/core';

/** Cosine and sine tables for rotary embeddings, [maxPositions, headDim] each, row-major. */
export interface RopeTables {
  cos: Float32Array;
  sin: Float32Array;
}

/**
 * RoPE tables in Hugging Face's rotate-half layout: inverse frequencies θ^(−2i/d) for the first half of the head,
 * repeated for the second half. Frequencies and angles are rounded to float32 at each step, as PyTorch computes
 * them, so every engine's tables equal the reference implementation's bit for bit.
 */
export function ropeTables(arch: ModelArchitecture): RopeTables {
  const { headDim, maxPositionEmbeddings: positions, ropeTheta } = arch;
  const half = headDim / 2;
  const inverse = new Float32Array(half);
  for (let i = 0; i < half; i++) inverse[i] = Math.fround(1 / Math.fround(ropeTheta ** Math.fround((2 * i) / headDim)));
  const cos = new Float32Array(positions * headDim);
  const sin = new Float32Array(positions * headDim);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * inverse[i]!);
      const row = p * headDim;
      cos[row + i] = cos[row + half + i] = Math.cos(angle);
      sin[row + i] = sin[row + half + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}
