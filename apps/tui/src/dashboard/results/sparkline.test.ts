import { describe, expect, it } from 'vitest';
import { SPARK_LEVELS, sparkChar, sparkline } from './sparkline.js';

describe('sparkline', () => {
  it('maps values onto the eight block heights of the scale', () => {
    const points = [0, 1, 2, 3, 4, 5, 6, 7].map((y, x) => ({ x, y }));
    expect(sparkline(points, 8, { xEnd: 8, yMin: 0, yMax: 7 })).toBe(SPARK_LEVELS);
  });

  it('averages the points that share a column and leaves columns after the newest point blank', () => {
    const points = [
      { x: 0, y: 0 },
      { x: 1, y: 7 },
      { x: 2, y: 7 },
    ];
    // Columns cover 2 steps each: (0+7)/2 rounds to level 4, then 7, then nothing yet.
    expect(sparkline(points, 4, { xEnd: 8, yMin: 0, yMax: 7 })).toBe(`${SPARK_LEVELS[4]}${SPARK_LEVELS[7]}  `);
  });

  it('repeats the previous value across columns between sparse points', () => {
    const points = [
      { x: 0, y: 7 },
      { x: 3, y: 0 },
    ];
    expect(sparkline(points, 4, { xEnd: 4, yMin: 0, yMax: 7 })).toBe('███▁');
  });

  it('marks a non-finite value and draws a flat scale mid-height', () => {
    expect(sparkChar(Number.NaN, { yMin: 0, yMax: 1 })).toBe('!');
    expect(sparkChar(3, { yMin: 3, yMax: 3 })).toBe(SPARK_LEVELS[3]);
    expect(sparkline([], 3, { xEnd: 1, yMin: 0, yMax: 1 })).toBe('   ');
  });
});
