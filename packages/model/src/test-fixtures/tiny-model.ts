import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelArchitecture, NamedTensor } from '@mllr/core';
import { expectedTensorShapes } from '../checkpoint/expected-shapes.js';

/** A fresh temp folder for one test. */
export function tempDir(prefix = 'mllr-model-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** config.json of a tiny llama: 2 layers, 4 heads with 2 kv heads (GQA), untied; override any field. */
export function tinyLlamaConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: 16,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    intermediate_size: 24,
    vocab_size: 32,
    max_position_embeddings: 64,
    rope_theta: 10000,
    rms_norm_eps: 1e-5,
    hidden_act: 'silu',
    tie_word_embeddings: false,
    bos_token_id: 0,
    eos_token_id: 1,
    torch_dtype: 'float32',
    ...overrides,
  };
}

/** Seeded random tensors of every shape `arch` needs (mulberry32, so failures reproduce). */
export function randomTensors(arch: ModelArchitecture, seed = 1): Map<string, NamedTensor> {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
  const out = new Map<string, NamedTensor>();
  for (const [name, shape] of expectedTensorShapes(arch)) {
    const data = new Float32Array(shape.reduce((n, d) => n * d, 1));
    for (let i = 0; i < data.length; i++) data[i] = next();
    out.set(name, { name, shape, data });
  }
  return out;
}
