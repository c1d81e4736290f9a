import { describe, expect, it } from 'vitest';
import { appendToCurve, emptyCurve, type BoundedCurve } from './bounded-curve.js';

const offer = (n: number, capacity: number): BoundedCurve => {
  let curve = emptyCurve();
  for (let x = 0; x < n; x++) curve = appendToCurve(curve, { x, y: x * 10 }, capacity);
  return curve;
};

describe('appendToCurve', () => {
  it('keeps every point until full', () => {
    const curve = offer(4, 4);
    expect(curve.points.map((p) => p.x)).toEqual([0, 1, 2, 3]);
    expect(curve.stride).toBe(1);
  });

  it('thins to an evenly spaced grid once full, and stays within capacity', () => {
    expect(offer(5, 4).points.map((p) => p.x)).toEqual([0, 2, 4]);
    expect(offer(9, 4).points.map((p) => p.x)).toEqual([0, 4, 8]);
    const long = offer(1000, 8);
    expect(long.points.length).toBeLessThanOrEqual(8);
    const xs = long.points.map((p) => p.x);
    expect(new Set(xs.slice(1).map((x, i) => x - xs[i]!)).size).toBe(1);
    expect(long.last).toEqual({ x: 999, y: 9990 });
    expect(long.first).toEqual({ x: 0, y: 0 });
    expect(long.seen).toBe(1000);
  });

  it('does not change the curve it is given', () => {
    const curve = offer(4, 4);
    const before = structuredClone(curve);
    appendToCurve(curve, { x: 4, y: 0 }, 4);
    expect(curve).toEqual(before);
  });
});
