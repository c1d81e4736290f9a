import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadCheckpoint } from '@mllr/model';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const CONFIG = resolve(import.meta.dirname, 'fixtures/plan-rules.yaml');

interface RecordedGroup {
  name: string;
  learning_rate: number;
  weight_decay: number;
  tensors: string[];
}

/** Each tensor's rate and weight decay by name, from recorded groups (ift/<run>.json) or exported param groups. */
function ratesByTensor(
  groups: Array<{ tensors?: string[]; params?: string[]; learning_rate?: number; lr?: number; weight_decay: number }>,
) {
  const rates = new Map<string, [number, number]>();
  for (const g of groups)
    for (const t of g.tensors ?? g.params ?? []) rates.set(t, [g.learning_rate ?? g.lr ?? NaN, g.weight_decay]);
  return rates;
}

describe('mllr export-plan: the exported plan is the plan each run trained with', () => {
  let run = '';
  beforeAll(async () => {
    run = join(mkdtempSync(join(tmpdir(), 'mllr-plan-')), 'run');
    const result = await runMllr(['run', '--headless', '--config', CONFIG, '--out', run]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 600_000);

  it.each(['ml-lr', 'ml-lr-rest', 'ml-lr-frozen', 'freeze'])(
    '%s: every tensor of the model has exactly its recorded rate in --format torch, and rate-0 tensors did not move',
    async (strategy) => {
      const record = JSON.parse(readFileSync(join(run, 'ift', `${strategy}.json`), 'utf8')) as {
        groups: RecordedGroup[];
        mods_robust: string[];
      };
      const result = await runMllr([
        'export-plan',
        '--run',
        run,
        '--format',
        'torch',
        ...(strategy === 'ml-lr' ? [] : ['--strategy', strategy]),
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const plan = JSON.parse(result.stdout);
      expect(plan.strategy).toBe(strategy);
      expect(plan.mods_robust).toEqual(record.mods_robust);

      const recorded = ratesByTensor(record.groups);
      const exported = ratesByTensor(plan.param_groups);
      const base = await loadCheckpoint(resolve(import.meta.dirname, '../packages/tiny-chat/model'));
      const trained = await loadCheckpoint(join(run, 'models', strategy));
      // Every tensor the model trains is in the plan once, at the rate the run recorded.
      expect([...exported.keys()].sort()).toEqual([...recorded.keys()].sort());
      expect([...exported.keys()].sort()).toEqual(
        [...base.tensors.keys()].filter((n) => n !== 'lm_head.weight').sort(),
      );
      for (const [tensor, rate] of recorded) expect(exported.get(tensor), tensor).toEqual(rate);
      // What the record says happened did happen: tensors at rate 0 are bit-identical to the base, the others moved.
      for (const [tensor, [lr]] of recorded) {
        const before = base.tensors.get(tensor)!.data;
        const after = trained.tensors.get(tensor)!.data;
        const moved = before.some((v, i) => v !== after[i]);
        expect(moved, `${tensor} at lr ${lr}`).toBe(lr !== 0);
      }
    },
    120_000,
  );

  it('records each rule as the schedule defines it: non-module tensors with the robust set, the rest, or frozen', () => {
    const groups = (id: string) =>
      Object.fromEntries(
        (JSON.parse(readFileSync(join(run, 'ift', `${id}.json`), 'utf8')).groups as RecordedGroup[]).map((g) => [
          g.name,
          g.learning_rate,
        ]),
      );
    expect(groups('ml-lr')).toEqual({ robust: 0.002, rest: 0.0002, other: 0.002 });
    expect(groups('ml-lr-rest')).toEqual({ robust: 0.002, rest: 0.002 * 0.05, other: 0.002 * 0.05 });
    expect(groups('ml-lr-frozen')).toEqual({ robust: 0.002, rest: 0.0001, other: 0 });
    expect(groups('freeze')).toEqual({ robust: 0.002, rest: 0, other: 0 });
  });

  it('--format axolotl gives every module its recorded rate through learning_rate and lr_groups', async () => {
    const out = join(run, 'plan.yaml');
    const result = await runMllr([
      'export-plan',
      '--run',
      run,
      '--format',
      'axolotl',
      '--strategy',
      'ml-lr-frozen',
      '--out',
      out,
    ]);
    expect(result.code).toBe(0);
    const fragment = parse(readFileSync(out, 'utf8')) as {
      learning_rate: number;
      weight_decay: number;
      lr_groups?: Array<{ modules: string[]; lr: number }>;
    };
    const record = JSON.parse(readFileSync(join(run, 'ift', 'ml-lr-frozen.json'), 'utf8')) as {
      groups: RecordedGroup[];
    };
    expect(fragment.weight_decay).toBe(0.01);
    const moduleRate = new Map<string, number>();
    for (const group of fragment.lr_groups ?? []) for (const m of group.modules) moduleRate.set(m, group.lr);
    for (const group of record.groups) {
      for (const tensor of group.tensors)
        expect(moduleRate.get(tensor.replace(/\.(weight|bias)$/, '')) ?? fragment.learning_rate, tensor).toBe(
          group.learning_rate,
        );
    }
  });

  it('explains a folder without fine-tuning records and an unknown strategy, with exit code 2', async () => {
    const empty = await runMllr([
      'export-plan',
      '--run',
      mkdtempSync(join(tmpdir(), 'mllr-plan-')),
      '--format',
      'torch',
    ]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/base\.json is missing; export-plan needs a run that finished its fine-tuning stage/);
    const unknown = await runMllr(['export-plan', '--run', run, '--format', 'torch', '--strategy', 'swat']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /no fine-tuning run "swat" in this run folder \(runs: freeze, ml-lr, ml-lr-frozen, ml-lr-rest\)/,
    );
  });
});
