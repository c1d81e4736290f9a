import { allModuleIds, type ModuleId } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { RandomSearch } from './random-search.js';
import { contextFor, scoresFor } from './test-fixtures/search-context.js';

const scores = scoresFor(4, (_, i) => i);
const greedy: ModuleId[] = ['L3.v', 'L3.o', 'L3.gate', 'L3.down', 'L1.q'];

describe('RandomSearch', () => {
  it('copies the size of the greedy result by default, and is reproducible from the seed', async () => {
    const random = new RandomSearch();
    const a = await random.search(contextFor({ scores, numLayers: 4, seed: 7, previous: { greedy } }));
    const b = await random.search(contextFor({ scores, numLayers: 4, seed: 7, previous: { greedy } }));
    const c = await random.search(contextFor({ scores, numLayers: 4, seed: 8, previous: { greedy } }));
    expect(a.modules).toHaveLength(5);
    expect(new Set(a.modules).size).toBe(5);
    expect(b.modules).toEqual(a.modules);
    expect(c.modules).not.toEqual(a.modules);
    expect(a.modules).toEqual([...a.modules].sort((x, y) => allModuleIds(4).indexOf(x) - allModuleIds(4).indexOf(y)));
  });

  it('does not depend on the order the scores are listed in', async () => {
    const random = new RandomSearch({ size: 6 });
    const forward = await random.search(contextFor({ scores, numLayers: 4, seed: 3 }));
    const backward = await random.search(contextFor({ scores: [...scores].reverse(), numLayers: 4, seed: 3 }));
    expect(backward.modules).toEqual(forward.modules);
  });

  it('takes its size from sizeOf or size, and draws from every module when nothing was scored', async () => {
    const previous = { greedy, topk: ['L0.q', 'L0.k'] as ModuleId[] };
    expect(
      (await new RandomSearch({ sizeOf: 'topk' }).search(contextFor({ scores, numLayers: 4, previous }))).modules,
    ).toHaveLength(2);
    // Without sizeOf: greedy's result where there is one, else the only earlier result (a third-party main search).
    expect((await new RandomSearch().search(contextFor({ scores, numLayers: 4, previous }))).modules).toHaveLength(
      greedy.length,
    );
    const walk = ['L0.q', 'L1.q', 'L2.q'] as ModuleId[];
    expect(
      (await new RandomSearch().search(contextFor({ scores, numLayers: 4, previous: { walk } }))).modules,
    ).toHaveLength(3);
    await expect(
      new RandomSearch().search(contextFor({ scores, numLayers: 4, previous: { walk, topk: walk } })),
    ).rejects.toThrow(/"greedy" result/);
    const unscored = await new RandomSearch({ size: 10 }).search(contextFor({ scores: [], numLayers: 2 }));
    expect(unscored.modules).toHaveLength(10);
    expect(unscored.modules.every((m) => allModuleIds(2).includes(m))).toBe(true);
  });

  it('draws every module about equally often across seeds', async () => {
    const random = new RandomSearch({ size: 7 });
    const counts = new Map<ModuleId, number>();
    for (let seed = 0; seed < 2800; seed++) {
      for (const m of (await random.search(contextFor({ scores, numLayers: 4, seed }))).modules)
        counts.set(m, (counts.get(m) ?? 0) + 1);
    }
    // 2800 draws × 7 of 28 modules = 700 expected per module; ±15% is far outside chance for a uniform draw.
    expect(counts.size).toBe(28);
    for (const n of counts.values()) expect(Math.abs(n - 700)).toBeLessThan(105);
  });

  it('explains a missing earlier result and a size larger than the model', async () => {
    await expect(new RandomSearch().search(contextFor({ scores, numLayers: 4 }))).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
      message: expect.stringContaining('no earlier search result has that name (none is available)'),
    });
    await expect(
      new RandomSearch({ sizeOf: 'pattern' }).search(contextFor({ scores, numLayers: 4, previous: { greedy } })),
    ).rejects.toThrow(/"pattern" result.*available: greedy/);
    await expect(new RandomSearch({ size: 29 }).search(contextFor({ scores, numLayers: 4 }))).rejects.toThrow(
      /29 modules, but there are only 28/,
    );
  });
});
