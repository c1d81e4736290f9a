import type { TopLevelSpec } from 'vega-lite';
import type { RunCurve } from '../report-data.js';
import { modelColours } from './palette.js';

/**
 * Training loss of every fine-tuning run, coloured by strategy. With one seed: one line per run. With several: a
 * thin line per seed, the mean over seeds as a bold line and mean ± sd as a band.
 */
export function lossCurvesSpec(curves: readonly RunCurve[]): TopLevelSpec {
  const strategies = [...new Set(curves.map((c) => c.strategy))];
  const multiSeed = strategies.some((s) => curves.filter((c) => c.strategy === s).length > 1);
  const points = curves.flatMap((c) =>
    c.points.map((p) => ({ runId: c.runId, strategy: c.strategy, step: p.step, loss: p.loss })),
  );
  const x = { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1, format: 'd' } } as const;
  const y = { field: 'loss', type: 'quantitative', title: 'training loss', scale: { zero: false } } as const;
  const color = { field: 'strategy', type: 'nominal', title: 'strategy', scale: modelColours(strategies) } as const;
  return {
    width: 520,
    height: 260,
    data: { values: points },
    layer: multiSeed
      ? [
          { mark: { type: 'errorband', extent: 'stdev', opacity: 0.18 }, encoding: { x, y, color } },
          {
            mark: { type: 'line', strokeWidth: 0.8, opacity: 0.45 },
            encoding: { x, y, color, detail: { field: 'runId', type: 'nominal' } },
          },
          { mark: { type: 'line', strokeWidth: 2.2 }, encoding: { x, y: { ...y, aggregate: 'mean' }, color } },
        ]
      : [
          {
            mark: { type: 'line', strokeWidth: 1.8 },
            encoding: { x, y, color, detail: { field: 'runId', type: 'nominal' } },
          },
        ],
    // The legend merges every layer's style: show it solid, whatever the band's opacity.
    config: { legend: { symbolOpacity: 1, symbolType: 'stroke', symbolStrokeWidth: 2.5 } },
  };
}
