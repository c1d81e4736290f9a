import { describe, expect, it } from 'vitest';
import { barRange, thresholdBar } from './threshold-bar.js';

const draw = (value: number, threshold: number | undefined, width = 10) =>
  thresholdBar(value, threshold, { lo: 0.9, hi: 1 }, width)
    .map((s) => s.text)
    .join('');

describe('thresholdBar', () => {
  it('fills up to the value and marks the threshold column', () => {
    expect(draw(0.97, 0.95)).toBe('█████┃█░░░');
    expect(draw(0.92, 0.95)).toBe('██░░░┃░░░░');
    expect(draw(1, undefined)).toBe('██████████');
  });

  it('groups runs of one kind into segments', () => {
    expect(thresholdBar(0.97, 0.95, { lo: 0.9, hi: 1 }, 10).map((s) => s.kind)).toEqual([
      'fill',
      'threshold',
      'fill',
      'empty',
    ]);
  });
});

describe('barRange', () => {
  it('reaches from a little below the lowest value or threshold up to clean (1)', () => {
    const range = barRange([0.98, 0.96], 0.95);
    expect(range.hi).toBe(1);
    expect(range.lo).toBeCloseTo(0.95 - 0.0125);
    expect(barRange([], undefined)).toEqual({ lo: 0, hi: 1 });
  });
});
