import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loraScaling, type LoraSettings } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { readSafetensorsHeader } from '../safetensors/read-safetensors.js';
import { tinyArchitecture } from '../checkpoint/random-tensors.js';
import { tempDir } from '../test-fixtures/tiny-model.js';
import { initialLoraTensors, loraShapes, mergeLora } from './lora-tensors.js';
import { PEFT_CONFIG_FILE, PEFT_WEIGHTS_FILE, readPeftAdapter, writePeftAdapter } from './peft-adapter.js';

const arch = tinyArchitecture({ qkvBias: true }); // hidden 16, 4 heads × 4 over 2 kv heads, intermediate 24
const settings: LoraSettings = { r: 3, alpha: 6, dropout: 0, targets: ['q', 'v', 'down'], rslora: false };

/** Seeded nonzero adapter tensors (A and B both nonzero). */
function nonzeroAdapter(s: LoraSettings = settings): Map<string, Float32Array> {
  const tensors = initialLoraTensors(arch, s, 7);
  for (const [name, data] of tensors)
    if (name.includes('lora_B')) data.forEach((_, i) => (data[i] = Math.sin(i + name.length) / 10));
  return tensors;
}

describe('PEFT adapter folders', () => {
  it("names and shapes tensors by PEFT's layout rules (get_peft_model_state_dict of a LoraModel on a causal LM)", async () => {
    const dir = tempDir();
    await writePeftAdapter(dir, arch, { settings, tensors: nonzeroAdapter(), baseModel: 'some/base' });
    const header = await readSafetensorsHeader(join(dir, PEFT_WEIGHTS_FILE));
    const names = [...header.tensors.keys()].sort();
    // One A and one B per targeted module of every layer, nothing else (bias "none" keeps only keys with "lora_").
    expect(names).toHaveLength(arch.numLayers * settings.targets.length * 2);
    const submodules = { q: 'self_attn.q_proj', v: 'self_attn.v_proj', down: 'mlp.down_proj' } as const;
    const outIn = { q: [16, 16], v: [8, 16], down: [16, 24] } as const;
    for (let layer = 0; layer < arch.numLayers; layer++) {
      for (const type of ['q', 'v', 'down'] as const) {
        // Rule: PeftModel.base_model (LoraModel) .model (the transformers model) → prefix base_model.model., then the
        // module's own path; the adapter name ("default") is removed from lora_A.default.weight.
        const prefix = `base_model.model.model.layers.${layer}.${submodules[type]}`;
        const [out, inSize] = outIn[type];
        // Rule: lora_A is nn.Linear(in, r): weight [r, in]; lora_B is nn.Linear(r, out): weight [out, r].
        expect(header.tensors.get(`${prefix}.lora_A.weight`)?.shape).toEqual([settings.r, inSize]);
        expect(header.tensors.get(`${prefix}.lora_B.weight`)?.shape).toEqual([out, settings.r]);
      }
    }
    for (const name of names) {
      expect(name).toMatch(/^base_model\.model\.model\.layers\.\d+\.(self_attn|mlp)\.[a-z]+_proj\.lora_[AB]\.weight$/);
      expect(name).not.toContain('.default.');
      expect(name).not.toContain('base_layer');
    }
    const config = JSON.parse(readFileSync(join(dir, PEFT_CONFIG_FILE), 'utf8'));
    expect(config).toMatchObject({
      peft_type: 'LORA',
      task_type: 'CAUSAL_LM',
      r: 3,
      lora_alpha: 6,
      lora_dropout: 0,
      bias: 'none',
      target_modules: ['q_proj', 'v_proj', 'down_proj'],
      base_model_name_or_path: 'some/base',
      use_rslora: false,
      use_dora: false,
      fan_in_fan_out: false,
      modules_to_save: null,
    });
  });

  it('reads back what it wrote, bit for bit', async () => {
    const dir = tempDir();
    const tensors = nonzeroAdapter({ ...settings, rslora: true });
    await writePeftAdapter(dir, arch, { settings: { ...settings, rslora: true }, tensors, baseModel: 'b' });
    const back = await readPeftAdapter(dir, arch);
    expect(back.settings).toEqual({ ...settings, rslora: true });
    expect(back.baseModel).toBe('b');
    expect([...back.tensors.keys()]).toEqual([...tensors.keys()]);
    for (const [name, data] of tensors) expect(back.tensors.get(name)).toEqual(data);
  });

  it('refuses DoRA, modules_to_save, bias training and foreign tensors by name', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ use_dora: true }, /DoRA \(use_dora: true\) is not supported/],
      [{ modules_to_save: ['lm_head'] }, /modules_to_save \(\["lm_head"\]\) is not supported/],
      [{ bias: 'lora_only' }, /bias training \(bias: "lora_only"; only "none"\) is not supported/],
      [{ peft_type: 'IA3' }, /peft_type is "IA3"; mllr reads LORA adapters only/],
      [{ target_modules: ['q_proj', 'embed_tokens'] }, /target module "embed_tokens" is not one of/],
    ];
    for (const [change, message] of cases) {
      const dir = tempDir();
      await writePeftAdapter(dir, arch, { settings, tensors: nonzeroAdapter(), baseModel: 'b' });
      const file = join(dir, PEFT_CONFIG_FILE);
      writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...change }));
      await expect(readPeftAdapter(dir, arch)).rejects.toThrow(message);
    }
  });

  it('refuses an adapter whose rank does not match its tensors', async () => {
    const dir = tempDir();
    await writePeftAdapter(dir, arch, { settings, tensors: nonzeroAdapter(), baseModel: 'b' });
    const file = join(dir, PEFT_CONFIG_FILE);
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), r: 4 }));
    await expect(readPeftAdapter(dir, arch)).rejects.toThrow(/has shape \[3,16\]; this model and r = 4 need \[4,16\]/);
  });
});

