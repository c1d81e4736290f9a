import { describe, expect, it } from 'vitest';
import { MUTATION_NAMES, mutate, seededRandom } from '../fuzz/mutate.js';

describe('fuzz mutations', () => {
  const seed = new TextEncoder().encode('{"a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}');

  it('are reproducible from the random seed', () => {
    const run = (s: number) => Array.from({ length: 50 }, (_, i) => mutate(seed, seededRandom(s * 1000 + i), [seed]));
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('apply every mutation kind and leave the seed untouched', () => {
    const copy = seed.slice();
    const random = seededRandom(1);
    const applied = new Set<string>();
    for (let i = 0; i < 2000; i++) for (const name of mutate(seed, random, [seed]).applied) applied.add(name);
    expect([...applied].sort()).toEqual([...MUTATION_NAMES].sort());
    expect(seed).toEqual(copy);
  });
});
