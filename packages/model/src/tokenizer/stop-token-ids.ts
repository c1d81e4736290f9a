import type { ModelArchitecture, Tokenizer } from '@mllr/core';

/**
 * The token ids that end generation: the tokenizer's eos ids (tokenizer_config.json's eos_token, generation_config.json's
 * and config.json's eos_token_id, see loadTokenizer) and the architecture's (config.json), without repeats. Engines
 * default to the architecture's alone, which misses the extra stop tokens generation_config.json lists (Qwen2.5's
 * `<|endoftext|>`, Llama 3's `<|eot_id|>`), so callers that have the tokenizer pass this list.
 */
export function stopTokenIds(
  tokenizer: Pick<Tokenizer, 'eosTokenIds'>,
  architecture: Pick<ModelArchitecture, 'eosTokenIds'>,
): number[] {
  return [...new Set([...tokenizer.eosTokenIds, ...architecture.eosTokenIds])];
}
