import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunConfigSchema } from '@mllr/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunMetrics } from '../report/report-data.js';
import { FsRunStore } from '../run/fs-run-store.js';
import { seedRuns } from '../stages/ml-lr/seed-runs.js';
import { compareStrategies } from './comparisons.js';
import { itemOutcomesOf } from './item-outcomes.js';

const ITEMS = 20;

const config = RunConfigSchema.parse({
  seed: 5,
  seeds: 2,
  strategies: [
    { id: 'uniform', schedule: 'uniform', sweep: { lrScale: [0.1, 0.5, 1] } },
    { id: 'ml-lr', schedule: 'ml-lr' },
    { id: 'random-control', schedule: 'ml-lr', search: 'random', count: 3 },
    { id: 'inverse-control', schedule: 'ml-lr', search: 'inverse' },
  ],
  comparisons: [
    { strategy: 'ml-lr', control: 'random-control', bootstrap: 300 },
    { strategy: 'ml-lr', control: 'inverse-control', bootstrap: 300 },
    { strategy: 'ml-lr', control: 'uniform', match: 'expertise', bootstrap: 300 },
  ],
});

/** A run's outcomes: `harmful` of the 20 harmful prompts answered (the first ones), `tokens` of 4 reference tokens right per expertise item. */
interface Planted {
  harmful: number;
  tokens: number;
}

// Per run: ml-lr is the least harmful in both seeds; uniform@0.5 is the uniform point with ml-lr's expertise.
const PLANTED: Record<string, Planted> = {
  'ml-lr': { harmful: 4, tokens: 3 },
  'ml-lr#2': { harmful: 6, tokens: 3 },
  'random-control~1': { harmful: 8, tokens: 3 },
  'random-control~2': { harmful: 10, tokens: 3 },
  'random-control~3': { harmful: 12, tokens: 2 },
  'random-control~1#2': { harmful: 9, tokens: 3 },
  'random-control~2#2': { harmful: 11, tokens: 3 },
  'random-control~3#2': { harmful: 7, tokens: 3 },
  'inverse-control': { harmful: 14, tokens: 3 },
  'inverse-control#2': { harmful: 16, tokens: 3 },
  'uniform@0.1': { harmful: 2, tokens: 1 },
  'uniform@0.1#2': { harmful: 2, tokens: 1 },
  'uniform@0.5': { harmful: 10, tokens: 3 },
  'uniform@0.5#2': { harmful: 12, tokens: 3 },
  'uniform@1': { harmful: 18, tokens: 4 },
  'uniform@1#2': { harmful: 18, tokens: 4 },
};

function lines({ harmful, tokens }: Planted): string {
  const out: string[] = [];
  for (let i = 0; i < ITEMS; i++) {
    out.push(
      JSON.stringify({
        metric: 'harmful_asr',
        index: i,
        prompt: `h${i}`,
        response: 'r',
        verdict: { harmful: i < harmful, refused: i >= harmful },
      }),
    );
    out.push(
      JSON.stringify({
        metric: 'expertise',
        index: i,
        prompt: `e${i}`,
        answer: 'a',
        verdict: { tokens_correct: tokens, tokens_total: 4 },
      }),
    );
  }
  return `${out.join('\n')}\n`;
}

const metricsOf = ({ harmful, tokens }: Planted): RunMetrics => ({
  harmful_asr: harmful / ITEMS,
  over_refusal: 0,
  usability: 1,
  expertise: tokens / 4,
});

