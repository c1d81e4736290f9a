import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';
import { readJson, sha256 } from './support/run-folder.js';

// The controls and statistics of issue 17 end to end, on one small run: a sweep of one value trains and scores exactly
// what the plain strategy does; the inverse control trains the lowest-scoring modules, as many as Mods_Robust; count: 2
// draws two random sets of that size per seed, each its own run; summary.json carries the comparisons.
const CONFIG = `# Small: a few fine-tuning runs of 8 steps.
seed: 31
engine: { workers: 2 }
data: { eval_size: 12, probe: { size: 40 } }
proxy: { name: noise, options: { repeats: 1 } }
search: { name: greedy, options: { maxModules: 3 } }
strategies:
  - { id: ml-lr, schedule: ml-lr }
  - { id: ml-lr-swept, schedule: ml-lr, sweep: { alpha: [0.1] } }
  - { id: random-control, schedule: ml-lr, search: random, count: 2 }
  - { id: inverse-control, schedule: ml-lr, search: inverse }
comparisons:
  - { strategy: ml-lr, control: random-control, bootstrap: 500 }
  - { strategy: ml-lr, control: inverse-control, bootstrap: 500 }
training: { steps: 8, batch_size: 8 }
`;

describe('study controls and comparisons', () => {
  it('sweep of one = plain run; inverse = lowest scores at Mods_Robust size; k random sets; comparisons in summary.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-study-'));
    const config = join(dir, 'study.yaml');
    writeFileSync(config, CONFIG);
    const out = join(dir, 'run');
    const run = await runMllr(['run', '--json', '--config', config, '--out', out]);
    expect(run.code, run.stderr).toBe(0);

    const summary = readJson(out, 'summary.json');
    expect(Object.keys(summary.runs)).toEqual([
      'base',
      'ml-lr',
      'ml-lr-swept@0.1',
      'random-control~1',
      'random-control~2',
      'inverse-control',
    ]);

    // ml-lr's default α is 0.1: the one-point sweep at 0.1 is the same run, number for number and byte for byte.
    expect(summary.runs['ml-lr-swept@0.1']).toEqual(summary.runs['ml-lr']);
    expect(readJson(out, 'ift/ml-lr-swept@0.1.json').curve).toEqual(readJson(out, 'ift/ml-lr.json').curve);
    expect(readJson(out, 'ift/ml-lr-swept@0.1.json').groups).toEqual(readJson(out, 'ift/ml-lr.json').groups);
    expect(sha256(join(out, 'models/ml-lr-swept@0.1/model.safetensors'))).toBe(
      sha256(join(out, 'models/ml-lr/model.safetensors')),
    );
    expect(readFileSync(join(out, 'eval/ml-lr-swept@0.1.jsonl'), 'utf8')).toBe(
      readFileSync(join(out, 'eval/ml-lr.jsonl'), 'utf8'),
    );
    const plan = (strategy: string) =>
      runMllr(['export-plan', '--run', out, '--format', 'torch', '--strategy', strategy]);
    const [sweptPlan, plainPlan] = await Promise.all([plan('ml-lr-swept@0.1'), plan('ml-lr')]);
    expect(sweptPlan.code, sweptPlan.stderr).toBe(0);
    expect(sweptPlan.stdout.replaceAll('ml-lr-swept@0.1', 'ml-lr')).toBe(plainPlan.stdout);

    // The inverse set: Mods_Robust's size, every chosen score below every score left out.
    const { sets, mods_robust: robust } = readJson(out, 'search.json');
    const scores = new Map<string, number>(
      readJson(out, 'robustness.json').scores.map((s: { module: string; score: number }) => [s.module, s.score]),
    );
    const inverse: string[] = sets['inverse-control'];
    expect(inverse).toHaveLength(robust.length);
    const outside = [...scores.keys()].filter((m) => !inverse.includes(m));
    expect(Math.max(...inverse.map((m) => scores.get(m)!))).toBeLessThanOrEqual(
      Math.min(...outside.map((m) => scores.get(m)!)),
    );
    expect(readJson(out, 'ift/inverse-control.json').mods_robust).toEqual(inverse);

    // Two random sets of that size, drawn apart, each trained as its own run.
    expect(sets['random-control~1']).toHaveLength(robust.length);
    expect(sets['random-control~2']).toHaveLength(robust.length);
    expect(sets['random-control~1']).not.toEqual(sets['random-control~2']);
    expect(readJson(out, 'ift/random-control~2.json').mods_robust).toEqual(sets['random-control~2']);

    // The comparisons: differences of the summary's means, intervals around them, p among the 2 sets only.
    const [random, inv] = summary.comparisons;
    expect(random).toMatchObject({ strategy: 'ml-lr', control: 'random-control', sets: 2, seeds: 1, level: 0.95 });
    const meanRandom =
      (summary.runs['random-control~1'].harmful_asr + summary.runs['random-control~2'].harmful_asr) / 2;
    expect(random.delta_harmful_asr).toBeCloseTo(summary.runs['ml-lr'].harmful_asr - meanRandom, 12);
    expect(random.ci[0]).toBeLessThanOrEqual(random.delta_harmful_asr);
    expect(random.ci[1]).toBeGreaterThanOrEqual(random.delta_harmful_asr);
    expect([1 / 3, 2 / 3, 1].some((p) => Math.abs(random.p - p) < 1e-12)).toBe(true);
    expect(inv).toMatchObject({ strategy: 'ml-lr', control: 'inverse-control', p: null, sets: 1 });
    expect(inv.delta_expertise).toBeCloseTo(
      summary.runs['ml-lr'].expertise - summary.runs['inverse-control'].expertise,
      12,
    );
  });
});
