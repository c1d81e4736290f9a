/**
 * Upper bounds on config.json sizes. They are far above any real model (the largest open models have ~130 layers,
 * hidden sizes of ~16k, vocabularies of ~260k) and exist so that a corrupt or hostile config cannot make mllr loop
 * over billions of layers or size arrays from a garbage number before a single tensor has been checked.
 */
export const ARCHITECTURE_LIMITS = {
  num_hidden_layers: 1024,
  hidden_size: 1 << 17,
  intermediate_size: 1 << 19,
  num_attention_heads: 1 << 12,
  num_key_value_heads: 1 << 12,
  head_dim: 1 << 12,
  vocab_size: 1 << 24,
  max_position_embeddings: 1 << 24,
  // rope_scaling.original_max_position_embeddings (llama3): the pre-extension context, below the one above.
  original_max_position_embeddings: 1 << 24,
  sliding_window: 1 << 24,
} as const satisfies Record<string, number>;
