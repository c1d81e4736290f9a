import type { ModelArchitecture } from '@mllr/core';
import { expectedTensorShapes } from '@mllr/model';
import { GraphBuilder } from './graph-builder.js';
import { ElemType } from './onnx-proto.js';
import { ropeTables } from './rope-tables.js';

/** Graph input and output names of mllr's decoder export (the Hugging Face Optimum names, plus hidden states). */
export const IO_NAMES = {
  inputIds: 'input_ids',
  attentionMask: 'attention_mask',
  positionIds: 'position_ids',
  logits: 'logits',
  pastKey: (layer: number) => `past_key_values.${layer}.key`,
  pastValue: (layer: number) => `past_key_values.${layer}.value`,
  presentKey: (layer: number) => `present.${layer}.key`,
  presentValue: (layer: number) => `present.${layer}.value`,
  hiddenState: (layer: number) => `hidden_states.${layer}`,
  /** This run's own keys (rotated) and values, without the past: what a caller keeping its own cache appends. */
  newKey: (layer: number) => `new_key_values.${layer}.key`,
  newValue: (layer: number) => `new_key_values.${layer}.value`,
} as const;

/** Names of the dynamic axes. */
export const AXES = { batch: 'batch', sequence: 'sequence', past: 'past_sequence', total: 'total_sequence' } as const;

// Large rather than -Infinity, as in the tfjs engine: a padding query row may have every key masked, and a softmax
// over only -Infinity is NaN.
const MASKED = -1e9;

/**
 * The decoder of `arch` (llama / qwen2 / mistral) as an ONNX graph, opset 17, standard ops only:
 *
 * - inputs `input_ids` [batch, sequence] (int64), `attention_mask` [batch, total_sequence] (int64, 1 = real token,
 *   over past and new tokens), `position_ids` [batch, sequence] (int64), and per layer
 *   `past_key_values.<i>.key/value` [batch, kv_heads, past_sequence, head_dim] (float32; past_sequence may be 0);
 * - outputs `logits` [batch, sequence, vocab], `present.<i>.key/value` [batch, kv_heads, total_sequence, head_dim]
 *   (keys already rotated), `new_key_values.<i>.key/value` [batch, kv_heads, sequence, head_dim] (only this run's
 *   part of present: a caller that keeps the cache itself fetches these few values instead of the whole cache)
 *   and `hidden_states.<i>` [batch, hidden]: layer i's output at the last position, before the final norm (what
 *   the tfjs engine's lastTokenHiddenStates returns; layer 0 = after the first block).
 *
 * Weights are graph initializers named as in the Hugging Face checkpoint, in its [out, in] layout (a Transpose
 * node, folded by ONNX Runtime at load, feeds each MatMul), so a weights file is a plain dump of the checkpoint.
 */
