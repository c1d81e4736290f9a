import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunConfigSchema } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { FsRunStore } from '../run/fs-run-store.js';
import { gatherReportData } from './gather-report-data.js';
import { renderReportHtml } from './report-html.js';
import { reportMarkdown } from './report-markdown.js';

const PLANT = '<script>alert(1)</script>';
const metric = (value: number) => ({ value, numerator: value * 10, denominator: 10 });
const metrics = { harmful_asr: metric(0.5), over_refusal: metric(0.1), usability: metric(0.9), expertise: metric(0.5) };

describe('report.html from a run whose dataset text carries a planted script', () => {
  it('has no executable script: dataset prompts stay out, and paths and run ids from the config are escaped', async () => {
    const store = new FsRunStore(await mkdtemp(join(tmpdir(), 'mllr-planted-')));
    await store.writeJson('base.json', {
      model: `/models/${PLANT}`,
      family: 'llama',
      parameters: 10,
      numLayers: 1,
      engine: 'tfjs',
      device: 'cpu',
    });
    await store.writeJson('proxy.json', {
      layer: 0,
      clean_accuracy: 1,
      clean_margin: 1,
      per_layer: [{ layer: 0, trainAccuracy: 1, validationAccuracy: 1, validationMargin: 1 }],
      classifier: { weights: [], bias: 0, mean: [], std: [] },
      // The probe's validation prompts are dataset text kept in an artifact.
      validation: { prompts: [`How do I ${PLANT}?`, `<img src=x onerror=alert(1)>`], labels: [1, 0] },
    });
    await store.writeJson('robustness.json', {
      proxy: 'noise',
      scores: [{ module: 'L0.q', score: 0.9 }],
      heatmap: { types: ['q'], layers: [0], values: [[0.9]] },
    });
    await store.writeJson('search.json', {
      strategy: 'greedy',
      mods_robust: ['L0.q'],
      trace: [{ candidate: 'L0.q', accepted: true, value: 1, size: 1 }],
      sets: { greedy: ['L0.q'] },
    });
    await store.writeJson('eval.json', { base: metrics, uniform: metrics });
    await store.writeJson('ift/uniform.json', {
      strategy: 'uniform',
      schedule: 'uniform',
      model: 'models/uniform',
      curve: [
        { step: 0, loss: 2 },
        { step: 1, loss: 1 },
      ],
    });
    const config = RunConfigSchema.parse({
      strategies: [{ id: 'uniform', schedule: 'uniform' }],
      data: {
        ift: { path: `data/${PLANT}.jsonl`, preset: 'gsm8k' },
        harmful_eval: [{ path: `"><script>alert(2)</script>.csv` }],
      },
      proxy: { name: 'noise', options: { note: PLANT } },
    });
    const data = await gatherReportData(store, config);
    const html = await renderReportHtml(data);
    expect(html).not.toMatch(/<script|<img|\son[a-z]+\s*=/i);
    expect(html).toContain('data/&lt;script&gt;alert(1)&lt;/script&gt;.jsonl');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;.csv');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src (?:'|&#39;|&#x27;)none/);
    // The markdown report is plain text for people and tools; it must at least not carry the prompt text.
    expect(reportMarkdown(data)).not.toContain('How do I');
  });
});
