import type { ModelArchitecture } from '@mllr/core';
import { tf } from '../tf.js';
import type { DecoderWeights } from './decoder-weights.js';
import { scaledDotAttention } from './attention.js';
import { linearProduct } from './linear.js';
import { applyRope, type RopeTables } from './rope.js';

/** Keys and values of earlier positions, per layer, [B, kvHeads, P, headDim] (keys already rotated). */
export interface KvCache {
  keys: tf.Tensor4D[];
  values: tf.Tensor4D[];
}

/** One forward pass over `T` new tokens of `B` sequences. */
export interface ForwardInput {
  /** Token ids [B, T]. */
  ids: tf.Tensor2D;
  /** Position of each new token [B, T] (left padding shifts them). */
  positions: tf.Tensor2D;
  /** 1 for real tokens, 0 for padding, over past and new tokens [B, P + T]. */
  keyMask: tf.Tensor2D;
  past?: KvCache;
}

/** What to compute. */
export interface ForwardOptions {
  /** `all`: logits for every position [B, T, V]; `last`: only the last position [B, V]. */
  logits: 'all' | 'last' | 'none';
  /** Per-layer hidden state of the last position, each [B, H] (after the layer, before the final norm). */
  hiddenStates?: boolean;
  /** Return keys/values for the next step. */
  cache?: boolean;
}

/** The results; tensors belong to the caller. */
export interface ForwardOutput {
  logits?: tf.Tensor;
  hiddenStates?: tf.Tensor2D[];
  cache?: KvCache;
}

// Large rather than -Infinity: a padding query row may have every key masked, and softmax of all -Infinity is NaN.
const MASKED = -1e9;

/**
 * The decoder forward (llama / qwen2 / mistral): embeddings, per layer RMSNorm → attention with RoPE, GQA and
 * optional qkv bias → residual → RMSNorm → SwiGLU MLP → residual, then the final norm and the head.
 * Call inside tf.tidy (or keep the returned tensors): intermediate tensors are not disposed here.
 */
export function decoderForward(
  weights: DecoderWeights,
  rope: RopeTables,
  input: ForwardInput,
  options: ForwardOptions,
): ForwardOutput {
  const arch = weights.architecture;
  const [batch, steps] = input.ids.shape;
  const pastLength = input.past?.keys[0]?.shape[2] ?? 0;
  const total = pastLength + steps;

  let x = tf.reshape(tf.gather(weights.get('model.embed_tokens.weight'), tf.reshape(input.ids, [-1])), [
    batch * steps,
    arch.hiddenSize,
  ]) as tf.Tensor2D;
  const cos = tf.expandDims(tf.gather(rope.cos, input.positions), 1) as tf.Tensor4D;
  const sin = tf.expandDims(tf.gather(rope.sin, input.positions), 1) as tf.Tensor4D;
  const mask = attentionMask(input.keyMask, pastLength, steps, total);

  const hidden: tf.Tensor2D[] = [];
  const cache: KvCache = { keys: [], values: [] };
  for (let layer = 0; layer < arch.numLayers; layer++) {
    const p = `model.layers.${layer}`;
    const normed = rmsNorm(x, weights.get(`${p}.input_layernorm.weight`), arch.rmsNormEps);
    const q = heads(linear(normed, weights, `${p}.self_attn.q_proj`), batch, steps, arch.numHeads, arch.headDim);
    let k = heads(linear(normed, weights, `${p}.self_attn.k_proj`), batch, steps, arch.numKvHeads, arch.headDim);
    let v = heads(linear(normed, weights, `${p}.self_attn.v_proj`), batch, steps, arch.numKvHeads, arch.headDim);
    const qr = applyRope(q, cos, sin);
    k = applyRope(k, cos, sin);
    if (input.past) {
      k = tf.concat([input.past.keys[layer]!, k], 2);
      v = tf.concat([input.past.values[layer]!, v], 2);
    }
    if (options.cache) {
      cache.keys.push(k);
      cache.values.push(v);
    }
    const attended = scaledDotAttention(qr, repeatKv(k, arch), repeatKv(v, arch), mask, 1 / Math.sqrt(arch.headDim));
    const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [batch * steps, arch.numHeads * arch.headDim]);
    x = tf.add(x, linear(merged as tf.Tensor2D, weights, `${p}.self_attn.o_proj`)) as tf.Tensor2D;

    const normed2 = rmsNorm(x, weights.get(`${p}.post_attention_layernorm.weight`), arch.rmsNormEps);
    const gate = linear(normed2, weights, `${p}.mlp.gate_proj`);
    const up = linear(normed2, weights, `${p}.mlp.up_proj`);
    const act = tf.mul(tf.mul(gate, tf.sigmoid(gate)), up);
    x = tf.add(x, linear(act as tf.Tensor2D, weights, `${p}.mlp.down_proj`)) as tf.Tensor2D;
    if (options.hiddenStates) hidden.push(lastPosition(x, batch, steps));
  }

  const out: ForwardOutput = {};
  if (options.hiddenStates) out.hiddenStates = hidden;
  if (options.cache) out.cache = cache;
  if (options.logits !== 'none') {
    const source = options.logits === 'last' ? lastPosition(x, batch, steps) : x;
    const normed = rmsNorm(source, weights.get('model.norm.weight'), arch.rmsNormEps);
    const logits = linearProduct(normed, weights.head() as tf.Tensor2D);
    out.logits = options.logits === 'last' ? logits : tf.reshape(logits, [batch, steps, arch.vocabSize]);
  }
  return out;
}

