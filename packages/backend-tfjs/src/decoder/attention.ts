import { tf } from '../tf.js';

/**
 * softmax(q·kᵀ·scale + mask)·v over [B, heads, T, d] queries and [B, heads, S, d] keys and values; the mask
 * [B, 1, T, S] is additive and constant.
 */
export function scaledDotAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  mask: tf.Tensor4D,
  scale: number,
): tf.Tensor4D {
  // The wasm backend runs a batched product ([B·heads] small matrices at once) in a scalar loop at about 2 GFLOP/s;
  // one plain 2-D product per head runs on XNNPACK at about 10. Other backends batch well, and a single new token
  // (generation) is too small for the loop to pay for its extra ops.
  if (tf.getBackend() !== 'wasm' || q.shape[2] < 8) return batchedAttention(q, k, v, mask, scale);
  return headByHeadAttention(mask, scale)(q, k, v);
}

function batchedAttention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  mask: tf.Tensor4D,
  scale: number,
): tf.Tensor4D {
  const scores = tf.add(tf.mul(tf.matMul(q, k, false, true), scale), mask);
  return tf.matMul(tf.softmax(scores), v) as tf.Tensor4D;
}

/**
 * The same attention as one op with a hand-written gradient, computed by per-head 2-D products on plain
 * (untransposed) operands. With p = softmax(s): dv = pᵀ·do, dp = do·vᵀ, ds = p ⊙ (dp − Σ dp⊙p) · scale,
 * dq = ds·k, dk = dsᵀ·q.
 */
function headByHeadAttention(
  mask: tf.Tensor4D,
  scale: number,
): (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor4D {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [q, k, v, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    const [batch, heads, steps, depth] = q.shape;
    const keys = k.shape[2];
    const products = batch * heads;
    const scores = perHead(products, asBlocks(q, steps), asBlocks(transposeLast(k), depth)); // [BH·T, S]
    const probs = tf.softmax(
      tf.add(tf.mul(tf.reshape(scores, [batch, heads, steps, keys]), scale), mask),
    ) as tf.Tensor4D;
    const value = tf.reshape(perHead(products, asBlocks(probs, steps), asBlocks(v, keys)), q.shape) as tf.Tensor4D;
    save([q, k, v, probs]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sq, sk, sv, sp] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const dOut = asBlocks(dy as tf.Tensor4D, steps);
      const dv = perHead(products, asBlocks(transposeLast(sp), keys), dOut);
      const dProbs = tf.reshape(perHead(products, dOut, asBlocks(transposeLast(sv), depth)), sp.shape);
      const dScores = tf.mul(tf.mul(sp, tf.sub(dProbs, tf.sum(tf.mul(dProbs, sp), -1, true))), scale) as tf.Tensor4D;
      const dq = perHead(products, asBlocks(dScores, steps), asBlocks(sk, keys));
      const dk = perHead(products, asBlocks(transposeLast(dScores), keys), asBlocks(sq, steps));
      return [tf.reshape(dq, sq.shape), tf.reshape(dk, sk.shape), tf.reshape(dv, sv.shape)];
    };
    return { value, gradFunc };
  }) as (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor4D;
}

/** [..., R, C] → [..., C, R]. */
function transposeLast(x: tf.Tensor4D): tf.Tensor4D {
  return tf.transpose(x, [0, 1, 3, 2]);
}

/** A [B, heads, rows, cols] tensor as one 2-D stack of per-head blocks, [B·heads·rows, cols], and its block height. */
function asBlocks(x: tf.Tensor4D, rows: number): { flat: tf.Tensor2D; rows: number } {
  return { flat: tf.reshape(x, [-1, x.shape[3]]), rows };
}

/** a_i·b_i for each of `count` block pairs, stacked: [count·rowsA, colsB]. */
function perHead(
  count: number,
  a: { flat: tf.Tensor2D; rows: number },
  b: { flat: tf.Tensor2D; rows: number },
): tf.Tensor2D {
  const colsA = a.flat.shape[1];
  const colsB = b.flat.shape[1];
  const out: tf.Tensor2D[] = [];
  for (let i = 0; i < count; i++) {
    const ai = tf.slice(a.flat, [i * a.rows, 0], [a.rows, colsA]);
    const bi = tf.slice(b.flat, [i * b.rows, 0], [b.rows, colsB]);
    out.push(tf.matMul(ai, bi));
    tf.dispose([ai, bi]);
  }
  const stacked = tf.concat(out, 0);
  tf.dispose(out);
  return stacked;
}
