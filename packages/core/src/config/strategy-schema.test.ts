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
      strategies: [{ id: 'random-control', schedule: 'ml-lr', search: 'random', count: 5, sweep: { alpha: [0.05, 0.1] } }],
    });
    expect(config.strategies[0]).toMatchObject({ count: 5, sweep: { alpha: [0.05, 0.1] } });
  });

  it('reports a count without a search, a sweep of no or two options, repeated values and a swept option also set', () => {
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', count: 3 })).toEqual([
      "strategies.0.count: count draws several sets from the strategy's own search: give `search` too",
    ]);
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', count: 0 })).toEqual([expect.stringMatching(/^strategies\.0\.count: /)]);
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', sweep: {} })).toEqual(['strategies.0.sweep: sweep one schedule option (none is given)']);
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', sweep: { alpha: [0.1], restLr: [1] } })).toEqual([
      'strategies.0.sweep: sweep one schedule option (alpha, restLr are given)',
    ]);
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', sweep: { alpha: [] } })).toEqual(['strategies.0.sweep.alpha: list at least one value']);
    expect(issuesOf({ id: 'ml-lr', schedule: 'ml-lr', sweep: { alpha: [0.1, 0.2, 0.1] } })).toEqual(['strategies.0.sweep.alpha.2: 0.1 is listed twice']);
    expect(issuesOf({ id: 'ml-lr', schedule: { name: 'ml-lr', options: { alpha: 0.1 } }, sweep: { alpha: [0.2] } })).toEqual([
      'strategies.0.schedule.options.alpha: alpha is swept (sweep.alpha); remove it here',
    ]);
  });
});
