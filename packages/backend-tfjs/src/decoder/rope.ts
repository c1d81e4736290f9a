import type { ModelArchitecture } from '@mllr/core';
import { tf } from '../tf.js';

/** Cosine and sine tables for rotary position embeddings, [maxPositions, headDim] each. */
export interface RopeTables {
  cos: tf.Tensor2D;
  sin: tf.Tensor2D;
}

/**
 * Builds the RoPE tables in Hugging Face's "rotate_half" layout: frequencies for the first half of the head
 * dimension, repeated for the second half. Computed in float32 steps, as the reference implementations do.
 */
export function buildRopeTables(arch: ModelArchitecture): RopeTables {
  const { headDim, maxPositionEmbeddings: positions, ropeTheta } = arch;
  const half = headDim / 2;
  const invFreq = new Float32Array(half);
  for (let i = 0; i < half; i++) invFreq[i] = Math.fround(1 / Math.fround(ropeTheta ** Math.fround((2 * i) / headDim)));
  const cos = new Float32Array(positions * headDim);
  const sin = new Float32Array(positions * headDim);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * invFreq[i]!);
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      cos[p * headDim + i] = c;
      cos[p * headDim + half + i] = c;
      sin[p * headDim + i] = s;
      sin[p * headDim + half + i] = s;
    }
  }
  return { cos: tf.tensor2d(cos, [positions, headDim]), sin: tf.tensor2d(sin, [positions, headDim]) };
}

/** Rotates `x` [B, heads, T, headDim] by the angles of `cos`/`sin` [B, 1, T, headDim]. */
export function applyRope(x: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D): tf.Tensor4D {
  const half = x.shape[3] / 2;
  const [x1, x2] = tf.split(x, [half, half], 3) as [tf.Tensor4D, tf.Tensor4D];
  const rotated = tf.concat([tf.neg(x2), x1], 3);
  return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
}
