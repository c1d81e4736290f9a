import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunConfigSchema } from '@mllr/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsRunStore } from '../run/fs-run-store.js';
import { gatherReportData } from './gather-report-data.js';
import { buildSummary } from './summary.js';

const metric = (value: number) => ({ value, numerator: value * 10, denominator: 10 });
const metrics = (asr: number) => ({
  harmful_asr: metric(asr),
  over_refusal: metric(0.1),
  usability: metric(0.9),
  expertise: metric(0.5),
});

describe('gatherReportData', () => {
  let dir: string;
  let store: FsRunStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mllr-report-'));
    store = new FsRunStore(dir);
    await store.writeJson('base.json', {
      model: '/m/tiny',
      family: 'llama',
      parameters: 10,
      numLayers: 2,
      engine: 'tfjs',
      device: 'cpu',
    });
    await store.writeJson('proxy.json', {
      layer: 1,
      clean_accuracy: 0.97,
      clean_margin: 5,
      per_layer: [
        { layer: 0, trainAccuracy: 0.9, validationAccuracy: 0.8, validationMargin: 1 },
        { layer: 1, trainAccuracy: 1, validationAccuracy: 0.97, validationMargin: 5 },
      ],
      classifier: { weights: [], bias: 0, mean: [], std: [] },
      validation: { prompts: ['p'], labels: [1] },
    });
    await store.writeJson('robustness.json', {
      proxy: 'noise',
      scores: [
        { module: 'L0.q', score: 0.9, raw: { accuracy: [1] } },
        { module: 'L1.q', score: 0.8 },
      ],
      heatmap: { types: ['q'], layers: [0, 1], values: [[0.9, 0.8]] },
    });
    await store.writeJson('search.json', {
      strategy: 'greedy',
      mods_robust: ['L0.q'],
      trace: [
        { candidate: 'L0.q', accepted: true, value: 0.97, size: 1 },
        { candidate: 'L1.q', accepted: false, value: 0.9, size: 1 },
      ],
      sets: { greedy: ['L0.q'] },
    });
    await store.writeJson('eval.json', {
      base: metrics(0),
      uniform: metrics(0.6),
      'ml-lr': metrics(0.2),
      'uniform#2': metrics(0.8),
      'ml-lr#2': metrics(0.4),
    });
    for (const runId of ['uniform', 'ml-lr', 'uniform#2']) {
      await store.writeJson(`ift/${runId}.json`, {
        strategy: runId,
        schedule: 'x',
        model: `models/${runId}`,
        curve: [
          { step: 0, loss: 3 },
          { step: 1, loss: 2 },
        ],
      });
    }
    await store.recordStage({
      stage: 'ift',
      hash: 'h',
      artifacts: ['ift/uniform.json'],
      finishedAt: '',
      elapsedS: 12.345,
    });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every artifact, each run of each seed, and (search.json without one) the configured search threshold', async () => {
    const config = RunConfigSchema.parse({
      seed: 7,
      seeds: 2,
      search: { name: 'greedy', options: { threshold: 0.9 } },
      strategies: [
        { id: 'uniform', schedule: 'uniform' },
        { id: 'ml-lr', schedule: 'ml-lr' },
      ],
    });
    const warnings: string[] = [];
    const data = await gatherReportData(store, config, (w) => warnings.push(w), { name: 'greedy', threshold: 0.9 });
    expect(data.base.model).toBe('/m/tiny');
    expect(data.proxy.per_layer).toHaveLength(2);
    expect(data.robustness.scores).toEqual([
      { module: 'L0.q', score: 0.9 },
      { module: 'L1.q', score: 0.8 },
    ]);
    expect(data.search.threshold).toBe(0.9);
    expect(data.search.trace[1]).toEqual({ candidate: 'L1.q', accepted: false, value: 0.9, size: 1 });
    expect(data.seeds).toEqual([7, 8]);
    expect(data.curves.map((c) => [c.runId, c.strategy, c.seed])).toEqual([
      ['uniform', 'uniform', 7],
      ['ml-lr', 'ml-lr', 7],
      ['uniform#2', 'uniform', 8],
    ]);
    expect(warnings).toEqual(['no training curve for ml-lr#2 (ift/ml-lr#2.json is missing)']);
    expect(data.evaluation['uniform#2']).toEqual({
      harmful_asr: 0.8,
      over_refusal: 0.1,
      usability: 0.9,
      expertise: 0.5,
    });
    expect(data.timings_s).toEqual({ ift: 12.3 });
    expect(data.config.find((r) => r.key === 'seeds')?.value).toBe('2 (7, 8)');

    const summary = buildSummary(data);
    expect(summary.runs.uniform!.harmful_asr).toBeCloseTo(0.7, 12);
    expect(summary.runs_sd!.uniform!.harmful_asr).toBeCloseTo(Math.SQRT1_2 * 0.2, 12);
    expect(summary.seeds).toEqual([7, 8]);
    expect(data.by_file).toBeUndefined();
  });

  it("reads eval.json's per-file breakdowns of the models that have one", async () => {
    const evaluation = await store.readJson<Record<string, Record<string, unknown>>>('eval.json');
    const byFile = {
      harmful_asr: [
        { file: 'a.csv', value: 0.5, numerator: 1, denominator: 2 },
        { file: 'b.csv', value: 0, numerator: 0, denominator: 3 },
      ],
    };
    await store.writeJson('eval.json', { ...evaluation, base: { ...evaluation.base, by_file: byFile } });
    const data = await gatherReportData(store, RunConfigSchema.parse({ seed: 7 }));
    expect(data.by_file).toEqual({ base: byFile });
  });

  it("prefers search.json's threshold, and shows none for a configured search that is not the one search.json names", async () => {
    const config = RunConfigSchema.parse({ seed: 7, strategies: [{ id: 'uniform', schedule: 'uniform' }] });
    expect(
      (await gatherReportData(store, config, undefined, { name: 'other', threshold: 0.5 })).search.threshold,
    ).toBeUndefined();
    expect((await gatherReportData(store, config, undefined, { name: 'other' })).search.threshold).toBeUndefined();
    const search = await store.readJson<Record<string, unknown>>('search.json');
    await store.writeJson('search.json', { ...search, threshold: 0.8 });
    const data = await gatherReportData(store, config, undefined, { name: 'greedy', threshold: 0.95 });
    expect(data.search.threshold).toBe(0.8);
    expect(data.seeds).toEqual([7]);
    expect(data.curves.map((c) => c.runId)).toEqual(['uniform']);
  });

  it('shows the engine of each stage: training on the training engine, inference on the one base.json recorded (ONNX)', async () => {
    await store.writeJson('base.json', {
      model: '/m/tiny',
      family: 'llama',
      parameters: 10,
      numLayers: 2,
      engine: 'tfjs',
      device: 'wasm',
      inference: { engine: 'onnx', device: 'cpu' },
    });
    const config = RunConfigSchema.parse({ engine: { stage_inference: { eval: 'tfjs' } } });
    const data = await gatherReportData(store, config);
    expect(data.base.engines).toEqual([
      { role: 'training', engine: 'tfjs', device: 'wasm', stages: ['base', 'robustness', 'search', 'ift'] },
      { role: 'inference', engine: 'onnx', device: 'cpu', stages: ['base', 'proxy', 'robustness', 'search'] },
      { role: 'inference', engine: 'tfjs', stages: ['eval'] },
    ]);
  });

  it('names the run and metric when eval.json lacks a headline metric', async () => {
    await store.writeJson('eval.json', { base: { harmful_asr: metric(0) } });
    await expect(gatherReportData(store, RunConfigSchema.parse({}))).rejects.toThrow(
      /eval\.json: base has no over_refusal, usability, expertise/,
    );
  });
});
