import { describe, expect, it } from 'vitest';
import { formatScore, HEAT_COLOURS, heatmapGrid, heatStep } from './heatmap-grid.js';

describe('heatmapGrid', () => {
  it('lays scores out as module type × layer, with gaps for cells not yet arrived', () => {
    const grid = heatmapGrid({ 'L0.q': 0.5, 'L2.down': 0.9, 'L1.x': 7, other: 1 });
    expect(grid.types).toEqual(['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
    expect(grid.layers).toEqual([0, 1, 2]);
    expect(grid.score('q', 0)).toBe(0.5);
    expect(grid.score('down', 2)).toBe(0.9);
    expect(grid.score('k', 1)).toBeUndefined();
    expect([grid.min, grid.max]).toEqual([0.5, 0.9]);
  });

  it('is empty before any score', () => {
    const grid = heatmapGrid({});
    expect(grid.layers).toEqual([]);
    expect(grid.min).toBeUndefined();
  });
});

describe('heatStep', () => {
  it('splits the range into equal colour bands, least robust first', () => {
    expect(heatStep(0, 0, 1)).toBe(0);
    expect(heatStep(0.39, 0, 1)).toBe(1);
    expect(heatStep(0.5, 0, 1)).toBe(2);
    expect(heatStep(1, 0, 1)).toBe(HEAT_COLOURS.length - 1);
    expect(heatStep(0.7, 0.7, 0.7)).toBe(HEAT_COLOURS.length - 1);
    expect(heatStep(Number.NaN, 0, 1)).toBe(0);
  });
});

describe('formatScore', () => {
  it('prints three decimals right-aligned, and a dot for a missing cell', () => {
    expect(formatScore(0.91234, 7)).toBe('  0.912');
    expect(formatScore(undefined, 7)).toBe('   ·   ');
  });
});
