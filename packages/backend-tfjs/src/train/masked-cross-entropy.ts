import { tf } from '../tf.js';

/**
 * −Σ mask·log softmax(logits)[label] over rows of [N, vocab] logits, as one op with a hand-written gradient,
 * (softmax − onehot)·mask per row. The automatic gradient of logSumExp goes through Max's gradient, an Equal
 * over all [N, vocab] logits that the wasm backend runs slowly, and through several more full-size tensors.
 */
export function maskedCrossEntropySum(logits: tf.Tensor2D, labels: tf.Tensor1D, mask: tf.Tensor1D): tf.Scalar {
  const vocab = logits.shape[1];
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const onehot = tf.oneHot(labels, vocab);
    const logNorm = tf.logSumExp(x, -1, true); // [N, 1]
    const picked = tf.sum(tf.mul(x, onehot), -1, true); // [N, 1]
    const value = tf.neg(tf.sum(tf.mul(tf.reshape(tf.sub(picked, logNorm), [-1]), mask))) as tf.Scalar;
    save([x, logNorm]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sNorm] = saved as [tf.Tensor2D, tf.Tensor2D];
      const probs = tf.exp(tf.sub(sx, sNorm));
      return [tf.mul(tf.sub(probs, tf.oneHot(labels, vocab)), tf.mul(tf.reshape(mask, [-1, 1]), dy))];
    };
    return { value, gradFunc };
  })(logits) as tf.Scalar;
}
