import type { TopLevelSpec } from 'vega-lite';
import { METRICS } from '../report-data.js';
import type { AggregatedRuns } from '../seed-aggregate.js';
import { modelColours } from './palette.js';

/**
 * The comparison as a grouped bar chart: one group per metric, one bar per model (base and each strategy), the mean
 * over seeds; with several seeds a whisker shows mean ± sd.
 */
export function comparisonSpec(runs: AggregatedRuns): TopLevelSpec {
  const models = Object.keys(runs.mean);
  const bars = METRICS.flatMap((metric, metricOrder) =>
    models.map((model, order) => {
      const value = runs.mean[model]![metric];
      const sd = runs.n[model]! > 1 ? runs.sd[model]![metric] : 0;
      return {
        metric,
        metricOrder,
        model,
        order,
        value,
        lo: Math.max(0, value - sd),
        hi: Math.min(1, value + sd),
        spread: sd > 0,
      };
    }),
  );
  const withSpread = bars.some((b) => b.spread);
  const x = {
    field: 'metric',
    type: 'nominal',
    sort: { field: 'metricOrder', op: 'min' },
    title: null,
    axis: { labelAngle: 0 },
  } as const;
  const xOffset = { field: 'model', type: 'nominal', sort: { field: 'order', op: 'min' } } as const;
  return {
    width: METRICS.length * (18 * models.length + 24),
    height: 220,
    data: { values: bars },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          xOffset,
          y: {
            field: 'value',
            type: 'quantitative',
            title: withSpread ? 'mean over seeds' : 'value',
            scale: { domain: [0, 1] },
            axis: { format: '.0%' },
          },
          color: {
            field: 'model',
            type: 'nominal',
            title: 'model',
            scale: modelColours(models),
            sort: { field: 'order', op: 'min' },
          },
        },
      },
      ...(withSpread
        ? [
            {
              transform: [{ filter: 'datum.spread' }],
              mark: { type: 'rule' as const, color: '#222', strokeWidth: 1.2 },
              encoding: { x, xOffset, y: { field: 'lo', type: 'quantitative' as const }, y2: { field: 'hi' } },
            },
          ]
        : []),
    ],
  };
}
