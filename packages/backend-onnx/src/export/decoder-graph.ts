import type { ModelArchitecture } from '@mllr/core';
import { expectedTensorShapes } from '@mllr/model';
import { GraphBuilder } from './graph-builder.js';
import { ElemType } from './onnx-proto.js';
import { decoderLayer, decoderLogits, decoderStart } from './decoder-layers.js';
import {
  addAndNorm,
  runtimeContext,
  runtimeDecoderLayer,
  type ResidualStream,
  type RuntimeKernels,
} from './runtime-decoder-layer.js';

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
export function buildDecoderGraph(arch: ModelArchitecture, kernels?: RuntimeKernels): GraphBuilder {
  const g = new GraphBuilder();
  const { numKvHeads, headDim, hiddenSize } = arch;
  for (const [name, shape] of expectedTensorShapes(arch)) g.weight(name, shape);

  const ids = g.input(IO_NAMES.inputIds, ElemType.INT64, [AXES.batch, AXES.sequence]);
  const keyMask = g.input(IO_NAMES.attentionMask, ElemType.INT64, [AXES.batch, AXES.total]);
  const positions = g.input(IO_NAMES.positionIds, ElemType.INT64, [AXES.batch, AXES.sequence]);
  const kvDims = [AXES.batch, numKvHeads, AXES.past, headDim];
  const past = Array.from({ length: arch.numLayers }, (_, l) => ({
    key: g.input(IO_NAMES.pastKey(l), ElemType.FLOAT, kvDims),
    value: g.input(IO_NAMES.pastValue(l), ElemType.FLOAT, kvDims),
  }));

  const start = decoderStart(g, arch, ids, positions, keyMask);
  const ctx = start.ctx;
  const names = (layer: number) => ({
    newKey: IO_NAMES.newKey(layer),
    newValue: IO_NAMES.newValue(layer),
    presentKey: IO_NAMES.presentKey(layer),
    presentValue: IO_NAMES.presentValue(layer),
  });
  const lastToken = (x: string, layer: number) =>
    g.op('Gather', [x, g.int64s([-1], [])], { axis: 1 }, IO_NAMES.hiddenState(layer));
  if (kernels) {
    const runtime = runtimeContext(ctx, positions, kernels);
    let stream: ResidualStream = { residual: start.x };
    for (let layer = 0; layer < arch.numLayers; layer++) {
      const out = runtimeDecoderLayer(runtime, layer, stream, past[layer]!, names(layer));
      if (layer > 0) lastToken(out.input, layer - 1);
      stream = out.stream;
    }
    const final = addAndNorm(runtime, stream, 'model.norm.weight');
    lastToken(final.sum, arch.numLayers - 1);
    g.op(
      'MatMul',
      [final.normed, g.transposed(arch.tieWordEmbeddings ? 'model.embed_tokens.weight' : 'lm_head.weight', [1, 0])],
      {},
      IO_NAMES.logits,
    );
  } else {
    let x = start.x;
    for (let layer = 0; layer < arch.numLayers; layer++) {
      x = decoderLayer(ctx, layer, x, past[layer], names(layer));
      lastToken(x, layer);
    }
    decoderLogits(ctx, x, IO_NAMES.logits);
  }

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
  // The runtime layers leave the standard rotary tables unread where they use RotaryEmbedding.
  if (kernels) g.prune();
  return g;
}
