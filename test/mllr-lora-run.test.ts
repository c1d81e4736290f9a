import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loraTensorNames, moduleIdForTensor } from '@mllr/core';
import { loadCheckpoint, readPeftAdapter } from '@mllr/model';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const CONFIG = resolve(import.meta.dirname, 'fixtures/lora-run.yaml');
const TINY_CHAT = resolve(import.meta.dirname, '../packages/tiny-chat/model');

interface RecordedGroup {
  name: string;
  learning_rate: number;
  tensors: string[];
}

/** `mllr run` with training.adapter: every schedule groups adapters by module; export-plan names them by PEFT names. */
describe('mllr run with LoRA adapters (training.adapter)', () => {
  let run = '';
  beforeAll(async () => {
    run = join(mkdtempSync(join(tmpdir(), 'mllr-lora-run-')), 'run');
    const result = await runMllr(['run', '--headless', '--config', CONFIG, '--out', run]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 900_000);

  it("ml-lr and freeze group each module's adapter with its module: robust adapters at lr, the rest at α·lr or frozen; W never moves", async () => {
    const base = await loadCheckpoint(TINY_CHAT);
    for (const strategy of ['ml-lr', 'freeze', 'uniform']) {
      const record = JSON.parse(readFileSync(join(run, 'ift', `${strategy}.json`), 'utf8')) as {
        groups: RecordedGroup[];
        mods_robust: string[];
        adapter: { r: number; dir: string };
      };
      expect(record.adapter).toMatchObject({
        type: 'lora',
        r: 4,
        alpha: 8,
        dropout: 0,
        rslora: false,
        targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'],
      });
      const robust = new Set(record.mods_robust.flatMap((m) => loraTensorNames(m)));
      const rates = new Map(record.groups.flatMap((g) => g.tensors.map((t) => [t, g.learning_rate] as const)));
      expect(rates.size).toBe(base.architecture.numLayers * 7 * 2);
      for (const [tensor, rate] of rates) {
        expect(tensor).toMatch(/\.lora_[AB]\.weight$/);
        if (strategy === 'uniform') expect(rate, tensor).toBe(0.002);
        else if (robust.has(tensor)) expect(rate, tensor).toBe(0.002);
        else expect(rate, tensor).toBe(strategy === 'freeze' ? 0 : 0.0002);
      }
      // The model folder is the merged model; a module whose adapter is at rate 0 keeps B = 0, so its weight is the base's.
      const merged = await loadCheckpoint(join(run, 'models', strategy));
      const adapter = await readPeftAdapter(join(run, 'models', strategy, 'adapter'), base.architecture);
      expect(adapter.settings.r).toBe(4);
      for (const [name, t] of merged.tensors) {
        const module = moduleIdForTensor(name);
        const moved = t.data.some((v, i) => v !== base.tensors.get(name)!.data[i]);
        const trained = module !== undefined && name.endsWith('.weight') && rates.get(loraTensorNames(module)[1])! > 0;
        expect(moved, `${strategy} ${name}`).toBe(trained);
      }
    }
  }, 120_000);

  it('export-plan --format torch names adapter tensors by PEFT names at their recorded rates; axolotl states what it cannot express', async () => {
    const result = await runMllr(['export-plan', '--run', run, '--format', 'torch']);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    const record = JSON.parse(readFileSync(join(run, 'ift', 'ml-lr.json'), 'utf8')) as { groups: RecordedGroup[] };
    expect(plan.adapter).toMatchObject({
      peft_type: 'LORA',
      r: 4,
      lora_alpha: 8,
      target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj'],
    });
    const exported = new Map<string, number>(
      plan.param_groups.flatMap((g: { params: string[]; lr: number }) => g.params.map((p) => [p, g.lr])),
    );
    for (const g of record.groups)
      for (const t of g.tensors) expect(exported.get(`base_model.model.${t}`), t).toBe(g.learning_rate);
    expect(exported.size).toBe(record.groups.reduce((n, g) => n + g.tensors.length, 0));
    const axolotl = await runMllr(['export-plan', '--run', run, '--format', 'axolotl']);
    expect(axolotl.code).toBe(0);
    const fragment = parse(axolotl.stdout) as {
      adapter: string;
      lora_r: number;
      lora_alpha: number;
      lora_target_modules: string[];
    };
    expect(fragment).toMatchObject({ adapter: 'lora', lora_r: 4, lora_alpha: 8 });
    expect(axolotl.stdout).toMatch(/whether its lr_groups reach the lora_A\/lora_B parameters/);

    // The exported plan trains a LoRA adapter with mllr finetune: its PEFT names map back to the adapter's tensors.
    const planFile = join(run, 'lora-plan.json');
    writeFileSync(planFile, result.stdout);
    const data = join(run, 'data.jsonl');
    writeFileSync(
      data,
      [0, 1, 2, 3].map((i) => JSON.stringify({ ids: [1, 20 + i, 30, 40, 50 + i, 60], prompt_length: 2 })).join('\n'),
    );
    const finetune = await runMllr([
      'finetune',
      '--model',
      TINY_CHAT,
      '--data',
      data,
      '--out',
      join(run, 'ft'),
      '--plan',
      planFile,
      '--lora-r',
      '4',
      '--lora-alpha',
      '8',
      '--steps',
      '2',
      '--batch-size',
      '2',
      '--json',
    ]);
    expect(finetune.stderr).toBe('');
    expect(finetune.code).toBe(0);
    const finetuned = JSON.parse(readFileSync(join(run, 'ft', 'finetune.json'), 'utf8')) as { groups: RecordedGroup[] };
    const trained = new Map(finetuned.groups.flatMap((g) => g.tensors.map((t) => [t, g.learning_rate] as const)));
    for (const [peftName, lr] of exported)
      expect(trained.get(peftName.slice('base_model.model.'.length)), peftName).toBe(lr);
  });
});
