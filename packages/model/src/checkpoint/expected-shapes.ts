import type { ModelArchitecture } from '@mllr/core';

/**
 * Every tensor a checkpoint of `arch` must hold, by Hugging Face name, with its shape ([out, in] for linear
 * weights), in the order Hugging Face writes them: embeddings, layers, final norm, head (absent when tied).
 */
export function expectedTensorShapes(arch: ModelArchitecture): Map<string, number[]> {
  const { vocabSize: V, hiddenSize: H, intermediateSize: I, headDim } = arch;
  const q = arch.numHeads * headDim;
  const kv = arch.numKvHeads * headDim;
  const shapes = new Map<string, number[]>([['model.embed_tokens.weight', [V, H]]]);
  for (let l = 0; l < arch.numLayers; l++) {
    const p = `model.layers.${l}`;
    shapes.set(`${p}.input_layernorm.weight`, [H]);
    shapes.set(`${p}.self_attn.q_proj.weight`, [q, H]);
    if (arch.qkvBias) shapes.set(`${p}.self_attn.q_proj.bias`, [q]);
    shapes.set(`${p}.self_attn.k_proj.weight`, [kv, H]);
    if (arch.qkvBias) shapes.set(`${p}.self_attn.k_proj.bias`, [kv]);
    shapes.set(`${p}.self_attn.v_proj.weight`, [kv, H]);
    if (arch.qkvBias) shapes.set(`${p}.self_attn.v_proj.bias`, [kv]);
    shapes.set(`${p}.self_attn.o_proj.weight`, [H, q]);
    shapes.set(`${p}.post_attention_layernorm.weight`, [H]);
    shapes.set(`${p}.mlp.gate_proj.weight`, [I, H]);
    shapes.set(`${p}.mlp.up_proj.weight`, [I, H]);
    shapes.set(`${p}.mlp.down_proj.weight`, [H, I]);
  }
  shapes.set('model.norm.weight', [H]);
  if (!arch.tieWordEmbeddings) shapes.set('lm_head.weight', [V, H]);
  return shapes;
}

/** Number of trainable parameters of `arch` (a tied head is counted once, with the embeddings). */
export function parameterCount(arch: ModelArchitecture): number {
  let total = 0;
  for (const shape of expectedTensorShapes(arch).values()) total += shape.reduce((n, d) => n * d, 1);
  return total;
}
