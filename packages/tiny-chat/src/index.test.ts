import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_CHAT_DIR } from './index.js';

describe('tiny-chat files', () => {
  it('ship config, weights and tokenizer in the reference shape', () => {
    for (const file of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json']) {
      expect(existsSync(join(TINY_CHAT_DIR, file)), file).toBe(true);
    }
    const config = JSON.parse(readFileSync(join(TINY_CHAT_DIR, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      model_type: 'llama',
      hidden_size: 128,
      num_hidden_layers: 4,
      num_attention_heads: 4,
      intermediate_size: 352,
      max_position_embeddings: 128,
    });
    expect(config.vocab_size).toBeLessThanOrEqual(4096);
  });
});
