import { describe, expect, it } from 'vitest';
import { formatHeatmap, robustnessHeatmap } from './heatmap.js';

describe('robustnessHeatmap', () => {
  it('lays scores out as module type × layer, with gaps for unscored modules', () => {
    const heatmap = robustnessHeatmap(
      [
        { module: 'L0.q', score: 0.9 },
        { module: 'L1.down', score: 0.5 },
      ],
      2,
    );
    expect(heatmap.types).toEqual(['q', 'k', 'v', 'o', 'gate', 'up', 'down']);
    expect(heatmap.values[0]).toEqual([0.9, null]);
    expect(heatmap.values[6]).toEqual([null, 0.5]);
    expect(formatHeatmap(heatmap).split('\n')).toEqual([
      '           L0     L1',
      'q       0.900      -',
      'k           -      -',
      'v           -      -',
      'o           -      -',
      'gate        -      -',
      'up          -      -',
      'down        -  0.500',
    ]);
  });
});
