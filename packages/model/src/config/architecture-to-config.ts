import type { ModelArchitecture, RopeScaling } from '@mllr/core';

const ARCHITECTURES: Record<ModelArchitecture['family'], string> = {
  llama: 'LlamaForCausalLM',
  qwen2: 'Qwen2ForCausalLM',
  mistral: 'MistralForCausalLM',
};

/** The Hugging Face config.json of an architecture; `parseModelConfig` reads it back to the same architecture. */
export function architectureToConfig(arch: ModelArchitecture): Record<string, unknown> {
  return {
    architectures: [ARCHITECTURES[arch.family]],
    model_type: arch.family,
    hidden_size: arch.hiddenSize,
    intermediate_size: arch.intermediateSize,
    num_hidden_layers: arch.numLayers,
    num_attention_heads: arch.numHeads,
    num_key_value_heads: arch.numKvHeads,
    head_dim: arch.headDim,
    max_position_embeddings: arch.maxPositionEmbeddings,
    rms_norm_eps: arch.rmsNormEps,
    rope_theta: arch.ropeTheta,
    rope_scaling: ropeScalingConfig(arch.ropeScaling),
    hidden_act: 'silu',
    tie_word_embeddings: arch.tieWordEmbeddings,
    vocab_size: arch.vocabSize,
    ...(arch.family === 'qwen2' ? {} : { attention_bias: false, mlp_bias: false }),
    ...(arch.bosTokenId !== undefined ? { bos_token_id: arch.bosTokenId } : {}),
    eos_token_id: arch.eosTokenIds.length === 1 ? arch.eosTokenIds[0] : arch.eosTokenIds,
    ...(arch.padTokenId !== undefined ? { pad_token_id: arch.padTokenId } : {}),
    torch_dtype: 'float32',
  };
}

/** config.json `rope_scaling` in Hugging Face's spelling (null for plain RoPE). */
function ropeScalingConfig(scaling: RopeScaling | undefined): Record<string, unknown> | null {
  if (!scaling) return null;
  if (scaling.kind === 'linear') return { rope_type: 'linear', factor: scaling.factor };
  return {
    rope_type: 'llama3',
    factor: scaling.factor,
    low_freq_factor: scaling.lowFreqFactor,
    high_freq_factor: scaling.highFreqFactor,
    original_max_position_embeddings: scaling.originalMaxPositionEmbeddings,
  };
}
