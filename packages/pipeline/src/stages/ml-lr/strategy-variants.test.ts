import { RunConfigSchema } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { seedRuns, strategyOfRun } from './seed-runs.js';
import { searchSeedOf, strategyVariants, variantHashInput } from './strategy-variants.js';

const config = RunConfigSchema.parse({
  seed: 10,
  seeds: 2,
  strategies: [
    { id: 'uniform', schedule: { name: 'uniform', options: { shape: 'cosine' } }, sweep: { lrScale: [0.25, 1] } },
    { id: 'ml-lr', schedule: 'ml-lr' },
    { id: 'random-control', schedule: 'ml-lr', search: 'random', count: 3 },
    {
      id: 'inverse-control',
      schedule: 'ml-lr',
      search: { name: 'inverse', options: {} },
      count: 1,
      sweep: { alpha: [0.1] },
    },
  ],
});

describe('strategyVariants', () => {
  it('expands sweeps to @value and counts to ~set, in config order, and leaves plain strategies as they are', () => {
    const variants = strategyVariants(config);
    expect(variants.map((v) => v.id)).toEqual([
      'uniform@0.25',
      'uniform@1',
      'ml-lr',
      'random-control~1',
      'random-control~2',
      'random-control~3',
      'inverse-control@0.1',
    ]);
    expect(variants[0]).toEqual({
      id: 'uniform@0.25',
      strategy: 'uniform',
      index: 0,
      schedule: { name: 'uniform', options: { shape: 'cosine', lrScale: 0.25 } },
      sweep: { option: 'lrScale', value: 0.25 },
    });
    expect(variants[2]).toEqual({ id: 'ml-lr', strategy: 'ml-lr', index: 1, schedule: config.strategies[1]!.schedule });
    expect(variants[4]).toMatchObject({ strategy: 'random-control', set: 2, search: { name: 'random', options: {} } });
    // The configured strategy is not changed by its expansion.
    expect(config.strategies[0]!.schedule.options).toEqual({ shape: 'cosine' });
  });

  it('runs every variant under every seed, with run ids that map back to their variant', () => {
    const runs = seedRuns(config);
    expect(runs).toHaveLength(14);
    expect(runs.filter((r) => r.seedIndex === 1).map((r) => r.runId)).toContain('random-control~2#2');
    expect(runs.every((r) => strategyOfRun(r.runId) === r.variant.id && r.strategyId === r.variant.id)).toBe(true);
    expect(new Set(runs.map((r) => r.runId)).size).toBe(14);
  });

  it('a sweep of one value runs the plain strategy with that option: same schedule options, seeds and search', () => {
    const swept = RunConfigSchema.parse({ strategies: [{ id: 'ml-lr', schedule: 'ml-lr', sweep: { alpha: [0.05] } }] });
    const plain = RunConfigSchema.parse({
      strategies: [{ id: 'ml-lr', schedule: { name: 'ml-lr', options: { alpha: 0.05 } } }],
    });
    const [a] = seedRuns(swept);
    const [b] = seedRuns(plain);
    expect(a!.variant.schedule).toEqual(b!.variant.schedule);
    expect({ seed: a!.seed, search: a!.variant.search }).toEqual({ seed: b!.seed, search: b!.variant.search });
    expect(a!.runId).toBe('ml-lr@0.05');
  });

  it('hashes an unexpanded strategy as configured (earlier run folders resume), an expanded one by its variant', () => {
    const [uniform, , ml] = strategyVariants(config);
    expect(variantHashInput(config, ml!)).toBe(config.strategies[1]);
    expect(variantHashInput(config, uniform!)).toMatchObject({
      id: 'uniform@0.25',
      schedule: { options: { lrScale: 0.25 } },
    });
  });
});

describe('searchSeedOf', () => {
  it('keeps the run seed for the first set (count: 1 draws what no count draws) and separates later sets', () => {
    expect(searchSeedOf(1234, undefined)).toBe(1234);
    expect(searchSeedOf(1234, 1)).toBe(1234);
    const seeds = [1234, 1235, 1236].flatMap((s) => [1, 2, 3, 4, 5].map((set) => searchSeedOf(s, set)));
    expect(new Set(seeds).size).toBe(15);
  });
});
