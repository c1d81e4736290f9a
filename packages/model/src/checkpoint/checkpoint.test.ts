import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NamedTensor } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../config/parse-model-config.js';
import { writeSafetensors } from '../safetensors/write-safetensors.js';
import { randomTensors, tempDir, tinyLlamaConfig } from '../test-fixtures/tiny-model.js';
import { expectedTensorShapes, parameterCount } from './expected-shapes.js';
import { loadCheckpoint } from './load-checkpoint.js';
import { saveCheckpoint } from './save-checkpoint.js';

const config = tinyLlamaConfig();
const arch = parseModelConfig(config, 'config.json');

async function savedTiny(
  overrides: Record<string, unknown> = {},
): Promise<{ dir: string; tensors: Map<string, NamedTensor> }> {
  const cfg = tinyLlamaConfig(overrides);
  const tensors = randomTensors(parseModelConfig(cfg, 'config.json'));
  const dir = tempDir();
  await saveCheckpoint(dir, { config: cfg, tensors });
  return { dir, tensors };
}

/** Rewrites model.safetensors of `dir` with `tensors`, bypassing saveCheckpoint's own check. */
async function rewriteWeights(dir: string, tensors: Iterable<NamedTensor>): Promise<void> {
  await writeSafetensors(join(dir, 'model.safetensors'), tensors);
}

