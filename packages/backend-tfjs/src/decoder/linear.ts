import { tf } from '../tf.js';

/**
 * x·Wᵀ for a weight stored as Hugging Face does, [out, in], with a hand-written gradient. Every product here is a
 * plain one (no transpose flag): the wasm backend runs only those on XNNPACK (about 20 GFLOP/s on this project's
 * CPU); a product with transposeA or transposeB — which both `matMul(x, w, false, true)` and its automatic gradient
 * (dW = dyᵀ·x) need — falls to a scalar loop about eight times slower. Explicit transposes cost a copy each, far less.
 */
export const linearProduct: (x: tf.Tensor2D, weight: tf.Tensor2D) => tf.Tensor2D = tf.customGrad(
  (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, weight, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([x, weight]);
    const value = tf.matMul(x, tf.transpose(weight));
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedX, savedWeight] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      // dx = dy·W ([N, out]·[out, in]); dW = dyᵀ·x ([out, N]·[N, in]).
      return [tf.matMul(dy2, savedWeight), tf.matMul(tf.transpose(dy2), savedX)];
    };
    return { value, gradFunc };
  },
) as (x: tf.Tensor2D, weight: tf.Tensor2D) => tf.Tensor2D;
