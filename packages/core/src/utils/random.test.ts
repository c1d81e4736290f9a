import { describe, expect, it } from 'vitest';
import { createRng, rngFromState, shuffled } from './random.js';

describe('createRng', () => {
  it('repeats for the same seed and differs across seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('is roughly uniform and shuffles without losing items', () => {
    const rng = createRng(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[rng.int(4)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(900);
    const items = Array.from({ length: 50 }, (_, i) => i);
    const s = shuffled(items, createRng(3));
    expect(s).not.toEqual(items);
    expect([...s].sort((x, y) => x - y)).toEqual(items);
    expect(shuffled(items, createRng(3))).toEqual(s);
  });

  it('continues from a saved state exactly where the saved generator was', () => {
    const a = createRng(9);
    for (let i = 0; i < 17; i++) a.next();
    const resumed = rngFromState(a.state());
    expect(Array.from({ length: 8 }, () => resumed.next())).toEqual(Array.from({ length: 8 }, () => a.next()));
    expect(rngFromState(createRng(9).state()).next()).toBe(createRng(9).next());
  });
});