describe('saveCheckpoint / loadCheckpoint', () => {
  it('loads back exactly what was saved', async () => {
    const { dir, tensors } = await savedTiny();
    const ckpt = await loadCheckpoint(dir);
    expect(ckpt.dir).toBe(dir);
    expect(ckpt.architecture).toEqual(arch);
    expect(ckpt.config).toEqual(config);
    expect([...ckpt.tensors.keys()]).toEqual([...expectedTensorShapes(arch).keys()]);
    for (const [name, t] of tensors) {
      expect(ckpt.tensors.get(name)!.shape).toEqual(t.shape);
      expect(ckpt.tensors.get(name)!.data).toEqual(t.data);
    }
    expect(ckpt.moduleMap.modules).toHaveLength(14);
    expect(ckpt.moduleMap.tensorsOf('L1.k')).toEqual(['model.layers.1.self_attn.k_proj.weight']);
  });

  it('saves qwen2 biases and tied embeddings, and copies tokenizer files', async () => {
    const source = tempDir();
    writeFileSync(join(source, 'tokenizer.json'), '{"model":{}}');
    writeFileSync(join(source, 'generation_config.json'), '{"do_sample":false}');
    const cfg = tinyLlamaConfig({ model_type: 'qwen2', tie_word_embeddings: true });
    const qwen = parseModelConfig(cfg, 'config.json');
    const dir = tempDir();
    await saveCheckpoint(dir, { config: cfg, tensors: randomTensors(qwen), copyFrom: source });
    expect(readFileSync(join(dir, 'tokenizer.json'), 'utf8')).toBe('{"model":{}}');
    expect(readFileSync(join(dir, 'generation_config.json'), 'utf8')).toBe('{"do_sample":false}');
    expect(existsSync(join(dir, 'tokenizer_config.json'))).toBe(false);
    const ckpt = await loadCheckpoint(dir);
    expect(ckpt.tensors.has('lm_head.weight')).toBe(false);
    expect(ckpt.tensors.get('model.layers.0.self_attn.v_proj.bias')!.shape).toEqual([8]);
    expect(ckpt.moduleMap.tensorsOf('L0.q')).toEqual([
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.0.self_attn.q_proj.bias',
    ]);
  });

  it('refuses to save tensors that do not fit the config, writing nothing', async () => {
    const dir = tempDir();
    const tensors = randomTensors(arch);
    tensors.delete('model.norm.weight');
    await expect(saveCheckpoint(dir, { config, tensors })).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('missing tensor "model.norm.weight"'),
    });
    expect(existsSync(join(dir, 'model.safetensors'))).toBe(false);
  });

  it('names a missing tensor with its expected shape', async () => {
    const { dir, tensors } = await savedTiny();
    tensors.delete('model.layers.1.mlp.up_proj.weight');
    await rewriteWeights(dir, tensors.values());
    await expect(loadCheckpoint(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('missing tensor "model.layers.1.mlp.up_proj.weight" (expected shape [24, 16])'),
    });
  });

  it('names a tensor with the wrong shape, its file, and both shapes', async () => {
    const { dir, tensors } = await savedTiny();
    tensors.set('model.layers.0.self_attn.k_proj.weight', {
      name: 'model.layers.0.self_attn.k_proj.weight',
      shape: [16, 16],
      data: new Float32Array(256),
    });
    await rewriteWeights(dir, tensors.values());
    await expect(loadCheckpoint(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining(
        `${join(dir, 'model.safetensors')}: tensor "model.layers.0.self_attn.k_proj.weight" has shape [16, 16], expected [8, 16]`,
      ),
    });
  });

  it('refuses unexpected tensors but skips rotary buffers and the head of a tied model', async () => {
    const { dir, tensors } = await savedTiny({ tie_word_embeddings: true });
    const extra = (name: string, shape: number[]) => ({
      name,
      shape,
      data: new Float32Array(shape.reduce((n, d) => n * d, 1)),
    });
    await rewriteWeights(dir, [
      ...tensors.values(),
      extra('model.layers.0.self_attn.rotary_emb.inv_freq', [2]),
      extra('lm_head.weight', [32, 16]),
    ]);
    const ckpt = await loadCheckpoint(dir);
    expect(ckpt.tensors.has('lm_head.weight')).toBe(false);
    expect(ckpt.tensors.has('model.layers.0.self_attn.rotary_emb.inv_freq')).toBe(false);

    await rewriteWeights(dir, [...tensors.values(), extra('model.layers.0.self_attn.q_proj.bias', [16])]);
    await expect(loadCheckpoint(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('unexpected tensor "model.layers.0.self_attn.q_proj.bias"'),
    });
  });

  it('refuses a pickle-only folder without reading the pickle', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    writeFileSync(join(dir, 'pytorch_model.bin'), 'not even a pickle');
    const error = await loadCheckpoint(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CHECKPOINT_UNSUPPORTED' });
    expect((error as Error).message).toContain('pytorch_model.bin');
    expect((error as Error).message).toContain('arbitrary code');
    expect((error as Error).message).toContain('safe_serialization=True');
  });

  it('names a missing folder, a missing config.json and missing weights', async () => {
    const missing = join(tempDir(), 'nothing-here');
    await expect(loadCheckpoint(missing)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining(missing),
    });
    const empty = tempDir();
    await expect(loadCheckpoint(empty)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: `${join(empty, 'config.json')}: file not found`,
    });
    writeFileSync(join(empty, 'config.json'), JSON.stringify(config));
    await expect(loadCheckpoint(empty)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('no model.safetensors'),
    });
  });

  it('points a folder that holds only an ONNX model to the onnx engine', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    writeFileSync(join(dir, 'model.onnx'), 'an onnx graph');
    await expect(loadCheckpoint(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: `${dir}: no model.safetensors or model.safetensors.index.json; it holds model.onnx, an ONNX model, which the onnx engine runs (\`--engine onnx\`) for generation and evaluation`,
    });
  });

  it('loads a sharded checkpoint through its index', async () => {
    const dir = tempDir();
    const tensors = randomTensors(arch, 7);
    const names = [...tensors.keys()];
    const half = Math.floor(names.length / 2);
    const shards = {
      'model-00001-of-00002.safetensors': names.slice(0, half),
      'model-00002-of-00002.safetensors': names.slice(half),
    };
    const weightMap: Record<string, string> = {};
    for (const [shard, list] of Object.entries(shards)) {
      await writeSafetensors(
        join(dir, shard),
        list.map((n) => tensors.get(n)!),
      );
      for (const n of list) weightMap[n] = shard;
    }
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const ckpt = await loadCheckpoint(dir);
    for (const [name, t] of tensors) expect(ckpt.tensors.get(name)!.data).toEqual(t.data);

    writeFileSync(
      join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: { ...weightMap, 'model.norm.weight': '../elsewhere.safetensors' } }),
    );
    await expect(loadCheckpoint(dir)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('not a .safetensors file name in the same folder'),
    });
  });
});

describe('parameterCount', () => {
  it('counts every weight once', () => {
    // embed 32×16 + head 32×16 + norm 16 + 2 layers × (2×16 norms + q 16×16 + k,v 8×16 each + o 16×16 + 3 × 24×16)
    const perLayer = 2 * 16 + 256 + 2 * 128 + 256 + 3 * 384;
    expect(parameterCount(arch)).toBe(2 * 512 + 16 + 2 * perLayer);
    expect(parameterCount({ ...arch, tieWordEmbeddings: true })).toBe(512 + 16 + 2 * perLayer);
  });
});
