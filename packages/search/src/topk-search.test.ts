import { describe, expect, it } from 'vitest';
import { TopKSearch } from './topk-search.js';
import { contextFor, scoresFor } from './test-fixtures/search-context.js';

// Score = canonical index: the best modules are the deepest ones (contextFor fails on any evaluateSet call).
const scores = scoresFor(4, (_, i) => i);

describe('TopKSearch', () => {
  it('picks the k best-scored modules without evaluating anything', async () => {
    expect((await new TopKSearch({ k: 3 }).search(contextFor({ scores, numLayers: 4 }))).modules).toEqual([
      'L3.gate',
      'L3.up',
      'L3.down',
    ]);
  });

  it('defaults to the greedy cap (a quarter of the modules) and honours maxFraction', async () => {
    const byDefault = await new TopKSearch().search(contextFor({ scores, numLayers: 4 }));
    expect(byDefault.modules).toEqual(['L3.q', 'L3.k', 'L3.v', 'L3.o', 'L3.gate', 'L3.up', 'L3.down']);
    expect(
      (await new TopKSearch({ maxFraction: 0.5 }).search(contextFor({ scores, numLayers: 4 }))).modules,
    ).toHaveLength(14);
    // One layer = 7 modules: a quarter rounds down to 1, never to 0.
    expect(
      (await new TopKSearch().search(contextFor({ scores: scoresFor(1, (_, i) => i), numLayers: 1 }))).modules,
    ).toEqual(['L0.down']);
  });

  it('breaks ties canonically and returns the set in canonical order', async () => {
    const tied = scoresFor(2, (id) => (id.startsWith('L1.') ? 1 : 0));
    expect((await new TopKSearch({ k: 9 }).search(contextFor({ scores: tied, numLayers: 2 }))).modules).toEqual([
      'L0.q',
      'L0.k',
      'L1.q',
      'L1.k',
      'L1.v',
      'L1.o',
      'L1.gate',
      'L1.up',
      'L1.down',
    ]);
  });

  it('refuses a k larger than the number of scored modules, and missing scores', async () => {
    await expect(new TopKSearch({ k: 29 }).search(contextFor({ scores, numLayers: 4 }))).rejects.toThrow(
      /k = 29 modules, but only 28/,
    );
    await expect(new TopKSearch().search(contextFor({ scores: [], numLayers: 4 }))).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
    });
  });
});
