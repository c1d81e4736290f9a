import { RunConfigSchema } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { compareForExtension } from './run-extension.js';

const config = (raw: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(RunConfigSchema.parse(raw))) as Record<string, unknown>;
const finished = config({
  seeds: 2,
  strategies: [
    { id: 'uniform', schedule: 'uniform' },
    { id: 'ml-lr', schedule: 'ml-lr' },
  ],
});

describe('compareForExtension', () => {
  it('accepts more seeds and more strategies, and names what they add', () => {
    const next = config({
      seeds: 5,
      strategies: [
        { id: 'ml-lr', schedule: 'ml-lr' },
        { id: 'uniform', schedule: 'uniform' },
        { id: 'freeze', schedule: 'freeze' },
      ],
    });
    expect(compareForExtension(finished, next)).toEqual({
      kind: 'extends',
      added: ['seeds 2 → 5', 'strategies freeze'],
    });
  });

  it('says when a config adds nothing', () => {
    expect(
      compareForExtension(
        finished,
        config({
          seeds: 2,
          strategies: [
            { id: 'uniform', schedule: 'uniform' },
            { id: 'ml-lr', schedule: 'ml-lr' },
          ],
        }),
      ),
    ).toEqual({
      kind: 'same',
    });
  });

  it('refuses fewer seeds, a removed or redefined strategy, and any other change, naming each setting', () => {
    const next = config({
      seeds: 1,
      training: { learning_rate: 0.01 },
      strategies: [
        { id: 'ml-lr', schedule: { name: 'ml-lr', options: { alpha: 0.5 } } },
        { id: 'freeze', schedule: 'freeze' },
      ],
    });
    expect(compareForExtension(finished, next)).toEqual({
      kind: 'changed',
      problems: [
        "seeds: 1 is fewer than the finished run's 2",
        'strategies: uniform is missing (a finished strategy cannot be removed)',
        'strategies: ml-lr is defined differently than in the finished run',
        'training.learning_rate differs from the finished run',
      ],
    });
  });

  it('accepts turning validate on or raising its seeds, and reads a finished run without the section as off', () => {
    const { validate: _absent, ...older } = finished;
    expect(compareForExtension(older, finished)).toEqual({ kind: 'same' });
    const validated = config({ ...JSON.parse(JSON.stringify(finished)), validate: { enabled: true } });
    expect(compareForExtension(older, validated)).toEqual({ kind: 'extends', added: ['validate'] });
    expect(compareForExtension(validated, config({ ...validated, validate: { enabled: true, seeds: 3 } }))).toEqual({
      kind: 'extends',
      added: ['validate.seeds 1 → 3'],
    });
    expect(compareForExtension(validated, config({ ...validated, validate: { enabled: true, steps: 7 } }))).toEqual({
      kind: 'changed',
      problems: ['validate.steps differs from the finished run'],
    });
    expect(compareForExtension(validated, finished).kind).toBe('changed');
  });

  it('accepts more sets of a control, more sweep values and other comparisons; refuses what would rename or drop runs', () => {
    const study = (count: number, alphas: number[], comparisons?: unknown[]) =>
      config({
        strategies: [
          { id: 'ml-lr', schedule: 'ml-lr', sweep: { alpha: alphas } },
          { id: 'random-control', schedule: 'ml-lr', search: 'random', ...(count > 1 ? { count } : {}) },
        ],
        ...(comparisons ? { comparisons } : {}),
      });
    const before = study(2, [0.1]);
    expect(compareForExtension(before, study(5, [0.05, 0.1]))).toEqual({
      kind: 'extends',
      added: ['strategies ml-lr (sweep alpha + 0.05)', 'strategies random-control (count 2 → 5)'],
    });
    expect(compareForExtension(before, study(2, [0.1], [{ strategy: 'ml-lr', control: 'random-control' }]))).toEqual({
      kind: 'extends',
      added: ['comparisons'],
    });
    // From one set the plain run id would become `~1`; fewer sets or values would drop finished runs.
    expect(compareForExtension(study(1, [0.1]), study(3, [0.1])).kind).toBe('changed');
    expect(compareForExtension(before, study(2, [0.2])).kind).toBe('changed');
    expect(compareForExtension(study(3, [0.1]), before).kind).toBe('changed');
  });
});