describe('LoRA tensors', () => {
  it("initialises A uniformly within ±1/√in (PEFT's kaiming_uniform_ with a = √5) and B at zero, seeded", () => {
    const a = initialLoraTensors(arch, settings, 3);
    const again = initialLoraTensors(arch, settings, 3);
    const other = initialLoraTensors(arch, settings, 4);
    expect([...a.keys()]).toEqual([...loraShapes(arch, settings).keys()]);
    const downA = a.get('model.layers.1.mlp.down_proj.lora_A.weight')!;
    expect(downA).toHaveLength(3 * 24);
    expect(Math.max(...downA.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(24));
    expect(Math.max(...downA.map(Math.abs))).toBeGreaterThan(0.8 / Math.sqrt(24));
    expect(a.get('model.layers.1.mlp.down_proj.lora_B.weight')!.every((v) => v === 0)).toBe(true);
    expect(again.get('model.layers.0.self_attn.q_proj.lora_A.weight')).toEqual(
      a.get('model.layers.0.self_attn.q_proj.lora_A.weight'),
    );
    expect(other.get('model.layers.0.self_attn.q_proj.lora_A.weight')).not.toEqual(
      a.get('model.layers.0.self_attn.q_proj.lora_A.weight'),
    );
  });

  it('merges W + s·B·A into targeted weights only, leaving the inputs unchanged', () => {
    const adapter = nonzeroAdapter();
    const w = new Float32Array(8 * 16).map((_, i) => i / 100);
    const weights = new Map([
      ['model.layers.0.self_attn.v_proj.weight', w],
      ['model.layers.0.self_attn.k_proj.weight', new Float32Array(8 * 16).fill(1)],
    ]);
    for (const l of [0, 1]) {
      for (const [name, size] of [
        ['q_proj', 256],
        ['v_proj', 128],
      ] as const)
        weights.set(
          `model.layers.${l}.self_attn.${name}.weight`,
          weights.get(`model.layers.${l}.self_attn.${name}.weight`) ?? new Float32Array(size),
        );
      weights.set(`model.layers.${l}.mlp.down_proj.weight`, new Float32Array(16 * 24));
    }
    const merged = mergeLora(arch, settings, weights, adapter);
    expect(merged.get('model.layers.0.self_attn.k_proj.weight')).toBe(
      weights.get('model.layers.0.self_attn.k_proj.weight'),
    );
    expect(weights.get('model.layers.0.self_attn.v_proj.weight')).toBe(w);
    const A = adapter.get('model.layers.0.self_attn.v_proj.lora_A.weight')!;
    const B = adapter.get('model.layers.0.self_attn.v_proj.lora_B.weight')!;
    const s = loraScaling(settings);
    for (const [o, i] of [
      [0, 0],
      [5, 11],
      [7, 15],
    ] as const) {
      let delta = 0;
      for (let k = 0; k < 3; k++) delta += B[o * 3 + k]! * A[k * 16 + i]!;
      expect(merged.get('model.layers.0.self_attn.v_proj.weight')![o * 16 + i]).toBeCloseTo(
        w[o * 16 + i]! + s * delta,
        6,
      );
    }
  });
});
