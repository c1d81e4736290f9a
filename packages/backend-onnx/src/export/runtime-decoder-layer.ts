import type { ModelArchitecture } from '@mllr/core';
import { ropeTables } from '@mllr/model';
import { floatAttribute, type GraphBuilder } from './graph-builder.js';
import { linear, rmsNorm, rope, splitHeads, type DecoderContext, type LayerNames } from './decoder-layers.js';

// The inference export's decoder layer on ONNX Runtime's fused kernels (the com.microsoft domain): RotaryEmbedding
// and MultiHeadAttention in place of the standard-op rotary and attention subgraphs, and one MatMul for q/k/v and
// one for gate/up. It computes what decoderLayer computes (the conformance suite holds it to the same PyTorch
// references); the training graph keeps decoderLayer, whose standard ops have vector-Jacobian rules.

/** Which fused forms a runtime-kernel graph uses (each measured on its own; see docs/performance.md). */
export interface RuntimeKernels {
  /** com.microsoft.RotaryEmbedding for queries and keys. */
  rotary: boolean;
  /** com.microsoft.MultiHeadAttention (scores, mask, softmax and the weighted sum in one kernel). */
  attention: boolean;
  /**
   * One MatMul over the concatenated q/k/v weights and one over gate/up. Only worth it where the weights are
   * initializers (ONNX Runtime folds the Concat at load); with weights fed as inputs the Concat would copy them at
   * every run.
   */
  projections: boolean;
  /** com.microsoft.SkipSimplifiedLayerNormalization: each residual Add and the RMSNorm after it in one kernel. */
  skipNorm: boolean;
}

/**
 * The residual stream between fused layers: `residual` plus `delta` where a block's output is not added yet (the
 * next norm adds it, in one kernel with skipNorm).
 */
export interface ResidualStream {
  residual: string;
  delta?: string;
}

/** The per-run tables the fused layer reads beyond the standard context. */
export interface RuntimeContext {
  base: DecoderContext;
  /** position_ids [batch, sequence] (int64). */
  positions: string;
  /** cos/sin caches [max_positions, head_dim / 2]: the first half of each row of the shared rope tables. */
  cosCache: string;
  sinCache: string;
  kernels: RuntimeKernels;
}

/** The rotary caches RotaryEmbedding takes, cut from @mllr/model's tables (so RoPE scaling applies as everywhere). */
export function runtimeContext(base: DecoderContext, positions: string, kernels: RuntimeKernels): RuntimeContext {
  const { g, arch } = base;
  const { cos, sin } = halfTables(arch);
  const dims = [arch.maxPositionEmbeddings, arch.headDim / 2];
  return {
    base,
    positions,
    kernels,
    cosCache: g.floats('rope_cos_cache', cos, dims),
    sinCache: g.floats('rope_sin_cache', sin, dims),
  };
}

/**
 * One decoder layer (as decoderLayer: pre-norm attention over `past` and this run's keys and values, pre-norm
 * SwiGLU MLP) on the fused kernels `ctx.kernels` names; outputs this run's keys and values and the present cache
 * under `names` in the same [batch, kv_heads, sequence, head_dim] layout. Returns the layer's input as one value
 * (the previous layer's output, for its hidden-state output) and the stream it leaves, with the MLP's output not
 * yet added.
 */
