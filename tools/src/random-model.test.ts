import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TINY_CHAT_DIR } from '@mllr/tiny-chat';
import {
  expectedTensorShapes,
  loadCheckpoint,
  loadTokenizer,
  parseModelConfig,
  readSafetensorsHeader,
} from '@mllr/model';
import {
  makeRandomModel,
  resolveSourceFolder,
  sharedModelsDir,
  type RandomModel,
} from '../random-model/make-random-model.js';
import { randomModelConfig } from '../random-model/random-model-config.js';

const SMOL = join(sharedModelsDir(), 'SmolLM2-135M-Instruct');
const haveSmol = existsSync(join(SMOL, 'config.json'));
if (!haveSmol)
  console.warn(
    `skipping the random SmolLM2 model tests: ${SMOL} is absent (set MLLR_SHARED_MODELS to the folder of real model metadata)`,
  );

const scratch = await mkdtemp(join(tmpdir(), 'mllr-random-model-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** A small SmolLM2-shaped model: 2 layers, hidden 64, 4 query heads over 2 key/value heads, the real 49152 vocabulary. */
const SMALL = { layers: 2, hidden: 64, heads: 4, kvHeads: 2 };

describe.skipIf(!haveSmol)('a shrunken random SmolLM2 model', () => {
  const out = join(scratch, 'smol');
  let building: Promise<RandomModel> | undefined;
  const built = (): Promise<RandomModel> =>
    (building ??= makeRandomModel({ from: SMOL, out, seed: 1, init: 'normal', sizes: SMALL }));

  it('loads with loadCheckpoint, with every tensor the overridden config needs, and keeps the rest of the real config', async () => {
    const model = await built();
    const real = JSON.parse(await readFile(join(SMOL, 'config.json'), 'utf8')) as Record<string, unknown>;
    const checkpoint = await loadCheckpoint(out);
    expect(checkpoint.config).toMatchObject({
      num_hidden_layers: 2,
      hidden_size: 64,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      torch_dtype: 'float32',
    });
    for (const field of [
      'model_type',
      'vocab_size',
      'rope_theta',
      'rms_norm_eps',
      'tie_word_embeddings',
      'bos_token_id',
      'eos_token_id',
      'max_position_embeddings',
    ]) {
      expect(checkpoint.config[field], field).toEqual(real[field]);
    }
    // The MLP keeps the real model's ratio to the hidden size when only the width is given.
    expect(checkpoint.architecture.intermediateSize).toBe(
      Math.round((Number(real['intermediate_size']) * 64) / Number(real['hidden_size'])),
    );
    const expected = expectedTensorShapes(parseModelConfig(checkpoint.config, 'config.json'));
    expect([...checkpoint.tensors.values()].map((t) => [t.name, t.shape])).toEqual([...expected]);
    expect(model.parameters).toBe([...expected.values()].reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0));
    const header = await readSafetensorsHeader(join(out, 'model.safetensors'));
    expect(header.metadata).toMatchObject({
      mllr_random_weights: 'true',
      seed: '1',
      init: 'normal',
      source: 'SmolLM2-135M-Instruct',
    });
  });

  it('has training-style initial weights: norms at 1, projections with standard deviation about 0.02', async () => {
    await built();
    const { tensors } = await loadCheckpoint(out);
    expect([...tensors.get('model.norm.weight')!.data].every((v) => v === 1)).toBe(true);
    const embedding = tensors.get('model.embed_tokens.weight')!.data;
    const std = Math.sqrt(embedding.reduce((s, v) => s + v * v, 0) / embedding.length);
    expect(std).toBeGreaterThan(0.019);
    expect(std).toBeLessThan(0.021);
  });

  it("carries the real tokenizer: the same ids as the source folder's, text back from them, the chat template", async () => {
    await built();
    const [tokenizer, original] = await Promise.all([loadTokenizer(out), loadTokenizer(SMOL)]);
    const sentence = 'Hello, how do I bake bread?';
    const ids = tokenizer.encode(sentence, { addSpecialTokens: false });
    expect(ids.length).toBeGreaterThan(3);
    expect(ids).toEqual(original.encode(sentence, { addSpecialTokens: false }));
    expect(Math.max(...ids)).toBeLessThan(49152);
    expect(tokenizer.decode(ids)).toBe(sentence);
    const chat = tokenizer.applyChatTemplate([{ role: 'user', content: sentence }], { addGenerationPrompt: true });
    expect(chat).toContain(sentence);
    expect(chat).toBe(original.applyChatTemplate([{ role: 'user', content: sentence }], { addGenerationPrompt: true }));
    expect(chat.length).toBeGreaterThan(sentence.length);
  });

  it('is byte-identical for the same arguments, and other weights for another seed', async () => {
    await built();
    const again = join(scratch, 'smol-again');
    const reseeded = join(scratch, 'smol-seed-2');
    await makeRandomModel({ from: SMOL, out: again, seed: 1, init: 'normal', sizes: SMALL });
    await makeRandomModel({ from: SMOL, out: reseeded, seed: 2, init: 'normal', sizes: SMALL });
    const names = (await readdir(out)).sort();
    expect(names).toContain('model.safetensors');
    expect((await readdir(again)).sort()).toEqual(names);
    for (const name of names)
      expect((await readFile(join(again, name))).equals(await readFile(join(out, name))), name).toBe(true);
    const weights = await readFile(join(out, 'model.safetensors'));
    expect(weights.equals(await readFile(join(reseeded, 'model.safetensors')))).toBe(false);
  });
});

describe('random model arguments', () => {
  const real = {
    model_type: 'qwen2',
    hidden_size: 896,
    intermediate_size: 4864,
    num_hidden_layers: 24,
    num_attention_heads: 14,
    num_key_value_heads: 2,
    vocab_size: 151936,
  };

  it('keeps the real config when nothing is overridden, except the dtype of the F32 weights', () => {
    expect(randomModelConfig(real, {}, 'config.json')).toEqual({ ...real, torch_dtype: 'float32' });
  });

  it('refuses sizes the architecture cannot have, naming the option to pass', () => {
    expect(() => randomModelConfig(real, { hidden: 100 }, 'config.json')).toThrow(
      /hidden size 100 is not a multiple of the 14 attention heads.*--heads/,
    );
    expect(() => randomModelConfig(real, { hidden: 64, heads: 4, kvHeads: 3 }, 'config.json')).toThrow(
      /4 attention heads are not a multiple of --kv-heads 3/,
    );
    expect(() => randomModelConfig(real, { hidden: 63, heads: 9 }, 'config.json')).toThrow(
      /real model's 2 key\/value heads.*--kv-heads/,
    );
  });

  it('looks a bare name up in MLLR_SHARED_MODELS and says where it looked when the folder is missing', async () => {
    const env = { MLLR_SHARED_MODELS: join(scratch, 'no-models-here') };
    await expect(resolveSourceFolder('SmolLM2-135M-Instruct', env)).rejects.toThrow(
      `${join(scratch, 'no-models-here', 'SmolLM2-135M-Instruct')}: no model folder`,
    );
    await expect(resolveSourceFolder('./nowhere', env)).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
      message: expect.stringContaining(resolve('nowhere')),
    });
  });

  it('reads a Hub id that is no folder here from the Hugging Face cache (config and tokenizer only)', async () => {
    const cache = join(scratch, 'hf-cache');
    const commit = 'e'.repeat(40);
    const repo = join(cache, 'models--org--meta-only');
    await mkdir(join(repo, 'blobs'), { recursive: true });
    await mkdir(join(repo, 'snapshots', commit), { recursive: true });
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
      await copyFile(join(TINY_CHAT_DIR, file), join(repo, 'blobs', file));
      await symlink(`../../blobs/${file}`, join(repo, 'snapshots', commit, file));
    }
    await mkdir(join(repo, 'refs'));
    await writeFile(join(repo, 'refs', 'main'), commit);
    const env = { HF_HUB_CACHE: cache };
    expect(await resolveSourceFolder('org/meta-only', env)).toBe(join(repo, 'snapshots', commit));
    await expect(resolveSourceFolder('org/absent', env)).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
      message: expect.stringContaining(
        '`huggingface-cli download org/absent config.json tokenizer.json tokenizer_config.json` (no weights are needed here)',
      ),
    });
  });

  it('exits 2 with one line and no stack trace when the source folder is missing', async () => {
    const tool = resolve(import.meta.dirname, '../make-random-model.ts');
    const tsx = resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
    const env = { ...process.env, MLLR_SHARED_MODELS: join(scratch, 'no-models-here') };
    const failure = await promisify(execFile)(
      tsx,
      [tool, '--from', 'SmolLM2-135M-Instruct', '--out', join(scratch, 'never')],
      { env },
    ).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr.trim()).toMatch(
      /^make-random-model: .*no-models-here\/SmolLM2-135M-Instruct: no model folder/,
    );
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(scratch, 'never'))).toBe(false);
  });
});
