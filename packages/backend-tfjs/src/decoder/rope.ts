import type { ModelArchitecture } from '@mllr/core';
import { ropeTables } from '@mllr/model';
import { tf } from '../tf.js';

/** Cosine and sine tables for rotary position embeddings, [maxPositions, headDim] each. */
export interface RopeTables {
  cos: tf.Tensor2D;
  sin: tf.Tensor2D;
}

/** @mllr/model's RoPE tables (the same float32 steps as PyTorch and every other engine) as tensors. */
export function buildRopeTables(arch: ModelArchitecture): RopeTables {
  const { cos, sin } = ropeTables(arch);
  const shape: [number, number] = [arch.maxPositionEmbeddings, arch.headDim];
  return { cos: tf.tensor2d(cos, shape), sin: tf.tensor2d(sin, shape) };
}

/** Rotates `x` [B, heads, T, headDim] by the angles of `cos`/`sin` [B, 1, T, headDim]. */
export function applyRope(x: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D): tf.Tensor4D {
  const half = x.shape[3] / 2;
  const [x1, x2] = tf.split(x, [half, half], 3) as [tf.Tensor4D, tf.Tensor4D];
  const rotated = tf.concat([tf.neg(x2), x1], 3);
  return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
}