export function buildDecoderGraph(arch: ModelArchitecture): GraphBuilder {
  const g = new GraphBuilder();
  const { numHeads, numKvHeads, headDim, hiddenSize } = arch;
  for (const [name, shape] of expectedTensorShapes(arch)) g.weight(name, shape);

  const ids = g.input(IO_NAMES.inputIds, ElemType.INT64, [AXES.batch, AXES.sequence]);
  const keyMask = g.input(IO_NAMES.attentionMask, ElemType.INT64, [AXES.batch, AXES.total]);
  const positions = g.input(IO_NAMES.positionIds, ElemType.INT64, [AXES.batch, AXES.sequence]);
  const kvDims = [AXES.batch, numKvHeads, AXES.past, headDim];
  const past = Array.from({ length: arch.numLayers }, (_, l) => ({
    key: g.input(IO_NAMES.pastKey(l), ElemType.FLOAT, kvDims),
    value: g.input(IO_NAMES.pastValue(l), ElemType.FLOAT, kvDims),
  }));

  let x = g.op('Gather', ['model.embed_tokens.weight', ids], { axis: 0 }, 'embedded');
  const tables = ropeTables(arch);
  const cos = g.op('Unsqueeze', [g.op('Gather', [g.floats('rope_cos', tables.cos, [arch.maxPositionEmbeddings, headDim]), positions], { axis: 0 }), g.int64s([1])], {}, 'rope_cos_bt');
  const sin = g.op('Unsqueeze', [g.op('Gather', [g.floats('rope_sin', tables.sin, [arch.maxPositionEmbeddings, headDim]), positions], { axis: 0 }), g.int64s([1])], {}, 'rope_sin_bt');
  const mask = attentionMask(g, ids, keyMask);
  const groups = numHeads / numKvHeads;
  // Grouped-query attention: query head h reads key/value head ⌊h / groups⌋.
  const kvHeadOfHead = groups === 1 ? undefined : g.int64s(Array.from({ length: numHeads }, (_, h) => Math.floor(h / groups)));
  const scale = g.scalar(1 / Math.sqrt(headDim));

  for (let layer = 0; layer < arch.numLayers; layer++) {
    const p = `model.layers.${layer}`;
    const normed = rmsNorm(g, x, `${p}.input_layernorm.weight`, arch.rmsNormEps);
    const q = rope(g, splitHeads(g, linear(g, normed, `${p}.self_attn.q_proj`, arch.qkvBias), numHeads, headDim), cos, sin, headDim);
    // This run's own keys and values are graph outputs as they are (no Identity: ONNX Runtime runs every node,
    // fetched or not, and a copy here would cost every forward).
    const k = rope(g, splitHeads(g, linear(g, normed, `${p}.self_attn.k_proj`, arch.qkvBias), numKvHeads, headDim), cos, sin, headDim, IO_NAMES.newKey(layer));
    const v = splitHeads(g, linear(g, normed, `${p}.self_attn.v_proj`, arch.qkvBias), numKvHeads, headDim, IO_NAMES.newValue(layer));
    const keys = g.op('Concat', [past[layer]!.key, k], { axis: 2 }, IO_NAMES.presentKey(layer));
    const values = g.op('Concat', [past[layer]!.value, v], { axis: 2 }, IO_NAMES.presentValue(layer));
    const keysPerHead = kvHeadOfHead ? g.op('Gather', [keys, kvHeadOfHead], { axis: 1 }) : keys;
    const valuesPerHead = kvHeadOfHead ? g.op('Gather', [values, kvHeadOfHead], { axis: 1 }) : values;
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [keysPerHead], { perm: [0, 1, 3, 2] })]), scale]), mask]);
    const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), valuesPerHead]);
    const merged = g.op('Reshape', [g.op('Transpose', [attended], { perm: [0, 2, 1, 3] }), g.int64s([0, 0, numHeads * headDim])]);
    x = g.op('Add', [x, linear(g, merged, `${p}.self_attn.o_proj`, false)], {}, g.fresh(`${p}.attn_residual`));

    const normed2 = rmsNorm(g, x, `${p}.post_attention_layernorm.weight`, arch.rmsNormEps);
    const gate = linear(g, normed2, `${p}.mlp.gate_proj`, false);
    const up = linear(g, normed2, `${p}.mlp.up_proj`, false);
    const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
    x = g.op('Add', [x, linear(g, act, `${p}.mlp.down_proj`, false)], {}, g.fresh(`${p}.output`));
    g.op('Gather', [x, g.int64s([-1], [])], { axis: 1 }, IO_NAMES.hiddenState(layer));
  }

  const final = rmsNorm(g, x, 'model.norm.weight', arch.rmsNormEps);
  const head = arch.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
  g.op('MatMul', [final, g.transposed(head, [1, 0])], {}, IO_NAMES.logits);

  g.output(IO_NAMES.logits, ElemType.FLOAT, [AXES.batch, AXES.sequence, arch.vocabSize]);
  for (let l = 0; l < arch.numLayers; l++) {
    g.output(IO_NAMES.presentKey(l), ElemType.FLOAT, [AXES.batch, numKvHeads, AXES.total, headDim]);
    g.output(IO_NAMES.presentValue(l), ElemType.FLOAT, [AXES.batch, numKvHeads, AXES.total, headDim]);
  }
  for (let l = 0; l < arch.numLayers; l++) g.output(IO_NAMES.hiddenState(l), ElemType.FLOAT, [AXES.batch, hiddenSize]);
  for (let l = 0; l < arch.numLayers; l++) {
    g.output(IO_NAMES.newKey(l), ElemType.FLOAT, [AXES.batch, numKvHeads, AXES.sequence, headDim]);
    g.output(IO_NAMES.newValue(l), ElemType.FLOAT, [AXES.batch, numKvHeads, AXES.sequence, headDim]);
  }
  return g;
}

