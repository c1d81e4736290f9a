import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ropeInverseFrequencies } from '../decoder-inputs/rope-tables.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { expectedTensorShapes } from './expected-shapes.js';
import { loadCheckpoint } from './load-checkpoint.js';

// Tiny checkpoints of several families, written by the PyTorch script in tools/fixtures (outside this package).
const ROOT = fileURLToPath(new URL('../../../../fixtures/checkpoints', import.meta.url));
const folders = existsSync(ROOT)
  ? readdirSync(ROOT, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(ROOT, e.name, 'config.json')))
      .map((e) => e.name)
      .sort()
  : [];

if (folders.length === 0)
  console.warn(`fixture checkpoint tests skipped: no folders in ${ROOT} (run tools/fixtures/make_checkpoints.py)`);

describe.skipIf(folders.length === 0)(`fixture checkpoints in ${ROOT}`, () => {
  it.each(folders)('%s loads with the architecture of its config.json and every tensor', async (name) => {
    const dir = join(ROOT, name);
    const raw = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    const ckpt = await loadCheckpoint(dir);
    const heads = raw['num_attention_heads'] as number;
    expect(ckpt.architecture).toMatchObject({
      family: raw['model_type'],
      vocabSize: raw['vocab_size'],
      hiddenSize: raw['hidden_size'],
      numLayers: raw['num_hidden_layers'],
      numHeads: heads,
      numKvHeads: raw['num_key_value_heads'] ?? heads,
      headDim: raw['head_dim'] ?? (raw['hidden_size'] as number) / heads,
      intermediateSize: raw['intermediate_size'],
      ropeTheta: raw['rope_theta'] ?? 10000,
      rmsNormEps: raw['rms_norm_eps'] ?? 1e-6,
      tieWordEmbeddings: raw['tie_word_embeddings'] ?? false,
      qkvBias: raw['model_type'] === 'qwen2' || raw['attention_bias'] === true,
    });
    for (const [tensor, shape] of expectedTensorShapes(ckpt.architecture)) {
      const t = ckpt.tensors.get(tensor);
      expect(t, tensor).toBeDefined();
      expect(t!.shape, tensor).toEqual(shape);
      expect(t!.data.every(Number.isFinite), `${tensor} holds only finite values`).toBe(true);
    }
    expect(ckpt.tensors.size).toBe(expectedTensorShapes(ckpt.architecture).size);

    // Fixtures with rope_scaling carry PyTorch's inverse frequencies: mllr's equal them bit for bit.
    expect(ckpt.architecture.ropeScaling !== undefined).toBe(raw['rope_scaling'] != null);
    const referenceFile = join(dir, 'reference.json');
    const reference = existsSync(referenceFile)
      ? (JSON.parse(readFileSync(referenceFile, 'utf8')) as { rope_inverse_frequencies?: number[] })
      : {};
    if (reference.rope_inverse_frequencies)
      expect(ropeInverseFrequencies(ckpt.architecture)).toEqual(Float32Array.from(reference.rope_inverse_frequencies));

    if (existsSync(join(dir, 'tokenizer.json'))) {
      const tok = await loadTokenizer(dir);
      expect(tok.vocabSize).toBeLessThanOrEqual(ckpt.architecture.vocabSize);
      if (ckpt.architecture.bosTokenId !== undefined) expect(tok.bosTokenId).toBe(ckpt.architecture.bosTokenId);
      for (const eos of ckpt.architecture.eosTokenIds) expect(tok.eosTokenIds).toContain(eos);
    }
  });
});
