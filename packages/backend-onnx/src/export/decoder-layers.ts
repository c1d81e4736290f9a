import type { ModelArchitecture } from '@mllr/core';
import { ropeTables } from '@mllr/model';
import type { GraphBuilder } from './graph-builder.js';
import { ElemType } from './onnx-proto.js';

// The decoder's building blocks, shared by the inference export (decoder-graph.ts, with a KV cache) and the
// training graph (train-graph/, no cache). Weights are referred to by their Hugging Face names, which are graph
// initializers in the export and graph inputs in the training graph.

// Large rather than -Infinity, as in the tfjs engine: a padding query row may have every key masked, and a softmax
// over only -Infinity is NaN.
const MASKED = -1e9;

/** Values every layer reads: rotary tables at each position, the attention bias, grouped-query head map, scale. */
export interface DecoderContext {
  g: GraphBuilder;
  arch: ModelArchitecture;
  /** cos/sin [batch, 1, sequence, head_dim]. */
  cos: string;
  sin: string;
  /** Additive attention bias [batch, 1, sequence, total_sequence]. */
  mask: string;
  /** Key/value head of each query head (absent for multi-head attention). */
  kvHeadOfHead?: string;
  scale: string;
  /** LoRA adapters of the training graph (absent in the export, which runs merged weights). */
  adapters?: GraphAdapters;
}

/**
 * LoRA adapters in a graph: each targeted projection (Hugging Face prefix such as `model.layers.0.self_attn.q_proj`)
 * adds s·(x·Aᵀ)·Bᵀ to its output, A and B being the values `<prefix>.lora_A.weight` [r, in] and
 * `<prefix>.lora_B.weight` [out, r].
 */
export interface GraphAdapters {
  prefixes: ReadonlySet<string>;
  /** The scalar value s (alpha/r or alpha/√r). */
  scale: string;
}

/** Embeds `ids` and builds the per-run tables; `keyMask` is [batch, total_sequence] (int64, 1 = real token). */
export function decoderStart(
  g: GraphBuilder,
  arch: ModelArchitecture,
  ids: string,
  positions: string,
  keyMask: string,
): { x: string; ctx: DecoderContext } {
  const { numHeads, numKvHeads, headDim } = arch;
  const x = g.op('Gather', ['model.embed_tokens.weight', ids], { axis: 0 }, 'embedded');
  const tables = ropeTables(arch);
  const cos = g.op(
    'Unsqueeze',
    [
      g.op('Gather', [g.floats('rope_cos', tables.cos, [arch.maxPositionEmbeddings, headDim]), positions], { axis: 0 }),
      g.int64s([1]),
    ],
    {},
    'rope_cos_bt',
  );
  const sin = g.op(
    'Unsqueeze',
    [
      g.op('Gather', [g.floats('rope_sin', tables.sin, [arch.maxPositionEmbeddings, headDim]), positions], { axis: 0 }),
      g.int64s([1]),
    ],
    {},
    'rope_sin_bt',
  );
  const mask = attentionMask(g, ids, keyMask);
  const groups = numHeads / numKvHeads;
  // Grouped-query attention: query head h reads key/value head ⌊h / groups⌋.
  const kvHeadOfHead =
    groups === 1 ? undefined : g.int64s(Array.from({ length: numHeads }, (_, h) => Math.floor(h / groups)));
  return { x, ctx: { g, arch, cos, sin, mask, kvHeadOfHead, scale: g.scalar(1 / Math.sqrt(headDim)) } };
}

/** Graph value names one layer gives to its keys and values (for the export's outputs). */
export interface LayerNames {
  newKey?: string;
  newValue?: string;
  presentKey?: string;
  presentValue?: string;
}

/**
 * One decoder layer on the residual stream `x` [batch, sequence, hidden]: pre-norm attention (with `past` keys and
 * values prepended when given) and pre-norm SwiGLU MLP. Returns the new residual stream.
 */
