import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunConfigSchema } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { FsRunStore } from '../run/fs-run-store.js';
import { gatherReportData } from './gather-report-data.js';
import { fileHref } from './report-data.js';
import { renderReportHtml } from './report-html.js';
import { reportMarkdown } from './report-markdown.js';
import { sampleReportData } from './test-fixtures/sample-report-data.js';

const metric = { value: 0.5, numerator: 1, denominator: 2 };
const metrics = { harmful_asr: metric, over_refusal: metric, usability: metric, expertise: metric };
const generations = (file: string, omitted: Record<string, number>) => ({
  file,
  records: 40,
  bytes: 900,
  omitted,
  limits: { per_metric: 1000, max_bytes: 8 },
});

describe('the report links each model’s generations file', () => {
  it('gathers the files eval.json names, with what the caps left out, skipping models without one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mllr-report-gen-'));
    try {
      const store = new FsRunStore(dir);
      await store.writeJson('base.json', {
        model: '/m',
        family: 'llama',
        parameters: 1,
        numLayers: 1,
        engine: 'tfjs',
        device: 'cpu',
      });
      await store.writeJson('proxy.json', { layer: 0, clean_accuracy: 1, per_layer: [] });
      await store.writeJson('robustness.json', {
        proxy: 'noise',
        scores: [],
        heatmap: { types: [], layers: [], values: [] },
      });
      await store.writeJson('search.json', { strategy: 'greedy', mods_robust: [], trace: [], sets: {} });
      await store.writeJson('eval.json', {
        base: { ...metrics, generations: generations('eval/base.jsonl', { harmful_asr: 0 }) },
        'uniform#2': { ...metrics, generations: generations('eval/uniform#2.jsonl', { harmful_asr: 3, usability: 2 }) },
        'ml-lr': metrics,
      });
      const data = await gatherReportData(store, RunConfigSchema.parse({}));
      expect(data.generations).toEqual([
        { model: 'base', file: 'eval/base.jsonl', records: 40, omitted: 0 },
        { model: 'uniform#2', file: 'eval/uniform#2.jsonl', records: 40, omitted: 5 },
      ]);
      expect(Object.keys(data.evaluation)).toEqual(['base', 'uniform#2', 'ml-lr']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('percent-encodes each path segment, so `#` in a run id stays part of the file name', () => {
    expect(fileHref('eval/uniform#2.jsonl')).toBe('eval/uniform%232.jsonl');
    expect(fileHref('eval/a b(1).jsonl')).toBe('eval/a%20b%281%29.jsonl');
  });

  it('report.md and report.html link every file; neither has the section when no model has one', async () => {
    const data = {
      ...sampleReportData(),
      generations: [
        { model: 'base', file: 'eval/base.jsonl', records: 40, omitted: 0 },
        { model: 'uniform#2', file: 'eval/uniform#2.jsonl', records: 38, omitted: 5 },
      ],
    };
    const md = reportMarkdown(data);
    expect(md).toContain('## Generations');
    expect(md).toContain('- base: [eval/base.jsonl](eval/base.jsonl), 40 items\n');
    expect(md).toContain(
      '- uniform#2: [eval/uniform#2.jsonl](eval/uniform%232.jsonl), 38 items (5 more left out by the size caps)',
    );
    const page = await renderReportHtml(data);
    expect(page).toContain('<section id="generations">');
    expect(page).toContain('<a href="eval/uniform%232.jsonl">eval/uniform#2.jsonl</a>');
    expect(page).toContain('<a href="#generations">Generations</a>');

    const without = sampleReportData();
    expect(reportMarkdown(without)).not.toContain('## Generations');
    expect(await renderReportHtml(without)).not.toContain('id="generations"');
  });
});
