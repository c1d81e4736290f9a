import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from '../report-data.js';
import { moduleGridSpec } from './module-grid-chart.js';

/**
 * The module robustness heatmap: module type (rows) × layer (columns), colour = score (higher = more robust), the
 * score written in each cell, and Mods_Robust outlined.
 */
export function heatmapSpec(robustness: ReportData['robustness'], modsRobust: readonly string[]): TopLevelSpec {
  const { types, layers, values } = robustness.heatmap;
  const finite = values.flat().filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const robust = new Set(modsRobust);
  const cells = types.flatMap((type, row) =>
    layers.flatMap((layer, column) => {
      const score = values[row]?.[column];
      if (score === null || score === undefined || !Number.isFinite(score)) return [];
      return [
        {
          type,
          row,
          layer: `L${layer}`,
          column,
          score,
          label: score.toFixed(3),
          // Dark end of viridis: write white on it.
          dark: hi > lo ? (score - lo) / (hi - lo) < 0.5 : false,
          robust: robust.has(`L${layer}.${type}`),
        },
      ];
    }),
  );
  return moduleGridSpec(cells, {
    color: { field: 'score', scheme: 'viridis', title: 'score' },
    outline: '#e4002b',
    darkCell: 'datum.dark',
  });
}
