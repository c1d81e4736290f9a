import { RunConfigSchema } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { pairGroups, variantGroups, type VariantGroup } from './variant-groups.js';

const config = RunConfigSchema.parse({
  strategies: [
    { id: 'uniform', schedule: 'uniform', sweep: { lrScale: [0.1, 0.5, 1] } },
    { id: 'ml-lr', schedule: 'ml-lr', sweep: { alpha: [0.05, 0.1] } },
    { id: 'random-control', schedule: 'ml-lr', search: 'random', count: 2, sweep: { alpha: [0.1, 0.05] } },
  ],
});

describe('variantGroups and pairGroups', () => {
  it('groups the sets of a strategy by sweep value', () => {
    const groups = variantGroups(config, 'random-control');
    expect(groups.map((g) => [g.id, g.variants.map((v) => v.id)])).toEqual([
      ['random-control@0.1', ['random-control@0.1~1', 'random-control@0.1~2']],
      ['random-control@0.05', ['random-control@0.05~1', 'random-control@0.05~2']],
    ]);
    expect(variantGroups(config, 'nope')).toEqual([]);
  });

  it('pairs by equal sweep value, or by the closest expertise skipping points that have none', () => {
    const ml = variantGroups(config, 'ml-lr');
    const bySweep = pairGroups(ml, variantGroups(config, 'random-control'), 'sweep', () => 0);
    expect(bySweep.pairs.map((p) => `${p.strategy.id}|${p.control.id}`)).toEqual([
      'ml-lr@0.05|random-control@0.05',
      'ml-lr@0.1|random-control@0.1',
    ]);
    const expertise: Record<string, number> = {
      'ml-lr@0.05': 0.6,
      'ml-lr@0.1': 0.7,
      'uniform@0.1': Number.NaN,
      'uniform@0.5': 0.65,
      'uniform@1': 0.9,
    };
    const byExpertise = pairGroups(
      ml,
      variantGroups(config, 'uniform'),
      'expertise',
      (g: VariantGroup) => expertise[g.id]!,
    );
    expect(byExpertise.pairs.map((p) => [p.strategy.id, p.control.id, p.expertiseGap])).toEqual([
      ['ml-lr@0.05', 'uniform@0.5', expect.closeTo(0.05, 12)],
      ['ml-lr@0.1', 'uniform@0.5', expect.closeTo(-0.05, 12)],
    ]);
    // uniform sweeps another option: its lrScale 0.1 is no counterpart of ml-lr's α 0.1.
    expect(pairGroups(ml, variantGroups(config, 'uniform'), 'sweep', () => 0).unpaired.map((g) => g.id)).toEqual([
      'ml-lr@0.05',
      'ml-lr@0.1',
    ]);
  });
});
