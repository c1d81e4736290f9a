import { describe, expect, it } from 'vitest';
import { argmax, chooseToken } from './choose-token.js';
import { createRng } from '../utils/random.js';

describe('chooseToken', () => {
  const logits = new Float32Array([0, 5, 1, 4.9, -2]);

  it('is greedy at temperature 0 and keeps only the nucleus with top-p', () => {
    expect(chooseToken(logits, 0, 5, {}, createRng(1))).toBe(1);
    const rng = createRng(9);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(chooseToken(logits, 0, 5, { temperature: 1, topP: 0.9 }, rng));
    expect([...seen].sort()).toEqual([1, 3]);
    for (let i = 0; i < 400; i++) seen.add(chooseToken(logits, 0, 5, { temperature: 5, topP: 1 }, rng));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('argmax', () => {
  it('finds the largest value within the window, the lowest index on ties', () => {
    const values = [9, 1, 3, 3, 2, 9];
    expect(argmax(values, 1, 4)).toBe(1);
    expect(argmax(values)).toBe(0);
  });
});