export function decoderLayer(
  ctx: DecoderContext,
  layer: number,
  x: string,
  past?: { key: string; value: string },
  names: LayerNames = {},
): string {
  const { g, arch } = ctx;
  const { numHeads, numKvHeads, headDim } = arch;
  const p = `model.layers.${layer}`;
  const normed = rmsNorm(g, x, `${p}.input_layernorm.weight`, arch.rmsNormEps);
  const q = rope(
    g,
    splitHeads(g, linear(g, normed, `${p}.self_attn.q_proj`, arch.qkvBias, ctx.adapters), numHeads, headDim),
    ctx.cos,
    ctx.sin,
    headDim,
  );
  // This run's own keys and values are graph outputs as they are (no Identity: ONNX Runtime runs every node,
  // fetched or not, and a copy here would cost every forward).
  const k = rope(
    g,
    splitHeads(g, linear(g, normed, `${p}.self_attn.k_proj`, arch.qkvBias, ctx.adapters), numKvHeads, headDim),
    ctx.cos,
    ctx.sin,
    headDim,
    names.newKey,
  );
  const v = splitHeads(
    g,
    linear(g, normed, `${p}.self_attn.v_proj`, arch.qkvBias, ctx.adapters),
    numKvHeads,
    headDim,
    names.newValue,
  );
  const keys = past ? g.op('Concat', [past.key, k], { axis: 2 }, names.presentKey) : k;
  const values = past ? g.op('Concat', [past.value, v], { axis: 2 }, names.presentValue) : v;
  const keysPerHead = ctx.kvHeadOfHead ? g.op('Gather', [keys, ctx.kvHeadOfHead], { axis: 1 }) : keys;
  const valuesPerHead = ctx.kvHeadOfHead ? g.op('Gather', [values, ctx.kvHeadOfHead], { axis: 1 }) : values;
  const scores = g.op('Add', [
    g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [keysPerHead], { perm: [0, 1, 3, 2] })]), ctx.scale]),
    ctx.mask,
  ]);
  const attended = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), valuesPerHead]);
  const merged = g.op('Reshape', [
    g.op('Transpose', [attended], { perm: [0, 2, 1, 3] }),
    g.int64s([0, 0, numHeads * headDim]),
  ]);
  const afterAttention = g.op(
    'Add',
    [x, linear(g, merged, `${p}.self_attn.o_proj`, false, ctx.adapters)],
    {},
    g.fresh(`${p}.attn_residual`),
  );

  const normed2 = rmsNorm(g, afterAttention, `${p}.post_attention_layernorm.weight`, arch.rmsNormEps);
  const gate = linear(g, normed2, `${p}.mlp.gate_proj`, false, ctx.adapters);
  const up = linear(g, normed2, `${p}.mlp.up_proj`, false, ctx.adapters);
  const act = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up]);
  return g.op(
    'Add',
    [afterAttention, linear(g, act, `${p}.mlp.down_proj`, false, ctx.adapters)],
    {},
    g.fresh(`${p}.output`),
  );
}

/** Final norm and the language-model head (the tied embedding or lm_head): logits [batch, sequence, vocab]. */
export function decoderLogits(ctx: DecoderContext, x: string, name?: string): string {
  const { g, arch } = ctx;
  const final = rmsNorm(g, x, 'model.norm.weight', arch.rmsNormEps);
  const head = arch.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight';
  return g.op('MatMul', [final, g.transposed(head, [1, 0])], {}, name);
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
export function rmsNorm(g: GraphBuilder, x: string, weight: string, eps: number): string {
  const meanSquare = g.op('ReduceMean', [g.op('Pow', [x, g.scalar(2)])], { axes: [-1], keepdims: 1 });
  const rms = g.op('Sqrt', [g.op('Add', [meanSquare, g.scalar(eps)])]);
  return g.op('Mul', [g.op('Div', [x, rms]), weight]);
}

/** x Wᵀ (+ b) for a Hugging Face [out, in] weight, plus s·(x·Aᵀ)·Bᵀ where `adapters` targets it (PEFT's order: base output, then the adapter's). */
export function linear(g: GraphBuilder, x: string, prefix: string, bias: boolean, adapters?: GraphAdapters): string {
  const y = g.op('MatMul', [x, g.transposed(`${prefix}.weight`, [1, 0])]);
  const base = bias ? g.op('Add', [y, `${prefix}.bias`]) : y;
  if (!adapters?.prefixes.has(prefix)) return base;
  const down = g.op('MatMul', [x, g.transposed(`${prefix}.lora_A.weight`, [1, 0])]);
  const up = g.op('MatMul', [down, g.transposed(`${prefix}.lora_B.weight`, [1, 0])]);
  return g.op('Add', [base, g.op('Mul', [up, adapters.scale])]);
}

/** [B, T, n·d] → [B, n, T, d] (named `name` where given). */
export function splitHeads(g: GraphBuilder, x: string, heads: number, headDim: number, name?: string): string {
  return g.op('Transpose', [g.op('Reshape', [x, g.int64s([0, 0, heads, headDim])])], { perm: [0, 2, 1, 3] }, name);
}

/** Rotary embedding in the rotate-half layout: x·cos + [−x₂, x₁]·sin. */
export function rope(g: GraphBuilder, x: string, cos: string, sin: string, headDim: number, name?: string): string {
  const half = headDim / 2;
  const [x1, x2] = g.ops('Split', [x, g.int64s([half, half])], 2, { axis: 3 }) as [string, string];
  const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: 3 });
  return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])], {}, name);
}
