import type { TopLevelSpec } from 'vega-lite';
import type { TraceStep } from '../report-data.js';

/** The Mods_Robust search, decision by decision: the probe value of each candidate set, kept or dropped, and the threshold. */
export function searchTraceSpec(trace: readonly TraceStep[], threshold?: number): TopLevelSpec {
  const points = trace.map((s, i) => ({
    step: i + 1,
    label: `${i + 1}. ${s.candidate}`,
    value: s.value,
    decision: s.accepted ? 'kept' : 'dropped',
  }));
  const x = {
    field: 'label',
    type: 'nominal',
    sort: { field: 'step', op: 'min' },
    title: 'candidate (in search order)',
    axis: { labelAngle: -45 },
  } as const;
  const values = [...points.map((p) => p.value), ...(threshold === undefined ? [] : [threshold])];
  const lowest = Math.min(...values);
  const highest = Math.max(...values);
  const pad = Math.max(0.005, (highest - lowest) * 0.1);
  return {
    width: { step: 30 },
    height: 180,
    layer: [
      {
        data: { values: points },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: 'probe value of the set',
            scale: { domain: [lowest - pad, highest + pad] },
          },
          color: {
            field: 'decision',
            type: 'nominal',
            title: null,
            scale: { domain: ['kept', 'dropped'], range: ['#59a14f', '#e15759'] },
          },
          shape: {
            field: 'decision',
            type: 'nominal',
            title: null,
            scale: { domain: ['kept', 'dropped'], range: ['circle', 'cross'] },
          },
        },
      },
      ...(threshold === undefined
        ? []
        : [
            {
              data: { values: [{ threshold, label: `threshold ${threshold}` }] },
              mark: { type: 'rule' as const, color: '#555', strokeDash: [4, 3] },
              encoding: { y: { field: 'threshold', type: 'quantitative' as const } },
            },
            {
              data: { values: [{ threshold, label: `threshold ${threshold}` }] },
              mark: {
                type: 'text' as const,
                align: 'left' as const,
                baseline: 'top' as const,
                dy: 3,
                x: 2,
                color: '#555',
                fontSize: 10,
              },
              encoding: {
                y: { field: 'threshold', type: 'quantitative' as const },
                text: { field: 'label', type: 'nominal' as const },
              },
            },
          ]),
    ],
  };
}
