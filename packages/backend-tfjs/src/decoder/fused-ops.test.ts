import { describe, expect, it } from 'vitest';
import { selectTfjsDevice } from '../device/select-device.js';
import { tf } from '../tf.js';
import { scaledDotAttention } from './attention.js';
import { maskedCrossEntropySum } from '../train/masked-cross-entropy.js';
import { linearProduct } from './linear.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  return worst;
}

/** A causal mask with the first key of sequence 0 as padding, like padded-batch's. */
function causalMask(batch: number, steps: number): tf.Tensor4D {
  const values = new Float32Array(batch * steps * steps);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++)
      for (let s = 0; s < steps; s++) values[(b * steps + t) * steps + s] = s > t || (b === 0 && s === 0) ? -1e9 : 0;
  }
  return tf.tensor4d(values, [batch, 1, steps, steps]);
}

describe('hand-written gradients of the fused ops (wasm)', () => {
  it('linearProduct equals matMul(x, w, false, true) in value and in both gradients', async () => {
    expect((await selectTfjsDevice('auto')).device).toBe('wasm');
    const x = tf.randomNormal([37, 24], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = tf.randomNormal([19, 24], 0, 1, 'float32', 2) as tf.Tensor2D;
    const upstream = tf.randomNormal([37, 19], 0, 1, 'float32', 3);
    const loss = (f: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor2D, b as tf.Tensor2D), upstream));
    const [fdx, fdw] = tf.grads(loss(linearProduct))([x, w]);
    const [rdx, rdw] = tf.grads(loss((a, b) => tf.matMul(a, b, false, true)))([x, w]);
    expect(tf.tidy(() => maxAbsDiff(linearProduct(x, w), tf.matMul(x, w, false, true)))).toBeLessThan(1e-5);
    expect(maxAbsDiff(fdx!, rdx!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(fdw!, rdw!)).toBeLessThan(1e-5);
    expect(tf.tidy(() => maxAbsDiff(fdw!, tf.zerosLike(fdw!)))).toBeGreaterThan(0.1);
    tf.dispose([x, w, upstream, fdx!, fdw!, rdx!, rdw!]);
  });

  it('scaledDotAttention per head equals batched softmax attention in value and in the q, k, v gradients', async () => {
    expect((await selectTfjsDevice('auto')).device).toBe('wasm');
    const [batch, heads, steps, depth] = [3, 2, 12, 8];
    const q = tf.randomNormal([batch, heads, steps, depth], 0, 1, 'float32', 4) as tf.Tensor4D;
    const k = tf.randomNormal([batch, heads, steps, depth], 0, 1, 'float32', 5) as tf.Tensor4D;
    const v = tf.randomNormal([batch, heads, steps, depth], 0, 1, 'float32', 6) as tf.Tensor4D;
    const upstream = tf.randomNormal([batch, heads, steps, depth], 0, 1, 'float32', 7);
    const mask = causalMask(batch, steps);
    const scale = 1 / Math.sqrt(depth);
    const reference = (a: tf.Tensor4D, b: tf.Tensor4D, c: tf.Tensor4D) =>
      tf.matMul(tf.softmax(tf.add(tf.mul(tf.matMul(a, b, false, true), scale), mask)), c);
    const loss =
      (f: (a: tf.Tensor4D, b: tf.Tensor4D, c: tf.Tensor4D) => tf.Tensor) =>
      (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D), upstream));
    const fused = tf.grads(loss((a, b, c) => scaledDotAttention(a, b, c, mask, scale)))([q, k, v]);
    const plain = tf.grads(loss(reference))([q, k, v]);
    expect(tf.tidy(() => maxAbsDiff(scaledDotAttention(q, k, v, mask, scale), reference(q, k, v)))).toBeLessThan(1e-5);
    fused.forEach((g, i) => expect(maxAbsDiff(g, plain[i]!)).toBeLessThan(1e-5));
    expect(tf.tidy(() => maxAbsDiff(fused[1]!, tf.zerosLike(fused[1]!)))).toBeGreaterThan(0.01);
    tf.dispose([...fused, ...plain]);
    tf.dispose([q, k, v, upstream, mask]);
  });

  it('maskedCrossEntropySum equals the log-softmax formulation in value and gradient, masked rows contributing nothing', async () => {
    expect((await selectTfjsDevice('auto')).device).toBe('wasm');
    const logits = tf.mul(tf.randomNormal([10, 17], 0, 1, 'float32', 8), 4) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 3, 16, 5, 5, 9, 1, 2, 8, 4], 'int32');
    const mask = tf.tensor1d([1, 1, 0, 1, 1, 0, 1, 1, 1, 1]);
    const reference = (x: tf.Tensor2D) =>
      tf.neg(tf.sum(tf.mul(tf.sum(tf.mul(tf.sub(x, tf.logSumExp(x, -1, true)), tf.oneHot(labels, 17)), -1), mask)));
    const fused = tf.valueAndGrad((x: tf.Tensor) => maskedCrossEntropySum(x as tf.Tensor2D, labels, mask))(logits);
    const plain = tf.valueAndGrad((x: tf.Tensor) => reference(x as tf.Tensor2D) as tf.Scalar)(logits);
    expect(Math.abs(fused.value.dataSync()[0]! - plain.value.dataSync()[0]!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(fused.grad, plain.grad)).toBeLessThan(1e-5);
    expect(Array.from(fused.grad.dataSync().slice(2 * 17, 3 * 17)).every((g) => g === 0)).toBe(true);
    tf.dispose([logits, labels, mask, fused.value, fused.grad, plain.value, plain.grad]);
  });
});
