import type { Rng } from '../utils/random.js';

/** How the next token is picked from logits (core's GenerateOptions, as far as one step needs them). */
export interface TokenChoice {
  /** 0 (or absent) means greedy. */
  temperature?: number;
  /** Nucleus sampling: keep the smallest set of tokens whose probability reaches topP. */
  topP?: number;
}

/** Index of the largest of `length` values from `offset`; the lowest index wins ties, so greedy is deterministic. */
export function argmax(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = values[offset + i]!;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/**
 * Picks a token from one row of logits: greedy, or sampled at `temperature` from the top-p nucleus with one draw
 * of `rng`. Every engine uses this one rule, so two engines sample the same tokens from the same seed when
 * their logits agree.
 */
export function chooseToken(
  logits: Float32Array,
  offset: number,
  vocab: number,
  choice: TokenChoice,
  rng: Rng,
): number {
  const temperature = choice.temperature ?? 0;
  if (temperature <= 0) return argmax(logits, offset, vocab);
  const max = logits[offset + argmax(logits, offset, vocab)]!;
  const weights = new Float64Array(vocab);
  let total = 0;
  for (let i = 0; i < vocab; i++) {
    weights[i] = Math.exp((logits[offset + i]! - max) / temperature);
    total += weights[i]!;
  }
  // Most probable first; equal weights keep id order.
  const order = Array.from({ length: vocab }, (_, i) => i).sort((a, b) => weights[b]! - weights[a]! || a - b);
  const topP = choice.topP ?? 1;
  // Mass accumulated in this exact order, so engines whose logits agree cut the nucleus at the same token.
  let kept = 0;
  let mass = 0;
  while (kept < vocab) {
    mass += weights[order[kept]!]! / total;
    kept++;
    if (mass >= topP) break;
  }
  let target = rng.next() * mass * total;
  for (let r = 0; r < kept; r++) {
    target -= weights[order[r]!]!;
    if (target <= 0) return order[r]!;
  }
  return order[kept - 1]!;
}
