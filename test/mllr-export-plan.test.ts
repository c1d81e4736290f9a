import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RunConfigSchema } from '@mllr/core';
import { loadCheckpoint } from '@mllr/model';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const MODEL = resolve(import.meta.dirname, '../fixtures/checkpoints/qwen2-qkv-bias');

/** A run folder as the search stage leaves it: summary.json with Mods_Robust, and the resolved config. */
function runFolder(modsRobust: string[], options: Record<string, unknown> = { alpha: 0.05 }): string {
  const dir = mkdtempSync(join(tmpdir(), 'mllr-plan-'));
  const config = RunConfigSchema.parse({ strategies: [{ id: 'ml-lr', schedule: { name: 'ml-lr', options } }], training: { learning_rate: 0.0002 } });
  writeFileSync(join(dir, 'config.resolved.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ base_model: MODEL, mods_robust: modsRobust }));
  return dir;
}

describe('mllr export-plan', () => {
  it('--format torch writes param groups that name only existing tensors, each exactly once', async () => {
    const result = await runMllr(['export-plan', '--run', runFolder(['L0.q', 'L1.down']), '--format', 'torch']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    const model = await loadCheckpoint(MODEL);
    const named = plan.param_groups.flatMap((g: { params: string[] }) => g.params);
    expect(named.every((n: string) => model.tensors.has(n))).toBe(true);
    expect(new Set(named).size).toBe(named.length);
    expect(named).toHaveLength(model.tensors.size);
    const byName = Object.fromEntries(plan.param_groups.map((g: { name: string }) => [g.name, g]));
    expect(byName.mods_robust.params).toEqual([
      'model.layers.0.self_attn.q_proj.bias',
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.1.mlp.down_proj.weight',
    ]);
    expect(byName.mods_robust.lr).toBe(0.0002);
    expect(byName.rest.lr).toBeCloseTo(0.00001, 12);
  });

  it('--format axolotl writes a YAML fragment with lr_groups for Mods_Robust', async () => {
    const dir = runFolder(['L1.v'], { restLr: 0 });
    const out = join(dir, 'plan.yaml');
    const result = await runMllr(['export-plan', '--run', dir, '--format', 'axolotl', '--out', out]);
    expect(result.code).toBe(0);
    const fragment = parse(readFileSync(out, 'utf8'));
    expect(fragment).toEqual({
      learning_rate: 0,
      weight_decay: 0,
      lr_groups: [{ name: 'mods_robust', modules: ['model.layers.1.self_attn.v_proj'], lr: 0.0002 }],
    });
  });

  it('explains a folder without a finished search, with exit code 2', async () => {
    const result = await runMllr(['export-plan', '--run', mkdtempSync(join(tmpdir(), 'mllr-plan-')), '--format', 'torch']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/summary\.json is missing; export-plan needs a run that finished its search stage/);
    const bad = await runMllr(['export-plan', '--run', runFolder(['L9.q']), '--format', 'torch']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('mods_robust names modules the model lacks: L9.q');
  });
});
