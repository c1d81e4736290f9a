import type { TopLevelSpec } from 'vega-lite';
import { modelColours } from './palette.js';

/** One point of a family's curve: a strategy variant's mean over its seeds (and sets). */
export interface ParetoPoint {
  /** The configured strategy the point belongs to (its curve). */
  family: string;
  /** The swept option's value, where the family is swept. */
  sweep?: number;
  expertise: number;
  harmful_asr: number;
}

/** The chart's data: one curve per family, and the models marked on it. */
export interface ParetoData {
  /** The option each family sweeps, for the legend (`ml-lr: alpha`). */
  swept: Record<string, string>;
  points: ParetoPoint[];
  /** Marked points: the base model and plain fine-tuning (`uniform` at its configured rate). */
  marks: Array<{ label: string; expertise: number; harmful_asr: number }>;
}

/**
 * The Pareto chart: expertise (x, higher is better) against harmful_asr (y, lower is better), one line per family
 * through its sweep values in order, each point labelled with its value; the base model and plain fine-tuning are
 * marked. The best trade-offs lie towards the bottom right.
 */
export function paretoSpec(data: ParetoData): TopLevelSpec {
  const families = [...new Set(data.points.map((p) => p.family))];
  const colours = modelColours(families);
  const legend = (family: string) => (data.swept[family] ? `${family} (${data.swept[family]})` : family);
  const points = data.points
    .filter((p) => Number.isFinite(p.expertise) && Number.isFinite(p.harmful_asr))
    .map((p) => ({
      family: legend(p.family),
      order: p.sweep ?? 0,
      expertise: 100 * p.expertise,
      harm: 100 * p.harmful_asr,
      label: p.sweep === undefined ? '' : String(p.sweep),
    }));
  const marks = data.marks.map((m) => ({ label: m.label, expertise: 100 * m.expertise, harm: 100 * m.harmful_asr }));
  const x = { field: 'expertise', type: 'quantitative', title: 'expertise (%) →', scale: { zero: false } } as const;
  const y = { field: 'harm', type: 'quantitative', title: 'harmful_asr (%) ↓' } as const;
  const colour = {
    field: 'family',
    type: 'nominal',
    title: 'family',
    scale: { domain: families.map(legend), range: colours.range },
  } as const;
  return {
    width: 460,
    height: 300,
    layer: [
      {
        data: { values: points },
        mark: { type: 'line', point: { filled: true, size: 50 } },
        encoding: { x, y, color: colour, order: { field: 'order', type: 'quantitative' } },
      },
      {
        data: { values: points },
        mark: { type: 'text', dx: 6, dy: -6, fontSize: 9, align: 'left' },
        encoding: { x, y, color: colour, text: { field: 'label', type: 'nominal' } },
      },
      {
        data: { values: marks },
        mark: { type: 'point', shape: 'diamond', filled: true, size: 140, color: '#333' },
        encoding: { x, y },
      },
      {
        data: { values: marks },
        mark: { type: 'text', dx: 8, dy: 10, fontSize: 10, fontWeight: 'bold', align: 'left', color: '#333' },
        encoding: { x, y, text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
}
