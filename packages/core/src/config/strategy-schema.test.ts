import { describe, expect, it } from 'vitest';
import { RunConfigSchema } from './schema.js';

const issuesOf = (strategy: Record<string, unknown>) => {
  const result = RunConfigSchema.safeParse({ strategies: [strategy] });
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('strategies[].count and strategies[].sweep', () => {
  it('are absent unless given, so configs without them parse (and hash) as before', () => {
    const config = RunConfigSchema.parse({ strategies: [{ id: 'ml-lr', schedule: 'ml-lr' }] });
    expect(config.strategies[0]).toEqual({ id: 'ml-lr', schedule: { name: 'ml-lr', options: {} } });
  });

  it('take a count with a search, and one swept schedule option with distinct values', () => {
    const config = RunConfigSchema.parse({
      strategies: [
        { id: 'random-control', schedule: 'ml-lr', search: 'random', count: 5, sweep: { alpha: [0.05, 0.1] } },
      ],
    });
    expect(config.strategies[0]).toMatchObject({ count: 5, sweep: { alpha: [0.05, 0.1] } });
  });

  it('reports a count without a search, a sweep of no or two options, repeated values and a swept option also set', () => {
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', count: 3 })).toEqual([
      "strategies.0.count: count draws several sets from the strategy's own search: give `search` too",
    ]);
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', count: 0 })).toEqual([
      expect.stringMatching(/^strategies\.0\.count: /),
    ]);
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', sweep: {} })).toEqual([
      'strategies.0.sweep: sweep one schedule option (none is given)',
    ]);
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', sweep: { alpha: [0.1], restLr: [1] } })).toEqual([
      'strategies.0.sweep: sweep one schedule option (alpha, restLr are given)',
    ]);
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', sweep: { alpha: [] } })).toEqual([
      'strategies.0.sweep.alpha: list at least one value',
    ]);
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', sweep: { alpha: [0.1, 0.2, 0.1] } })).toEqual([
      'strategies.0.sweep.alpha.2: 0.1 is listed twice',
    ]);
    expect(
      issuesOf({ id: 'ml-lr', schedule: { name: 'ml-lr', options: { alpha: 0.1 } }, sweep: { alpha: [0.2] } }),
    ).toEqual(['strategies.0.schedule.options.alpha: alpha is swept (sweep.alpha); remove it here']);
  });
});

describe('comparisons', () => {
  it('are absent unless given, and fill match, bootstrap and level with their defaults', () => {
    expect(RunConfigSchema.parse({}).comparisons).toBeUndefined();
    expect(
      RunConfigSchema.parse({ comparisons: [{ strategy: 'ml-lr', control: 'random-control' }] }).comparisons,
    ).toEqual([{ strategy: 'ml-lr', control: 'random-control', match: 'sweep', bootstrap: 2000, level: 0.95 }]);
  });

  it('report a bad match, too few resamples and a level outside (0, 1) with their paths', () => {
    const result = RunConfigSchema.safeParse({
      comparisons: [{ strategy: 'ml-lr', control: 'uniform', match: 'loss', bootstrap: 10, level: 1 }],
    });
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'comparisons.0.bootstrap',
      'comparisons.0.level',
      'comparisons.0.match',
    ]);
  });
});
