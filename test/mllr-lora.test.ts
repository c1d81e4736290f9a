import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { OnnxEngineProvider, OnnxLoraTrainingEngine, trainingGraphSources } from '@mllr/backend-onnx';
import { loadCheckpoint, readPeftAdapter, readSafetensorsHeader } from '@mllr/model';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

/**
 * LoRA through the `mllr` command on the embedded tiny-chat model: `mllr finetune --lora-r` writes a PEFT adapter and
 * the merged model; `--adapter` on generate gives the merged model's output; the adapter computed unmerged (the LoRA
 * training graph) gives the merged model's logits; unsupported engines and PEFT options are refused by name.
 */

const TINY_CHAT = resolve(import.meta.dirname, '../packages/tiny-chat/model');

/** Eight pre-tokenized records of tiny-chat's vocabulary (425 tokens). */
const RECORDS = Array.from({ length: 8 }, (_, i) => ({
  ids: [1, ...Array.from({ length: 10 + i }, (_, t) => 5 + ((i * 37 + t * 11) % 400))],
  prompt_length: 3 + (i % 4),
}));

describe('LoRA adapters through mllr', () => {
  let dir = '';
  let out = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mllr-lora-'));
    writeFileSync(join(dir, 'data.jsonl'), RECORDS.map((r) => JSON.stringify(r)).join('\n'));
    out = join(dir, 'out');
    const result = await runMllr([
      'finetune',
      '--engine',
      'onnx',
      '--model',
      TINY_CHAT,
      '--data',
      join(dir, 'data.jsonl'),
      '--out',
      out,
      '--lora-r',
      '4',
      '--lora-alpha',
      '8',
      '--lora-targets',
      'q,v,down',
      '--steps',
      '4',
      '--batch-size',
      '4',
      '--lr',
      '0.01',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 300_000);

  it('writes OUT/adapter in PEFT layout and OUT/merged, changing only the targeted projections', async () => {
    const config = JSON.parse(readFileSync(join(out, 'adapter', 'adapter_config.json'), 'utf8'));
    expect(config).toMatchObject({
      peft_type: 'LORA',
      r: 4,
      lora_alpha: 8,
      target_modules: ['q_proj', 'v_proj', 'down_proj'],
      bias: 'none',
      task_type: 'CAUSAL_LM',
      use_rslora: false,
      base_model_name_or_path: TINY_CHAT,
    });
    const header = await readSafetensorsHeader(join(out, 'adapter', 'adapter_model.safetensors'));
    const base = await loadCheckpoint(TINY_CHAT);
    const layers = base.architecture.numLayers;
    expect(header.tensors.size).toBe(layers * 3 * 2);
    for (let l = 0; l < layers; l++) {
      for (const module of ['self_attn.q_proj', 'self_attn.v_proj', 'mlp.down_proj']) {
        const [outSize, inSize] = base.tensors.get(`model.layers.${l}.${module}.weight`)!.shape;
        expect(header.tensors.get(`base_model.model.model.layers.${l}.${module}.lora_A.weight`)?.shape).toEqual([
          4,
          inSize,
        ]);
        expect(header.tensors.get(`base_model.model.model.layers.${l}.${module}.lora_B.weight`)?.shape).toEqual([
          outSize,
          4,
        ]);
      }
    }
    const merged = await loadCheckpoint(join(out, 'merged'));
    for (const [name, t] of merged.tensors) {
      const moved = t.data.some((v, i) => v !== base.tensors.get(name)!.data[i]);
      expect(moved, name).toBe(/\.(q_proj|v_proj|down_proj)\.weight$/.test(name));
    }
  });

  it("the adapter loaded back and applied unmerged (the LoRA training graph) gives the merged model's logits", async () => {
    const base = await loadCheckpoint(TINY_CHAT);
    const adapter = await readPeftAdapter(join(out, 'adapter'), base.architecture);
    const lora = await OnnxLoraTrainingEngine.createLora(
      base,
      { settings: adapter.settings, tensors: adapter.tensors, seed: 0 },
      {
        gradients: trainingGraphSources({ threads: 1 }),
      },
    );
    const examples = RECORDS.slice(0, 4).map((r) => ({ ids: r.ids, promptLength: r.prompt_length }));
    const provider = new OnnxEngineProvider({ threads: 1 });
    const merged = await provider.openInference(join(out, 'merged'));
    try {
      lora.configure([{ name: 'all', tensors: lora.tensorNames(), learningRate: 0, weightDecay: 0 }], {
        beta1: 0.9,
        beta2: 0.999,
        epsilon: 1e-8,
        maxGradNorm: 0,
        gradientAccumulation: 1,
      });
      const unmerged = await lora.trainStep(examples);
      const { data, vocabSize } = await merged.logits({ sequences: examples.map((e) => e.ids) });
      let sum = 0;
      let count = 0;
      examples.forEach((e, b) => {
        for (let t = e.promptLength - 1; t + 1 < e.ids.length; t++) {
          const row = data[b]!.subarray(t * vocabSize, (t + 1) * vocabSize);
          const max = Math.max(...row);
          const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max;
          sum += logSum - row[e.ids[t + 1]!]!;
          count++;
        }
      });
      expect(unmerged.tokens).toBe(count);
      expect(Math.abs(unmerged.loss - sum / count) / (sum / count)).toBeLessThan(1e-5);
    } finally {
      await lora.dispose();
      await merged.dispose();
    }
  });

  it('mllr generate --adapter gives what the merged model gives', async () => {
    const args = ['--ids', '1,40,41,42,43', '--max-new-tokens', '12', '--engine', 'onnx', '--json'];
    const withAdapter = await runMllr(['generate', '--model', TINY_CHAT, '--adapter', join(out, 'adapter'), ...args]);
    const merged = await runMllr(['generate', '--model', join(out, 'merged'), ...args]);
    for (const r of [withAdapter, merged]) expect(r.stderr).toBe('');
    expect(JSON.parse(withAdapter.stdout).output_ids).toEqual(JSON.parse(merged.stdout).output_ids);
    expect(JSON.parse(withAdapter.stdout).prompt_ids).toEqual([1, 40, 41, 42, 43]);
  });

  it("model.adapter: a run's base model is the model with the adapter merged in (the merged model, bit for bit)", async () => {
    const config = join(dir, 'adapted.yaml');
    writeFileSync(
      config,
      [
        `model: { path: ${JSON.stringify(TINY_CHAT)}, adapter: ${JSON.stringify(join(out, 'adapter'))} }`,
        'proxy: { name: noise, options: { repeats: 1 } }',
        'search: { name: greedy, options: { maxModules: 2 } }',
        'strategies: [{ id: uniform, schedule: uniform }]',
        'training: { steps: 1, batch_size: 4 }',
      ].join('\n'),
    );
    const run = join(dir, 'adapted-run');
    const result = await runMllr(['run', '--headless', '--config', config, '--out', run]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const base = JSON.parse(readFileSync(join(run, 'base.json'), 'utf8')) as { model: string };
    expect(base.model).toBe(join(run, 'base', 'adapted-model'));
    const adapted = await loadCheckpoint(base.model);
    const merged = await loadCheckpoint(join(out, 'merged'));
    for (const [name, t] of merged.tensors)
      expect(Buffer.from(adapted.tensors.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
  }, 300_000);

  it('refuses LoRA on the tfjs engine and DoRA adapters by name (exit 2)', async () => {
    const tfjs = await runMllr([
      'finetune',
      '--engine',
      'tfjs',
      '--model',
      TINY_CHAT,
      '--data',
      join(dir, 'data.jsonl'),
      '--out',
      join(dir, 'tfjs'),
      '--lora-r',
      '2',
      '--steps',
      '1',
    ]);
    expect(tfjs.code).toBe(2);
    expect(tfjs.stderr).toMatch(/the tfjs engine does not train LoRA adapters; use --engine onnx/);
    const dora = join(dir, 'dora');
    const copy = await runMllr([
      'finetune',
      '--engine',
      'onnx',
      '--model',
      TINY_CHAT,
      '--data',
      join(dir, 'data.jsonl'),
      '--out',
      dora,
      '--lora-r',
      '2',
      '--steps',
      '1',
    ]);
    expect(copy.code).toBe(0);
    const configFile = join(dora, 'adapter', 'adapter_config.json');
    writeFileSync(configFile, JSON.stringify({ ...JSON.parse(readFileSync(configFile, 'utf8')), use_dora: true }));
    const refused = await runMllr([
      'generate',
      '--model',
      TINY_CHAT,
      '--adapter',
      join(dora, 'adapter'),
      '--ids',
      '1,2',
      '--max-new-tokens',
      '2',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/DoRA \(use_dora: true\) is not supported by mllr/);
    const contradict = await runMllr([
      'finetune',
      '--model',
      TINY_CHAT,
      '--data',
      join(dir, 'data.jsonl'),
      '--out',
      join(dir, 'x'),
      '--adapter-init',
      join(out, 'adapter'),
      '--lora-r',
      '8',
    ]);
    expect(contradict.code).toBe(2);
    expect(contradict.stderr).toMatch(/--lora-r 8 contradicts --adapter-init .*, whose r is 4/);
  });
});
