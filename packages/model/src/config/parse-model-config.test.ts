import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tinyLlamaConfig } from '../test-fixtures/tiny-model.js';
import { loadModelConfig } from './load-model-config.js';
import { parseModelConfig } from './parse-model-config.js';

const FILE = '/models/x/config.json';
/** Llama 3.1's rope_scaling, as its config.json spells it. */
const LLAMA3 = {
  factor: 8.0,
  low_freq_factor: 1.0,
  high_freq_factor: 4.0,
  original_max_position_embeddings: 8192,
  rope_type: 'llama3',
};

describe('parseModelConfig', () => {
  it('parses a tied multi-head llama, filling defaults', () => {
    const arch = parseModelConfig(
      {
        model_type: 'llama',
        hidden_size: 64,
        num_hidden_layers: 3,
        num_attention_heads: 8,
        intermediate_size: 172,
        vocab_size: 100,
        tie_word_embeddings: true,
        eos_token_id: 2,
      },
      FILE,
    );
    expect(arch).toEqual({
      family: 'llama',
      vocabSize: 100,
      hiddenSize: 64,
      numLayers: 3,
      numHeads: 8,
      numKvHeads: 8,
      headDim: 8,
      intermediateSize: 172,
      maxPositionEmbeddings: 2048,
      ropeTheta: 10000,
      rmsNormEps: 1e-6,
      qkvBias: false,
      tieWordEmbeddings: true,
      eosTokenIds: [2],
    });
  });

  it('parses an untied grouped-query llama with explicit values', () => {
    const arch = parseModelConfig(
      tinyLlamaConfig({
        rope_theta: 500000,
        eos_token_id: [1, 5, 1],
        pad_token_id: 3,
        head_dim: 8,
        attention_bias: false,
      }),
      FILE,
    );
    expect(arch).toMatchObject({
      numHeads: 4,
      numKvHeads: 2,
      headDim: 8,
      ropeTheta: 500000,
      rmsNormEps: 1e-5,
      tieWordEmbeddings: false,
    });
    expect(arch.eosTokenIds).toEqual([1, 5]);
    expect(arch.bosTokenId).toBe(0);
    expect(arch.padTokenId).toBe(3);
  });

  it('gives qwen2 q/k/v biases always and refuses llama attention_bias (it also biases o_proj)', () => {
    const qwen = parseModelConfig(
      tinyLlamaConfig({ model_type: 'qwen2', attention_bias: false, tie_word_embeddings: true }),
      FILE,
    );
    expect(qwen.family).toBe('qwen2');
    expect(qwen.qkvBias).toBe(true);
    expect(() => parseModelConfig(tinyLlamaConfig({ attention_bias: true }), FILE)).toThrow(
      /attention_bias.*only qwen2-style q\/k\/v biases are supported/,
    );
  });

  it('caps mistral context at a smaller sliding window, and only then', () => {
    const windowed = parseModelConfig(
      tinyLlamaConfig({ model_type: 'mistral', max_position_embeddings: 32768, sliding_window: 4096 }),
      FILE,
    );
    expect(windowed.family).toBe('mistral');
    expect(windowed.maxPositionEmbeddings).toBe(4096);
    expect(
      parseModelConfig(tinyLlamaConfig({ model_type: 'mistral', sliding_window: null }), FILE).maxPositionEmbeddings,
    ).toBe(64);
    expect(
      parseModelConfig(tinyLlamaConfig({ model_type: 'mistral', sliding_window: 1000 }), FILE).maxPositionEmbeddings,
    ).toBe(64);
    // qwen2 carries a sliding_window it does not use unless use_sliding_window is set.
    expect(
      parseModelConfig(tinyLlamaConfig({ model_type: 'qwen2', sliding_window: 16 }), FILE).maxPositionEmbeddings,
    ).toBe(64);
    expect(
      parseModelConfig(tinyLlamaConfig({ model_type: 'qwen2', sliding_window: 16, use_sliding_window: true }), FILE)
        .maxPositionEmbeddings,
    ).toBe(16);
  });

  it('reads rope_scaling: llama3, linear (rope_type or the legacy type), and default or null as plain RoPE', () => {
    expect(parseModelConfig(tinyLlamaConfig({ rope_scaling: LLAMA3 }), FILE).ropeScaling).toEqual({
      kind: 'llama3',
      factor: 8,
      lowFreqFactor: 1,
      highFreqFactor: 4,
      originalMaxPositionEmbeddings: 8192,
    });
    expect(
      parseModelConfig(tinyLlamaConfig({ rope_scaling: { rope_type: 'linear', factor: 2.5 } }), FILE).ropeScaling,
    ).toEqual({ kind: 'linear', factor: 2.5 });
    expect(
      parseModelConfig(tinyLlamaConfig({ model_type: 'qwen2', rope_scaling: { type: 'linear', factor: 4 } }), FILE)
        .ropeScaling,
    ).toEqual({ kind: 'linear', factor: 4 });
    for (const plain of [null, { rope_type: 'default' }])
      expect(parseModelConfig(tinyLlamaConfig({ rope_scaling: plain }), FILE)).not.toHaveProperty('ropeScaling');
  });

  it.each([
    ['hidden_act', { hidden_act: 'gelu' }, 'CHECKPOINT_UNSUPPORTED', /"hidden_act" is "gelu"; only "silu"/],
    [
      'rope_scaling',
      { rope_scaling: { rope_type: 'yarn', factor: 4 } },
      'CHECKPOINT_UNSUPPORTED',
      /"rope_scaling.rope_type" is "yarn": RoPE scaling kind "yarn" is not supported .*linear, llama3/,
    ],
    [
      'rope_scaling',
      { rope_scaling: { type: 'dynamic', factor: 2 } },
      'CHECKPOINT_UNSUPPORTED',
      /"rope_scaling.type" is "dynamic": RoPE scaling kind "dynamic" is not supported/,
    ],
    [
      'rope_scaling',
      { rope_scaling: { rope_type: 'longrope', short_factor: [1], long_factor: [2] } },
      'CHECKPOINT_UNSUPPORTED',
      /kind "longrope" is not supported/,
    ],
    ['rope_scaling', { rope_scaling: { factor: 2 } }, 'CHECKPOINT_INVALID', /"rope_scaling.rope_type" is missing/],
    ['rope_scaling', { rope_scaling: 'linear' }, 'CHECKPOINT_INVALID', /"rope_scaling" must be an object or null/],
    [
      'rope_scaling',
      { rope_scaling: { rope_type: 'linear' } },
      'CHECKPOINT_INVALID',
      /"rope_scaling.factor" is missing/,
    ],
    [
      'rope_scaling',
      { rope_scaling: { ...LLAMA3, high_freq_factor: 1 } },
      'CHECKPOINT_INVALID',
      /"rope_scaling.high_freq_factor" is 1, not above low_freq_factor \(1\)/,
    ],
    [
      'rope_scaling',
      { rope_scaling: { ...LLAMA3, original_max_position_embeddings: 8.5 } },
      'CHECKPOINT_INVALID',
      /"rope_scaling.original_max_position_embeddings" must be a positive integer/,
    ],
    ['mlp_bias', { mlp_bias: true }, 'CHECKPOINT_UNSUPPORTED', /"mlp_bias" is true/],
    ['quantization_config', { quantization_config: { bits: 4 } }, 'CHECKPOINT_UNSUPPORTED', /"quantization_config"/],
    [
      'model_type',
      { model_type: 'gpt2' },
      'CHECKPOINT_UNSUPPORTED',
      /"model_type" is "gpt2"; supported model types: llama, qwen2, mistral/,
    ],
    ['model_type', { model_type: undefined }, 'CHECKPOINT_INVALID', /"model_type" is missing/],
    ['hidden_size', { hidden_size: undefined }, 'CHECKPOINT_INVALID', /"hidden_size" is missing/],
    [
      'num_hidden_layers',
      { num_hidden_layers: 2.5 },
      'CHECKPOINT_INVALID',
      /"num_hidden_layers" must be a positive integer, got 2.5/,
    ],
    ['vocab_size', { vocab_size: 0 }, 'CHECKPOINT_INVALID', /"vocab_size" must be a positive integer, got 0/],
    [
      'intermediate_size',
      { intermediate_size: '24' },
      'CHECKPOINT_INVALID',
      /"intermediate_size" must be a positive integer, got "24"/,
    ],
    [
      'num_attention_heads',
      { num_attention_heads: -4 },
      'CHECKPOINT_INVALID',
      /"num_attention_heads" must be a positive integer/,
    ],
    [
      'num_key_value_heads',
      { num_key_value_heads: 3 },
      'CHECKPOINT_INVALID',
      /"num_key_value_heads" is 3, which does not divide num_attention_heads \(4\)/,
    ],
    [
      'hidden_size',
      { hidden_size: 18 },
      'CHECKPOINT_INVALID',
      /"hidden_size" is 18, not a multiple of num_attention_heads/,
    ],
    ['rope_theta', { rope_theta: -1 }, 'CHECKPOINT_INVALID', /"rope_theta" must be a positive number/],
    [
      'tie_word_embeddings',
      { tie_word_embeddings: 'yes' },
      'CHECKPOINT_INVALID',
      /"tie_word_embeddings" must be true or false/,
    ],
    ['eos_token_id', { eos_token_id: 99 }, 'CHECKPOINT_INVALID', /"eos_token_id" is 99, outside the vocabulary/],
    [
      'bos_token_id',
      { bos_token_id: 'x' },
      'CHECKPOINT_INVALID',
      /"bos_token_id" must be a non-negative integer token id/,
    ],
  ])('refuses %s (%j)', (_field, overrides, code, message) => {
    const config = tinyLlamaConfig(overrides);
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete config[key];
    let caught: unknown;
    try {
      parseModelConfig(config, FILE);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code });
    expect((caught as Error).message).toContain(FILE);
    expect((caught as Error).message).toMatch(message);
  });

  it('refuses a config that is not an object', () => {
    expect(() => parseModelConfig([1, 2], FILE)).toThrow(
      expect.objectContaining({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining(FILE) }),
    );
  });
});

describe('loadModelConfig', () => {
  it('reads config.json of a folder', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify(tinyLlamaConfig()));
    expect((await loadModelConfig(dir)).numLayers).toBe(2);
  });

  it('names a missing or malformed config.json', async () => {
    const dir = tempDir();
    await expect(loadModelConfig(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: `${join(dir, 'config.json')}: file not found`,
    });
    writeFileSync(join(dir, 'config.json'), '{ "model_type": ');
    await expect(loadModelConfig(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringMatching(/config\.json: not valid JSON/),
    });
  });
});
