import type { ByFile } from '../../evaluation/eval-files.js';
import type { ReportData, RunCurve, RunMetrics } from '../report-data.js';
const m = (harmful_asr: number, over_refusal: number, usability: number, expertise: number): RunMetrics => ({
  harmful_asr,
  over_refusal,
  usability,
  expertise,
});

function curve(runId: string, strategy: string, seed: number, start: number): RunCurve {
  return {
    runId,
    strategy,
    seed,
    points: Array.from({ length: 6 }, (_, step) => ({ step, loss: start / (1 + step) + 0.1 * (seed % 3) })),
  };
}

/** A small report of two layers, three strategies and one seed, shaped like a real run folder's artifacts. */
export function sampleReportData(): ReportData {
  return {
    base: {
      model: '/models/tiny-chat',
      family: 'llama',
      parameters: 857984,
      numLayers: 2,
      engine: 'tfjs',
      device: 'wasm',
    },
    proxy: {
      layer: 1,
      clean_accuracy: 0.97,
      per_layer: [
        { layer: 0, trainAccuracy: 0.94, validationAccuracy: 0.87, validationMargin: 4 },
        { layer: 1, trainAccuracy: 0.99, validationAccuracy: 0.97, validationMargin: 6 },
      ],
    },
    robustness: {
      proxy: 'noise',
      scores: [
        { module: 'L0.q', score: 0.9678 },
        { module: 'L1.q', score: 0.8965 },
        { module: 'L0.v', score: 0.9512 },
        { module: 'L1.v', score: 0.9861 },
      ],
      heatmap: {
        types: ['q', 'v'],
        layers: [0, 1],
        values: [
          [0.9678, 0.8965],
          [0.9512, 0.9861],
        ],
      },
    },
    search: {
      strategy: 'greedy',
      mods_robust: ['L0.q', 'L1.v'],
      trace: [
        { candidate: 'L1.v', accepted: true, value: 0.986, size: 1 },
        { candidate: 'L0.q', accepted: true, value: 0.962, size: 2 },
        { candidate: 'L0.v', accepted: false, value: 0.921, size: 2 },
      ],
      threshold: 0.95,
      sets: { greedy: ['L0.q', 'L1.v'], 'random-control': ['L0.v', 'L1.q'] },
    },
    curves: [
      curve('uniform', 'uniform', 1234, 8),
      curve('ml-lr', 'ml-lr', 1234, 7),
      curve('random-control', 'random-control', 1234, 7.5),
    ],
    evaluation: {
      base: m(0.0066, 0, 0.99, 0),
      uniform: m(0.8, 0.05, 0.9, 0.6),
      'ml-lr': m(0.3, 0.02, 0.92, 0.55),
      'random-control': m(0.7, 0.04, 0.91, 0.58),
    },
    seeds: [1234],
    timings_s: { base: 0.4, proxy: 3.2, robustness: 20.5, search: 4.1, ift: 50, eval: 30.2 },
    config: [
      { key: 'model', value: 'tiny-chat' },
      { key: 'seeds', value: '1 (1234)' },
    ],
  };
}

/** The same report with every strategy run under three seeds (1234, 1235, 1236). */
export function multiSeedReportData(): ReportData {
  const data = sampleReportData();
  const seeds = [1234, 1235, 1236];
  const byStrategy: Record<string, RunMetrics[]> = {
    uniform: [m(0.7, 0.04, 0.9, 0.6), m(0.8, 0.05, 0.9, 0.6), m(0.9, 0.06, 0.9, 0.6)],
    'ml-lr': [m(0.2, 0.02, 0.92, 0.5), m(0.3, 0.02, 0.92, 0.55), m(0.4, 0.02, 0.92, 0.6)],
    'random-control': [m(0.7, 0.04, 0.91, 0.58), m(0.7, 0.04, 0.91, 0.58), m(0.7, 0.04, 0.91, 0.58)],
  };
  const evaluation: Record<string, RunMetrics> = { base: data.evaluation.base! };
  const curves: RunCurve[] = [];
  for (const [k, seed] of seeds.entries()) {
    for (const [i, [strategy, runs]] of Object.entries(byStrategy).entries()) {
      const runId = k === 0 ? strategy : `${strategy}#${k + 1}`;
      evaluation[runId] = runs[k]!;
      curves.push(curve(runId, strategy, seed, 8 - k - 1.5 * i));
    }
  }
  return { ...data, evaluation, curves, seeds, config: [{ key: 'seeds', value: '3 (1234, 1235, 1236)' }] };
}

/**
 * The three-seed report with harmful_asr broken down by two evaluation files (4 + 2 prompts) for base, uniform and
 * ml-lr; random-control's runs have no breakdown (evaluated before it existed).
 */
export function byFileReportData(): ReportData {
  const data = multiSeedReportData();
  const files = (advbench: number, mine: number): ByFile => ({
    harmful_asr: [
      { file: 'advbench_harmful_behaviors.csv', value: advbench / 4, numerator: advbench, denominator: 4 },
      { file: 'my-prompts.csv', value: mine / 2, numerator: mine, denominator: 2 },
    ],
  });
  const by_file: Record<string, ByFile> = {
    base: files(0, 1),
    uniform: files(2, 1),
    'uniform#2': files(3, 1),
    'uniform#3': files(4, 1),
    'ml-lr': files(0, 0),
    'ml-lr#2': files(1, 1),
    'ml-lr#3': files(2, 0),
  };
  return { ...data, by_file };
}
