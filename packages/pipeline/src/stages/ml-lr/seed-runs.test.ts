import { RunConfigSchema } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { runIdOf, seedRuns, strategyOfRun } from './seed-runs.js';

describe('seedRuns', () => {
  it('keeps single-seed ids and numbers later seeds from 2', () => {
    const config = RunConfigSchema.parse({
      seed: 7,
      seeds: 3,
      strategies: [
        { id: 'uniform', schedule: 'uniform' },
        { id: 'ml-lr', schedule: 'ml-lr' },
      ],
    });
    expect(seedRuns(config).map((r) => `${r.runId}@${r.seed}`)).toEqual([
      'uniform@7',
      'ml-lr@7',
      'uniform#2@8',
      'ml-lr#2@8',
      'uniform#3@9',
      'ml-lr#3@9',
    ]);
    expect(seedRuns({ ...config, seeds: 1 }).map((r) => r.runId)).toEqual(['uniform', 'ml-lr']);
  });

  it('maps run ids and metric series back to their strategy', () => {
    expect(strategyOfRun(runIdOf('random-control', 2))).toBe('random-control');
    expect(strategyOfRun('base')).toBe('base');
  });
});
