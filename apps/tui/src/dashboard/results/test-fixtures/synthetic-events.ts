import { MODULE_TYPES, type RunEvent, type RunEventInput } from '@mllr/core';
import { initialStageResults, reduceStageResults, type StageResults } from '../stage-results.js';

let seq = 0;

/** Stamps an event input with a sequence number and time, as the engine's sink does. */
export function stamp(e: RunEventInput, time = 0): RunEvent {
  return { ...e, seq: ++seq, time } as RunEvent;
}

/** A metric event of `stage`. */
export function metric(
  stage: string,
  name: string,
  value: number,
  options: { step?: number; series?: string } = {},
): RunEvent {
  return stamp({ type: 'metric', stage, name, value, ...options });
}

/** A log event of `stage`. */
export function log(stage: string, message: string): RunEvent {
  return stamp({ type: 'log', level: 'info', stage, message });
}

/** Folds events into stage results, as the dashboard does. */
export function resultsOf(events: readonly RunEvent[]): StageResults {
  return events.reduce(reduceStageResults, initialStageResults());
}

/** Per-layer probe accuracy of a 4-layer model; layer 2 is the best. */
export const PROBE_EVENTS: RunEvent[] = [0.712, 0.861, 0.953, 0.948].map((accuracy, layer) =>
  metric('proxy', 'probe_accuracy', accuracy, { step: layer, series: 'validation' }),
);

/** A robustness score for each module of `layers` layers: L{l}.{type} → 0.1 + a spread that is easy to read back. */
export function robustnessEvents(layers: number): RunEvent[] {
  const events: RunEvent[] = [];
  for (let layer = 0; layer < layers; layer++) {
    MODULE_TYPES.forEach((type, t) =>
      events.push(metric('robustness', 'robustness', robustnessScore(layer, t), { series: `L${layer}.${type}` })),
    );
  }
  return events;
}

/** The synthetic score of the module of type index `t` in `layer`. */
export function robustnessScore(layer: number, t: number): number {
  return Number((0.1 + ((layer * 7 + t) % 10) * 0.09 + layer * 0.0011).toFixed(4));
}

/** A greedy search: keep, keep, drop, keep, each decision's log line before its metric, as the search stage emits. */
export const SEARCH_EVENTS: RunEvent[] = [
  metric('search', 'threshold', 0.95),
  ...decision('keep', 'L3.q', 0.9981, 1),
  ...decision('keep', 'L2.k', 0.9712, 2),
  ...decision('drop', 'L0.down', 0.9213, 2),
  ...decision('keep', 'L1.v', 0.9534, 3),
];

function decision(verdict: 'keep' | 'drop', candidate: string, value: number, size: number): RunEvent[] {
  return [
    log('search', `${verdict} ${candidate} (probe ${value.toFixed(4)}) → ${size} module${size === 1 ? '' : 's'}`),
    metric('search', 'set_value', value, { step: size, series: verdict === 'keep' ? 'kept' : 'dropped' }),
  ];
}

/** Loss curves of `runs` over `steps` steps: each starts at 2 and decays, ml-lr a little slower. */
export function lossEvents(runs: readonly string[], steps: number): RunEvent[] {
  return runs.flatMap((run, r) =>
    Array.from({ length: steps }, (_, step) =>
      metric('ift', 'loss', 2 * Math.exp(-step / (steps / (run.startsWith('ml-lr') ? 2 : 3))) + 0.01 * r, {
        step,
        series: run,
      }),
    ),
  );
}

/** Eval metrics: base, uniform and ml-lr over two seeds, swat once. ml-lr is safer than uniform and slightly less expert. */
export const EVAL_EVENTS: RunEvent[] = Object.entries({
  base: { harmful_asr: 0.05, over_refusal: 0.1, usability: 0.8, expertise: 0.3 },
  uniform: { harmful_asr: 0.42, over_refusal: 0.06, usability: 0.82, expertise: 0.61 },
  'uniform#2': { harmful_asr: 0.38, over_refusal: 0.08, usability: 0.84, expertise: 0.63 },
  'ml-lr': { harmful_asr: 0.1, over_refusal: 0.09, usability: 0.81, expertise: 0.58 },
  'ml-lr#2': { harmful_asr: 0.14, over_refusal: 0.09, usability: 0.81, expertise: 0.6 },
  swat: { harmful_asr: 0.2, over_refusal: 0.07, usability: 0.83, expertise: 0.62 },
}).flatMap(([model, metrics]) =>
  Object.entries(metrics).map(([name, value]) => metric('eval', name, value, { series: model })),
);
