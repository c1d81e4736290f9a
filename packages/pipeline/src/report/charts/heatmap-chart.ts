import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from '../report-data.js';

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
  return {
    data: { values: cells },
    width: { step: 52 },
    height: { step: 24 },
    encoding: {
      x: { field: 'layer', type: 'ordinal', sort: { field: 'column', op: 'min' }, title: 'layer', axis: { labelAngle: 0, orient: 'top' } },
      y: { field: 'type', type: 'ordinal', sort: { field: 'row', op: 'min' }, title: 'module type' },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: { color: { field: 'score', type: 'quantitative', scale: { scheme: 'viridis' }, title: 'score' } },
      },
      {
        transform: [{ filter: 'datum.robust' }],
        mark: { type: 'rect', filled: false, stroke: '#e4002b', strokeWidth: 2.5 },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'label', type: 'nominal' },
          color: { condition: { test: 'datum.dark', value: 'white' }, value: 'black' },
        },
      },
    ],
    config: { view: { stroke: null } },
  };
}
