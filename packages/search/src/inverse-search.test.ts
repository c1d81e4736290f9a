import { createRng, type ModuleId } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { InverseSearch } from './inverse-search.js';
import { TopKSearch } from './topk-search.js';
import { contextFor, scoresFor } from './test-fixtures/search-context.js';

// Scores in a seeded random order, so "lowest" cannot coincide with canonical order by accident.
const rng = createRng(11);
const scores = scoresFor(4, () => rng.next());
const greedy: ModuleId[] = ['L3.v', 'L3.o', 'L3.gate', 'L3.down', 'L1.q'];

describe('InverseSearch', () => {
  it('returns the lowest-scoring modules, as many as the greedy result', async () => {
    const { modules } = await new InverseSearch().search(contextFor({ scores, numLayers: 4, previous: { greedy } }));
    expect(modules).toHaveLength(greedy.length);
    const chosen = scores.filter((s) => modules.includes(s.module)).map((s) => s.score);
    const others = scores.filter((s) => !modules.includes(s.module)).map((s) => s.score);
    // Every chosen score is below every score left out, i.e. they are the 5 lowest.
    expect(Math.max(...chosen)).toBeLessThan(Math.min(...others));
    const lowest = [...scores]
      .sort((a, b) => a.score - b.score)
      .slice(0, greedy.length)
      .map((s) => s.module);
    expect(new Set(modules)).toEqual(new Set(lowest));
  });

  it('is disjoint from topk of the same size, and together they cover every module when sizes add up', async () => {
    const inverse = (await new InverseSearch({ size: 14 }).search(contextFor({ scores, numLayers: 4 }))).modules;
    const topk = (await new TopKSearch({ k: 14 }).search(contextFor({ scores, numLayers: 4 }))).modules;
    expect(inverse.filter((m) => topk.includes(m))).toEqual([]);
    expect(inverse.length + topk.length).toBe(28);
  });

  it('takes its size from sizeOf or size, breaks ties like topk reversed, and refuses what it cannot do', async () => {
    const tied = scoresFor(2, (id) => (id.startsWith('L0.') ? 0 : 1));
    expect((await new InverseSearch({ size: 2 }).search(contextFor({ scores: tied, numLayers: 2 }))).modules).toEqual([
      'L0.up',
      'L0.down',
    ]);
    const previous = { greedy, topk: ['L0.q', 'L0.k'] as ModuleId[] };
    expect(
      (await new InverseSearch({ sizeOf: 'topk' }).search(contextFor({ scores, numLayers: 4, previous }))).modules,
    ).toHaveLength(2);
    await expect(new InverseSearch().search(contextFor({ scores, numLayers: 4 }))).rejects.toThrow(
      /the inverse search copies the size of the "greedy" result/,
    );
    await expect(new InverseSearch({ size: 29 }).search(contextFor({ scores, numLayers: 4 }))).rejects.toThrow(
      /29 modules, but only 28 are scored/,
    );
    await expect(new InverseSearch({ size: 2 }).search(contextFor({ scores: [], numLayers: 4 }))).rejects.toThrow(
      /needs module scores/,
    );
  });
});
