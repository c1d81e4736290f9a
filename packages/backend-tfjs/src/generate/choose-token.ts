import type { Rng } from '@mllr/core';

/** How the next token is picked from logits. */
export interface TokenChoice {
  /** 0 (or absent) means greedy. */
  temperature?: number;
  /** Nucleus sampling: keep the smallest set of tokens whose probability reaches topP. */
  topP?: number;
}

/** Index of the largest value; the lowest index wins ties, so greedy decoding is deterministic. */
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

/** Picks a token from one row of logits: greedy, or sampled with temperature and top-p using `rng`. */
export function chooseToken(logits: Float32Array, offset: number, vocab: number, choice: TokenChoice, rng: Rng): number {
  const temperature = choice.temperature ?? 0;
  if (temperature <= 0) return argmax(logits, offset, vocab);
  const max = logits[offset + argmax(logits, offset, vocab)]!;
  const probs = new Float64Array(vocab);
  let sum = 0;
  for (let i = 0; i < vocab; i++) {
    probs[i] = Math.exp((logits[offset + i]! - max) / temperature);
    sum += probs[i]!;
  }
  const order = Array.from({ length: vocab }, (_, i) => i).sort((a, b) => probs[b]! - probs[a]! || a - b);
  const topP = choice.topP ?? 1;
  let kept = 0;
  let mass = 0;
  for (const i of order) {
    mass += probs[i]! / sum;
    kept++;
    if (mass >= topP) break;
  }
  let target = rng.next() * mass * sum;
  for (let r = 0; r < kept; r++) {
    const i = order[r]!;
    target -= probs[i]!;
    if (target <= 0) return i;
  }
  return order[kept - 1]!;
}
