import { describe, expect, it } from 'vitest';
import { buildSummary } from './summary.js';
import { byFileReportData, multiSeedReportData, sampleReportData } from './test-fixtures/sample-report-data.js';

const DESIGN_FIELDS = ['base_model', 'proxy', 'robustness', 'mods_robust', 'runs', 'timings_s'];

describe('buildSummary', () => {
  it('keeps every field DESIGN.md fixes, with one seed exactly as the runs were measured', () => {
    const data = sampleReportData();
    const summary = buildSummary(data);
    for (const field of DESIGN_FIELDS) expect(summary).toHaveProperty(field);
    expect(summary.base_model).toBe('/models/tiny-chat');
    expect(summary.proxy).toEqual({ layer: 1, clean_accuracy: 0.97 });
    expect(summary.robustness).toEqual(data.robustness.scores);
    expect(summary.mods_robust).toEqual(['L0.q', 'L1.v']);
    expect(summary.runs).toEqual(data.evaluation);
    expect(Object.keys(summary.runs)).toEqual(['base', 'uniform', 'ml-lr', 'random-control']);
    expect(summary.timings_s).toEqual(data.timings_s);
    expect(summary.seeds).toEqual([1234]);
    expect(summary).not.toHaveProperty('runs_sd');
    expect(Object.keys(summary.runs_per_seed)).toEqual(['uniform', 'ml-lr', 'random-control']);
    expect(summary.skipped_records).toEqual({});
  });

  it('records the Hub id and commit the base model resolved to, only when it was one', () => {
    const hub = {
      id: 'org/name@v1',
      repo: 'org/name',
      revision: 'v1',
      commit: 'a'.repeat(40),
      folder: '/cache/models--org--name/snapshots/aaaa',
    };
    const data = sampleReportData();
    expect(buildSummary(data)).not.toHaveProperty('base_model_hub');
    expect(buildSummary({ ...data, base: { ...data.base, model: hub.folder, hub } })).toMatchObject({
      base_model: hub.folder,
      base_model_hub: hub,
    });
  });

  it('lists the records skipped per dataset file and reason', () => {
    const data = {
      ...sampleReportData(),
      data_notes: { skipped_records: { 'a.json': { empty_response: 1 } }, records: { 'a.json': 9 }, warnings: [] },
    };
    expect(buildSummary(data).skipped_records).toEqual({ 'a.json': { empty_response: 1 } });
  });

  it('reports the mean over seeds in runs, the sample sd in runs_sd and every run in runs_per_seed', () => {
    const summary = buildSummary(multiSeedReportData());
    expect(Object.keys(summary.runs)).toEqual(['base', 'uniform', 'ml-lr', 'random-control']);
    for (const run of Object.values(summary.runs)) {
      expect(Object.keys(run)).toEqual(['harmful_asr', 'over_refusal', 'usability', 'expertise']);
    }
    expect(summary.runs.uniform!.harmful_asr).toBeCloseTo(0.8, 12);
    expect(summary.runs['ml-lr']!.expertise).toBeCloseTo(0.55, 12);
    expect(summary.seeds).toEqual([1234, 1235, 1236]);
    expect(Object.keys(summary.runs_sd!)).toEqual(['uniform', 'ml-lr', 'random-control']);
    expect(summary.runs_sd!.uniform!.harmful_asr).toBeCloseTo(0.1, 12);
    expect(summary.runs_sd!['random-control']!.harmful_asr).toBe(0);
    expect(Object.keys(summary.runs_per_seed)).toHaveLength(9);
    expect(summary.runs_per_seed['uniform#3']!.harmful_asr).toBe(0.9);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    expect(summary).not.toHaveProperty('runs_by_file');
  });

  it('breaks harmful_asr down by evaluation file like runs, runs_sd and runs_per_seed, where eval.json does', () => {
    const data = byFileReportData();
    const summary = buildSummary(data);
    expect(Object.keys(summary.runs_by_file!)).toEqual(['base', 'uniform', 'ml-lr']);
    const uniform = summary.runs_by_file!.uniform!.harmful_asr!;
    expect(uniform.map((f) => f.file)).toEqual(['advbench_harmful_behaviors.csv', 'my-prompts.csv']);
    expect(uniform[0]!.value).toBeCloseTo(0.75, 12);
    expect(summary.runs_by_file!.base).toEqual({
      harmful_asr: [
        { file: 'advbench_harmful_behaviors.csv', value: 0 },
        { file: 'my-prompts.csv', value: 0.5 },
      ],
    });
    expect(Object.keys(summary.runs_sd_by_file!)).toEqual(['uniform', 'ml-lr']);
    expect(summary.runs_sd_by_file!.uniform!.harmful_asr![0]!.value).toBeCloseTo(0.25, 12);
    expect(Object.keys(summary.runs_per_seed_by_file!)).toEqual([
      'uniform',
      'uniform#2',
      'uniform#3',
      'ml-lr',
      'ml-lr#2',
      'ml-lr#3',
    ]);
    expect(summary.runs_per_seed_by_file!['uniform#2']).toEqual(data.by_file!['uniform#2']);
    // The pooled fields keep exactly their shape.
    for (const run of Object.values(summary.runs))
      expect(Object.keys(run)).toEqual(['harmful_asr', 'over_refusal', 'usability', 'expertise']);
    expect(
      buildSummary({
        ...data,
        seeds: [1234],
        evaluation: { base: data.evaluation.base! },
        by_file: { base: data.by_file!.base! },
      }),
    ).not.toHaveProperty('runs_sd_by_file');
  });
});
