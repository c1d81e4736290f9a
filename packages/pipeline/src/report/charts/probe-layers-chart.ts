import type { TopLevelSpec } from 'vega-lite';
import type { ReportData } from '../report-data.js';

/** Per-layer accuracy of the security probe, train and validation, with the chosen layer marked. */
export function probeLayersSpec(proxy: ReportData['proxy']): TopLevelSpec {
  const points = proxy.per_layer.flatMap((l) => [
    { layer: l.layer, split: 'train', accuracy: l.trainAccuracy },
    { layer: l.layer, split: 'validation', accuracy: l.validationAccuracy },
  ]);
  const lowest = Math.min(...points.map((p) => p.accuracy));
  const layers = proxy.per_layer.map((l) => l.layer);
  // The label goes on the side of the rule with more room.
  const labelLeft = proxy.layer > (Math.min(...layers) + Math.max(...layers)) / 2;
  const x = { field: 'layer', type: 'quantitative', title: 'layer', axis: { tickMinStep: 1, format: 'd' } } as const;
  return {
    width: 360,
    height: 200,
    layer: [
      {
        data: { values: [{ layer: proxy.layer, label: `chosen: layer ${proxy.layer}` }] },
        mark: { type: 'rule', color: '#e4002b', strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x },
      },
      {
        data: { values: [{ layer: proxy.layer, label: `chosen: layer ${proxy.layer}` }] },
        mark: {
          type: 'text',
          color: '#e4002b',
          align: labelLeft ? 'right' : 'left',
          dx: labelLeft ? -4 : 4,
          baseline: 'bottom',
          y: 'height',
          dy: -4,
          fontSize: 11,
        },
        encoding: { x, text: { field: 'label', type: 'nominal' } },
      },
      {
        data: { values: points },
        mark: { type: 'line', point: true },
        encoding: {
          x,
          y: {
            field: 'accuracy',
            type: 'quantitative',
            title: 'accuracy',
            axis: { format: '.0%' },
            scale: { domain: [Math.max(0, Math.floor(lowest * 10) / 10 - 0.05), 1] },
          },
          color: {
            field: 'split',
            type: 'nominal',
            title: null,
            legend: { orient: 'bottom' },
            scale: { domain: ['train', 'validation'], range: ['#4e79a7', '#f28e2b'] },
          },
        },
      },
    ],
  };
}
