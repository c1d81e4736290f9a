/** A seeded source of uniform numbers in [0, 1); the same seed always gives the same sequence. */
export interface Rng {
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** The generator's internal state: {@link rngFromState} continues the sequence from here (checkpoints). */
  state(): number;
}

/**
 * A small, fast seeded PRNG (mulberry32). Not cryptographic: it exists so that data order, sampling and random
 * subsets are reproducible from the run seed on every machine.
 */
export function createRng(seed: number): Rng {
  return rngFromState((Math.floor(seed) >>> 0) ^ 0x9e3779b9);
}

/** A generator that continues from a {@link Rng.state} value: it yields exactly what the saved one would have next. */
export function rngFromState(saved: number): Rng {
  let state = saved >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), state: () => state };
}

/** A shuffled copy of `items` (Fisher–Yates) using `rng`. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
