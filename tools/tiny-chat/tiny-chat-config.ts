/**
 * config.json of tiny-chat: the reference shape of DESIGN.md (llama family, d_model 128, 4 layers, 4 heads,
 * SwiGLU 352, context 128). The vocabulary size is filled in from the world's tokenizer.
 */
export function tinyChatConfig(vocabSize: number): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: 128,
    intermediate_size: 352,
    num_hidden_layers: 4,
    num_attention_heads: 4,
    num_key_value_heads: 4,
    max_position_embeddings: 128,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    rope_scaling: null,
    attention_bias: false,
    mlp_bias: false,
    hidden_act: 'silu',
    tie_word_embeddings: true,
    vocab_size: vocabSize,
    bos_token_id: 1,
    eos_token_id: 2,
    pad_token_id: 0,
    torch_dtype: 'float32',
  };
}