function rmsNorm(x: tf.Tensor2D, weight: tf.Tensor, eps: number): tf.Tensor2D {
  const variance = tf.mean(tf.square(x), -1, true);
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(variance, eps))), weight) as tf.Tensor2D;
}

/** x Wᵀ (+ b): Hugging Face stores projections as [out, in]. */
function linear(x: tf.Tensor2D, weights: DecoderWeights, prefix: string): tf.Tensor2D {
  const y = linearProduct(x, weights.get(`${prefix}.weight`) as tf.Tensor2D);
  const bias = weights.find(`${prefix}.bias`);
  return bias ? (tf.add(y, bias) as tf.Tensor2D) : y;
}

/** [B·T, n·d] → [B, n, T, d]. */
function heads(x: tf.Tensor2D, batch: number, steps: number, n: number, d: number): tf.Tensor4D {
  return tf.transpose(tf.reshape(x, [batch, steps, n, d]), [0, 2, 1, 3]);
}

/** Grouped-query attention: query head h reads key/value head ⌊h / (numHeads / numKvHeads)⌋. */
function repeatKv(x: tf.Tensor4D, arch: ModelArchitecture): tf.Tensor4D {
  const groups = arch.numHeads / arch.numKvHeads;
  if (groups === 1) return x;
  // A gather on the head axis rather than a rank-5 tile: tfjs has no gradient for tiling rank-5 tensors.
  const source = tf.tensor1d(
    Array.from({ length: arch.numHeads }, (_, h) => Math.floor(h / groups)),
    'int32',
  );
  return tf.gather(x, source, 1);
}

/** Additive mask [B, 1, T, S]: 0 where query t may see key s (causal and not padding), MASKED elsewhere. */
function attentionMask(keyMask: tf.Tensor2D, pastLength: number, steps: number, total: number): tf.Tensor4D {
  const queryPos = tf.reshape(tf.range(pastLength, pastLength + steps, 1, 'int32'), [steps, 1]);
  const keyPos = tf.reshape(tf.range(0, total, 1, 'int32'), [1, total]);
  const causal = tf.lessEqual(keyPos, queryPos); // [T, S]
  const notPadding = tf.greater(tf.reshape(keyMask, [keyMask.shape[0], 1, 1, total]), 0.5); // [B,1,1,S]
  const allowed = tf.logicalAnd(notPadding, tf.reshape(causal, [1, 1, steps, total])) as tf.Tensor4D;
  return tf.where(allowed, tf.zerosLike(allowed).toFloat(), tf.onesLike(allowed).toFloat().mul(MASKED)) as tf.Tensor4D;
}

/** The last position of each sequence: [B·T, H] → [B, H]. */
function lastPosition(x: tf.Tensor2D, batch: number, steps: number): tf.Tensor2D {
  const hiddenSize = x.shape[1];
  return tf.reshape(tf.slice(tf.reshape(x, [batch, steps, hiddenSize]), [0, steps - 1, 0], [batch, 1, hiddenSize]), [
    batch,
    hiddenSize,
  ]);
}