/**
 * Additive mask [batch, 1, sequence, total_sequence]: 0 where new token t (absolute column past + t) may see key s,
 * that is s ≤ past + t and the key is not padding; MASKED elsewhere.
 */
function attentionMask(g: GraphBuilder, ids: string, keyMask: string): string {
  const total = g.op('Shape', [keyMask], { start: 1, end: 2 });
  const steps = g.op('Shape', [ids], { start: 1, end: 2 });
  const totalScalar = g.op('Squeeze', [total, g.int64s([0])]);
  const pastScalar = g.op('Squeeze', [g.op('Sub', [total, steps]), g.int64s([0])]);
  const zero = g.int64s([0], []);
  const one = g.int64s([1], []);
  const keyIndex = g.op('Range', [zero, totalScalar, one]);
  const queryIndex = g.op('Unsqueeze', [g.op('Range', [pastScalar, totalScalar, one]), g.int64s([1])]);
  const causal = g.op('LessOrEqual', [keyIndex, queryIndex]); // [T, S]
  const notPadding = g.op('Unsqueeze', [g.op('Cast', [keyMask], { to: ElemType.BOOL }), g.int64s([1, 2])]); // [B, 1, 1, S]
  const allowed = g.op('And', [notPadding, causal]);
  return g.op('Where', [allowed, g.scalar(0), g.scalar(MASKED)], {}, 'attention_bias');
}

/** RMSNorm as x / √(mean(x²) + ε) · w (the pattern ONNX Runtime fuses into SimplifiedLayerNormalization). */
function rmsNorm(g: GraphBuilder, x: string, weight: string, eps: number): string {
  const meanSquare = g.op('ReduceMean', [g.op('Pow', [x, g.scalar(2)])], { axes: [-1], keepdims: 1 });
  const rms = g.op('Sqrt', [g.op('Add', [meanSquare, g.scalar(eps)])]);
  return g.op('Mul', [g.op('Div', [x, rms]), weight]);
}

/** x Wᵀ (+ b) for a Hugging Face [out, in] weight. */
function linear(g: GraphBuilder, x: string, prefix: string, bias: boolean): string {
  const y = g.op('MatMul', [x, g.transposed(`${prefix}.weight`, [1, 0])]);
  return bias ? g.op('Add', [y, `${prefix}.bias`]) : y;
}

/** [B, T, n·d] → [B, n, T, d] (named `name` where given). */
function splitHeads(g: GraphBuilder, x: string, heads: number, headDim: number, name?: string): string {
  return g.op('Transpose', [g.op('Reshape', [x, g.int64s([0, 0, heads, headDim])])], { perm: [0, 2, 1, 3] }, name);
}

/** Rotary embedding in the rotate-half layout: x·cos + [−x₂, x₁]·sin. */
function rope(g: GraphBuilder, x: string, cos: string, sin: string, headDim: number, name?: string): string {
  const half = headDim / 2;
  const [x1, x2] = g.ops('Split', [x, g.int64s([half, half])], 2, { axis: 3 }) as [string, string];
  const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: 3 });
  return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])], {}, name);
}