export function runtimeDecoderLayer(
  ctx: RuntimeContext,
  layer: number,
  stream: ResidualStream,
  past: { key: string; value: string },
  names: LayerNames = {},
): { input: string; stream: ResidualStream } {
  const { g, arch } = ctx.base;
  const { numHeads, numKvHeads, headDim } = arch;
  const p = `model.layers.${layer}`;
  const { sum: x, normed } = addAndNorm(ctx, stream, `${p}.input_layernorm.weight`);
  const [q, k, v] = ctx.kernels.projections
    ? fusedLinear(
        g,
        normed,
        ['q_proj', 'k_proj', 'v_proj'].map((m) => `${p}.self_attn.${m}`),
        [numHeads * headDim, numKvHeads * headDim, numKvHeads * headDim],
        arch.qkvBias,
      )
    : ['q_proj', 'k_proj', 'v_proj'].map((m) => linear(g, normed, `${p}.self_attn.${m}`, arch.qkvBias));

  // Keys and values in [batch, kv_heads, sequence, head_dim] for the cache outputs; queries stay [batch, sequence,
  // hidden] where MultiHeadAttention reads them so.
  const keysNew = ctx.kernels.rotary
    ? g.runtimeOp(
        'RotaryEmbedding',
        [splitHeads(g, k!, numKvHeads, headDim), ctx.positions, ctx.cosCache, ctx.sinCache],
        1,
        {},
        [names.newKey],
      )[0]!
    : standardRope(ctx, splitHeads(g, k!, numKvHeads, headDim), names.newKey);
  const valuesNew = splitHeads(g, v!, numKvHeads, headDim, names.newValue);
  const keys = g.op('Concat', [past.key, keysNew], { axis: 2 }, names.presentKey);
  const values = g.op('Concat', [past.value, valuesNew], { axis: 2 }, names.presentValue);
  const keysPerHead = ctx.base.kvHeadOfHead ? g.op('Gather', [keys, ctx.base.kvHeadOfHead], { axis: 1 }) : keys;
  const valuesPerHead = ctx.base.kvHeadOfHead ? g.op('Gather', [values, ctx.base.kvHeadOfHead], { axis: 1 }) : values;

  let merged: string;
  if (ctx.kernels.attention) {
    const query = ctx.kernels.rotary
      ? g.runtimeOp('RotaryEmbedding', [q!, ctx.positions, ctx.cosCache, ctx.sinCache], 1)[0]!
      : mergeHeads(g, standardRope(ctx, splitHeads(g, q!, numHeads, headDim)), numHeads * headDim);
    merged = g.runtimeOp('MultiHeadAttention', [query, keysPerHead, valuesPerHead, '', '', ctx.base.mask], 1, {
      num_heads: numHeads,
      scale: floatAttribute(1 / Math.sqrt(headDim)),
    })[0]!;
  } else {
    const query = ctx.kernels.rotary
      ? g.runtimeOp(
          'RotaryEmbedding',
          [splitHeads(g, q!, numHeads, headDim), ctx.positions, ctx.cosCache, ctx.sinCache],
          1,
        )[0]!
      : standardRope(ctx, splitHeads(g, q!, numHeads, headDim));
    const scores = g.op('Add', [
      g.op('Mul', [g.op('MatMul', [query, g.op('Transpose', [keysPerHead], { perm: [0, 1, 3, 2] })]), ctx.base.scale]),
      ctx.base.mask,
    ]);
    merged = mergeHeads(
      g,
      g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), valuesPerHead]),
      numHeads * headDim,
    );
  }
  const attended = linear(g, merged, `${p}.self_attn.o_proj`, false);

  const { sum: afterAttention, normed: normed2 } = addAndNorm(
    ctx,
    { residual: x, delta: attended },
    `${p}.post_attention_layernorm.weight`,
  );
  const [gate, up] = ctx.kernels.projections
    ? fusedLinear(
        g,
        normed2,
        [`${p}.mlp.gate_proj`, `${p}.mlp.up_proj`],
        [arch.intermediateSize, arch.intermediateSize],
        false,
      )
    : [linear(g, normed2, `${p}.mlp.gate_proj`, false), linear(g, normed2, `${p}.mlp.up_proj`, false)];
  const act = g.op('Mul', [g.op('Mul', [gate!, g.op('Sigmoid', [gate!])]), up!]);
  return { input: x, stream: { residual: afterAttention, delta: linear(g, act, `${p}.mlp.down_proj`, false) } };
}

/** The stream's value (residual + delta) and its RMSNorm with `weight`. */
export function addAndNorm(
  ctx: RuntimeContext,
  stream: ResidualStream,
  weight: string,
): { sum: string; normed: string } {
  const { g, arch } = ctx.base;
  if (stream.delta === undefined)
    return { sum: stream.residual, normed: rmsNorm(g, stream.residual, weight, arch.rmsNormEps) };
  if (!ctx.kernels.skipNorm) {
    const sum = g.op('Add', [stream.residual, stream.delta]);
    return { sum, normed: rmsNorm(g, sum, weight, arch.rmsNormEps) };
  }
  const sum = g.fresh('residual_sum');
  const [normed] = g.runtimeOp(
    'SkipSimplifiedLayerNormalization',
    [stream.delta, stream.residual, weight],
    4,
    { epsilon: floatAttribute(arch.rmsNormEps) },
    [undefined, '', '', sum],
  );
  return { sum, normed: normed! };
}

/** x·[W₁ W₂ …]ᵀ in one MatMul (+ the concatenated biases), split back into each projection's output. */
function fusedLinear(
  g: GraphBuilder,
  x: string,
  prefixes: readonly string[],
  widths: readonly number[],
  bias: boolean,
): string[] {
  const weight = g.op(
    'Concat',
    prefixes.map((m) => g.transposed(`${m}.weight`, [1, 0])),
    { axis: 1 },
  );
  let y = g.op('MatMul', [x, weight]);
  if (bias)
    y = g.op('Add', [
      y,
      g.op(
        'Concat',
        prefixes.map((m) => `${m}.bias`),
        { axis: 0 },
      ),
    ]);
  return g.ops('Split', [y, g.int64s(widths)], widths.length, { axis: 2 });
}

/** [B, n, T, d] → [B, T, n·d]. */
function mergeHeads(g: GraphBuilder, x: string, width: number): string {
  return g.op('Reshape', [g.op('Transpose', [x], { perm: [0, 2, 1, 3] }), g.int64s([0, 0, width])]);
}

/** The standard-op rotary embedding on [B, n, T, d] with the context's tables. */
function standardRope(ctx: RuntimeContext, x: string, name?: string): string {
  return rope(ctx.base.g, x, ctx.base.cos, ctx.base.sin, ctx.base.arch.headDim, name);
}

/** The first half of each row of the rope tables ([positions, head_dim] in rotate-half layout, halves equal). */
function halfTables(arch: ModelArchitecture): { cos: Float32Array; sin: Float32Array } {
  const { cos, sin } = ropeTables(arch);
  const { headDim, maxPositionEmbeddings: positions } = arch;
  const half = headDim / 2;
  const take = (table: Float32Array) => {
    const out = new Float32Array(positions * half);
    for (let p = 0; p < positions; p++) out.set(table.subarray(p * headDim, p * headDim + half), p * half);
    return out;
  };
  return { cos: take(cos), sin: take(sin) };
}
