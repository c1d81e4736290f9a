import { RunConfigSchema } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { configSummary, pluginText } from './config-summary.js';

describe('configSummary', () => {
  it('sums up the default config in readable lines', () => {
    const rows = configSummary(
      RunConfigSchema.parse({ seeds: 2, search: { name: 'greedy', options: { maxModules: 4 } } }),
      [1234, 1235],
    );
    const value = (key: string) => rows.find((r) => r.key === key)?.value;
    expect(value('model')).toBe('tiny-chat');
    expect(value('seeds')).toBe('2 (1234, 1235)');
    expect(value('search')).toBe('greedy {"maxModules":4}');
    expect(value('strategies')).toBe(
      'uniform: uniform; ml-lr: ml-lr; swat: swat; random-control: ml-lr with search random',
    );
    expect(value('training')).toContain('learning_rate 0.002');
    expect(value('data')).toBe('embedded world');
  });

  it('writes the sets and sweep of a strategy', () => {
    const config = RunConfigSchema.parse({
      strategies: [
        { id: 'random-control', schedule: 'ml-lr', search: 'random', count: 5, sweep: { alpha: [0.05, 0.1] } },
      ],
    });
    expect(configSummary(config, [1]).find((r) => r.key === 'strategies')!.value).toBe(
      'random-control: ml-lr with search random, 5 sets, sweep alpha 0.05, 0.1',
    );
  });

  it('lists every dataset file the run reads, with its use', () => {
    const config = RunConfigSchema.parse({
      data: { ift: { path: 'alpaca.jsonl' }, harmful_eval: [{ path: 'advbench.csv' }, { path: '<script>x.csv' }] },
    });
    const data = configSummary(config, [1234]).find((r) => r.key === 'data')!.value;
    expect(data).toContain('ift alpaca.jsonl');
    expect(data).toContain('harmful_eval advbench.csv; harmful_eval <script>x.csv');
  });

  it('writes a plugin choice with its options', () => {
    expect(pluginText({ name: 'noise', options: {} })).toBe('noise');
    expect(pluginText({ module: './mine.js', options: { a: 1 } })).toBe('./mine.js {"a":1}');
  });
});
