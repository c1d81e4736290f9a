import { describe, expect, it } from 'vitest';
import { fileTableValues, fileTables } from './by-file.js';
import { byFileReportData } from './test-fixtures/sample-report-data.js';

describe('fileTables', () => {
  it('groups runs by strategy and gives each file its mean and sample sd over seeds, leaving out runs without a breakdown', () => {
    const [table, ...rest] = fileTables(byFileReportData().by_file!);
    expect(rest).toEqual([]); // only harmful_asr is broken down
    expect(table!.metric).toBe('harmful_asr');
    expect(table!.files).toEqual(['advbench_harmful_behaviors.csv', 'my-prompts.csv']);
    expect(table!.models).toEqual(['base', 'uniform', 'ml-lr']);
    const advbench = table!.cells['advbench_harmful_behaviors.csv']!;
    expect(advbench.base).toEqual({ mean: 0, sd: 0, n: 1 });
    expect(advbench.uniform!.mean).toBeCloseTo(0.75, 12); // 2/4, 3/4, 4/4
    expect(advbench.uniform!.sd).toBeCloseTo(0.25, 12);
    expect(advbench.uniform!.n).toBe(3);
    expect(table!.cells['my-prompts.csv']!['ml-lr']!.mean).toBeCloseTo(1 / 6, 12); // 0, 1/2, 0
    expect(table!.cells['my-prompts.csv']!['ml-lr']!.sd).toBeCloseTo(Math.sqrt(1 / 12), 12);
  });

  it('has no table for no breakdown', () => {
    expect(fileTables({})).toEqual([]);
    expect(fileTables({ base: {} })).toEqual([]);
  });
});

describe('fileTableValues', () => {
  it('lists each model’s files with the mean, or the sd of the models it includes', () => {
    const tables = fileTables(byFileReportData().by_file!);
    const means = fileTableValues(tables, 'mean', () => true);
    expect(Object.keys(means)).toEqual(['base', 'uniform', 'ml-lr']);
    expect(means.base).toEqual({
      harmful_asr: [
        { file: 'advbench_harmful_behaviors.csv', value: 0 },
        { file: 'my-prompts.csv', value: 0.5 },
      ],
    });
    const sds = fileTableValues(tables, 'sd', (_, n) => n > 1);
    expect(Object.keys(sds)).toEqual(['uniform', 'ml-lr']);
    expect(sds.uniform!.harmful_asr![1]).toEqual({ file: 'my-prompts.csv', value: 0 });
  });
});
