import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SMALL_CHAT_DIR } from './index.js';

describe('small-chat files', () => {
  it('ship config, weights, tokenizer and the training record within the size budget', () => {
    for (const file of [
      'config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
      'training.json',
    ]) {
      expect(existsSync(join(SMALL_CHAT_DIR, file)), file).toBe(true);
    }
    const config = JSON.parse(readFileSync(join(SMALL_CHAT_DIR, 'config.json'), 'utf8'));
    const tokenizer = JSON.parse(readFileSync(join(SMALL_CHAT_DIR, 'tokenizer.json'), 'utf8'));
    expect(config.model_type).toBe('llama');
    // The byte-level BPE tokenizer and the embedding agree on the vocabulary.
    const ids = Object.values(tokenizer.model.vocab as Record<string, number>);
    expect(Math.max(...ids) + 1).toBe(config.vocab_size);
    expect(statSync(join(SMALL_CHAT_DIR, 'model.safetensors')).size).toBeLessThanOrEqual(40 * 1024 * 1024);
  });
});