describe('compareStrategies', () => {
  let dir: string;
  let store: FsRunStore;
  const evaluation = Object.fromEntries(Object.entries(PLANTED).map(([id, p]) => [id, metricsOf(p)]));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mllr-compare-'));
    store = new FsRunStore(dir);
    expect(Object.keys(PLANTED).sort()).toEqual(
      seedRuns(config)
        .map((r) => r.runId)
        .sort(),
    );
    for (const [id, planted] of Object.entries(PLANTED)) await store.writeArtifact(`eval/${id}.jsonl`, lines(planted));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives each comparison its differences of seed means, intervals around them, and the rank test among the k sets', async () => {
    const [random, inverse, uniform] = await compareStrategies(store, config, evaluation);
    // ml-lr 0.2 and 0.3; the random sets' means per seed 0.5 and 0.45.
    expect(random).toMatchObject({
      strategy: 'ml-lr',
      control: 'random-control',
      sets: 3,
      seeds: 2,
      level: 0.95,
      match: 'sweep',
    });
    expect(random!.delta_harmful_asr).toBeCloseTo((0.2 - 0.5 + (0.3 - 0.45)) / 2, 12);
    expect(random!.delta_expertise).toBeCloseTo((0.75 - (0.75 + 0.75 + 0.5) / 3 + 0) / 2, 12);
    expect(random!.ci[0]).toBeLessThanOrEqual(random!.delta_harmful_asr);
    expect(random!.ci[1]).toBeGreaterThanOrEqual(random!.delta_harmful_asr);
    // Two seeds whose differences disagree (−0.3, −0.15) leave the seed spread barely known: a wide interval.
    expect(random!.ci[1] - random!.ci[0]).toBeGreaterThan(0.3);
    // Lowest of 4 in both seeds: p = (1/4)².
    expect(random!.rank).toBe(1);
    expect(random!.p).toBeCloseTo(1 / 16, 12);
    expect(random!.items).toEqual({ harmful_asr: ITEMS, expertise: ITEMS });

    expect(inverse).toMatchObject({ control: 'inverse-control', sets: 1, p: null, rank: null });
    expect(inverse!.delta_harmful_asr).toBeCloseTo(-0.5, 12);
    // The same difference under both seeds: only the prompts vary it, and 20 of them decide.
    expect(inverse!.ci[1]).toBeLessThan(0);

    // Matched on expertise: uniform@0.5 has ml-lr's 0.75.
    expect(uniform).toMatchObject({
      strategy: 'ml-lr',
      control: 'uniform@0.5',
      match: 'expertise',
      expertise_gap: 0,
      p: null,
    });
    expect(uniform!.delta_harmful_asr).toBeCloseTo((0.2 - 0.5 + (0.3 - 0.6)) / 2, 12);
    expect(uniform!.delta_expertise).toBeCloseTo(0, 12);
  });

  it('gives identical numbers on a rerun (seeded by the run seed) and other intervals under another seed', async () => {
    const a = await compareStrategies(store, config, evaluation);
    expect(await compareStrategies(store, config, evaluation)).toEqual(a);
    const b = await compareStrategies(store, { ...config, seed: 6 }, evaluation);
    expect(b.map((c) => c.delta_harmful_asr)).toEqual(a.map((c) => c.delta_harmful_asr));
    expect(b.map((c) => c.ci)).not.toEqual(a.map((c) => c.ci));
  });

  it('pairs swept variants by sweep value, and leaves out with a warning what it cannot compare', async () => {
    const swept = RunConfigSchema.parse({
      seed: 5,
      strategies: [
        { id: 'uniform', schedule: 'uniform', sweep: { lrScale: [0.1, 0.5] } },
        { id: 'half', schedule: 'uniform', sweep: { lrScale: [0.5, 1] } },
      ],
      comparisons: [
        { strategy: 'uniform', control: 'half', bootstrap: 100 },
        { strategy: 'uniform', control: 'missing', bootstrap: 100 },
      ],
    });
    await store.writeArtifact('eval/half@0.5.jsonl', lines({ harmful: 11, tokens: 2 }));
    const warnings: string[] = [];
    const found = await compareStrategies(
      store,
      swept,
      {
        'uniform@0.1': metricsOf(PLANTED['uniform@0.1']!),
        'uniform@0.5': metricsOf(PLANTED['uniform@0.5']!),
        'half@0.5': metricsOf({ harmful: 11, tokens: 2 }),
        'half@1': metricsOf({ harmful: 1, tokens: 1 }),
      },
      (m) => warnings.push(m),
    );
    expect(found.map((c) => `${c.strategy} vs ${c.control}`)).toEqual(['uniform@0.5 vs half@0.5']);
    expect(found[0]!.delta_harmful_asr).toBeCloseTo(-0.05, 12);
    expect(warnings).toEqual([
      'comparisons[0] (uniform vs half): uniform@0.1 has no half variant to compare with (no equal sweep value); left out',
      'comparisons[1] (uniform vs missing): the config has no strategy missing; left out',
    ]);

    const noFile = await compareStrategies(
      store,
      { ...swept, comparisons: [swept.comparisons![0]!] },
      { 'uniform@0.5': metricsOf(PLANTED['uniform@0.5']!) },
      (m) => warnings.push(m),
    );
    expect(noFile).toEqual([]);
    expect(warnings.at(-1)).toBe(
      'comparisons[0] (uniform vs half): uniform@0.5 vs half@0.5: half@0.5 not evaluated; left out',
    );
  });
});

describe('itemOutcomesOf', () => {
  it('counts each metric as its evaluator does and skips other metrics', () => {
    const text = [
      JSON.stringify({ metric: 'harmful_asr', index: 3, verdict: { harmful: true, refused: false } }),
      JSON.stringify({ metric: 'over_refusal', index: 0, verdict: { harmful: false, refused: true } }),
      JSON.stringify({ metric: 'expertise', index: 1, verdict: { correct: false } }),
      '',
    ].join('\n');
    expect([...itemOutcomesOf(text, 'harmful_asr')]).toEqual([[3, { numerator: 1, denominator: 1 }]]);
    expect([...itemOutcomesOf(text, 'over_refusal')]).toEqual([[0, { numerator: 1, denominator: 1 }]]);
    expect([...itemOutcomesOf(text, 'expertise')]).toEqual([[1, { numerator: 0, denominator: 1 }]]);
  });
});
