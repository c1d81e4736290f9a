import { RunConfigSchema } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../report-html.js';
import { reportMarkdown } from '../report-markdown.js';
import type { ReportData } from '../report-data.js';
import { sampleReportData } from '../test-fixtures/sample-report-data.js';
import { paretoData } from './pareto-data.js';
import { strategyLabels } from './strategy-labels.js';

const config = RunConfigSchema.parse({
  seeds: 2,
  strategies: [
    { id: 'uniform', schedule: 'uniform', sweep: { lrScale: [0.25, 1] } },
    { id: 'ml-lr', schedule: 'ml-lr', sweep: { alpha: [0.05, 0.2] } },
    { id: 'random-control', schedule: 'ml-lr', search: 'random', count: 2, sweep: { alpha: [0.05, 0.2] } },
  ],
});

/** A study run's report data: the sample run plus a synthetic summary's comparisons, validation and sweep results. */
function studyReportData(): ReportData {
  const data = sampleReportData();
  const metrics = (harmful_asr: number, expertise: number) => ({
    harmful_asr,
    expertise,
    over_refusal: 0,
    usability: 1,
  });
  data.evaluation = {
    base: metrics(0.05, 0.1),
    'uniform@0.25': metrics(0.3, 0.5),
    'uniform@0.25#2': metrics(0.4, 0.5),
    'uniform@1': metrics(0.8, 0.7),
    'uniform@1#2': metrics(0.8, 0.7),
    'ml-lr@0.05': metrics(0.2, 0.55),
    'ml-lr@0.05#2': metrics(0.2, 0.55),
    'ml-lr@0.2': metrics(0.4, 0.65),
    'ml-lr@0.2#2': metrics(0.4, 0.65),
    'random-control@0.05~1': metrics(0.25, 0.5),
    'random-control@0.05~2': metrics(0.35, 0.5),
    'random-control@0.05~1#2': metrics(0.3, 0.5),
    'random-control@0.05~2#2': metrics(0.3, 0.5),
  };
  data.pareto = paretoData(config, data.evaluation);
  data.labels = strategyLabels(config);
  data.comparisons = [
    {
      strategy: 'ml-lr@0.05',
      control: 'random-control@0.05',
      delta_harmful_asr: -0.1,
      ci: [-0.16, -0.03],
      delta_expertise: 0.05,
      ci_expertise: [-0.01, 0.1],
      p: 0.04,
    },
    {
      strategy: 'ml-lr@0.2',
      control: 'uniform@0.25',
      delta_harmful_asr: 0.1,
      ci: [-0.02, 0.21],
      delta_expertise: 0.15,
      ci_expertise: [0.1, 0.2],
      p: null,
    },
  ];
  data.validation = {
    base: { harmful_asr: 0.05, expertise: 0.1 },
    seeds: [1234],
    steps: 20,
    modules: [
      { module: 'L0.q', robustness: 0.9678, harmful_asr: 0.1, asr_rise: 0.05, expertise: 0.2 },
      { module: 'L1.q', robustness: 0.8965, harmful_asr: 0.3, asr_rise: 0.25, expertise: 0.2 },
      { module: 'L0.v', robustness: 0.9512, harmful_asr: 0.15, asr_rise: 0.1, expertise: 0.2 },
      { module: 'L1.v', robustness: 0.9861, harmful_asr: 0.05, asr_rise: 0, expertise: 0.2 },
    ],
    spearman: 1,
    ci: [0.4, 1],
    bootstrap: { resamples: 2000, seed: 1234 },
  };
  return data;
}

describe('paretoData', () => {
  it('averages each family and sweep value over seeds and sets, and marks the base and uniform at scale 1', () => {
    const pareto = paretoData(config, studyReportData().evaluation)!;
    expect(pareto.swept).toEqual({ uniform: 'lrScale', 'ml-lr': 'alpha', 'random-control': 'alpha' });
    const point = (family: string, sweep: number) =>
      pareto.points.find((p) => p.family === family && p.sweep === sweep);
    expect(point('uniform', 0.25)!.harmful_asr).toBeCloseTo(0.35, 12);
    expect(point('random-control', 0.05)!.harmful_asr).toBeCloseTo(0.3, 12);
    // Not evaluated: left out rather than drawn at 0.
    expect(point('random-control', 0.2)).toBeUndefined();
    expect(pareto.marks).toEqual([
      { label: 'base', expertise: 0.1, harmful_asr: 0.05 },
      { label: 'uniform', expertise: 0.7, harmful_asr: 0.8 },
    ]);
  });

  it('is absent when nothing is swept', () => {
    expect(paretoData(RunConfigSchema.parse({}), studyReportData().evaluation)).toBeUndefined();
  });
});

describe('the study sections of the report', () => {
  it('report.md: a verdict sentence per comparison, the table with intervals, the Pareto points and the ground truth', () => {
    const md = reportMarkdown(studyReportData());
    expect(md).toContain(
      '- ML-LR (alpha 0.05) protects better than random modules (alpha 0.05) at equal expertise: yes (harmful_asr −10.0 points, 95% CI \\[−16.0, −3.0\\])',
    );
    expect(md).toContain(
      'at equal expertise: not distinguishable (harmful_asr +10.0 points, 95% CI \\[−2.0, +21.0\\])',
    );
    expect(md).toContain(
      '| ml-lr@0.05 | random-control@0.05 | −10.0 [−16.0, −3.0] | +5.0 [−1.0, +10.0] | 0.040 | yes |',
    );
    expect(md).toContain('| **base** | | 10.0% | 5.0% |');
    expect(md).toContain('| uniform | 0.25 | 50.0% | 35.0% |');
    expect(md).toContain(
      'Spearman between robustness and minus harm sensitivity over 4 modules: ρ = 1.00, 95% CI [0.40, 1.00]',
    );
    expect(md).toContain('| L1.q | 0.8965 | 30.0% | +25.0 | 20.0% |');
  });

  it('report.html: the verdicts, the Pareto chart, both heatmaps side by side and the scatter', async () => {
    const warnings: string[] = [];
    const page = await renderReportHtml(studyReportData(), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(page).toContain(
      '<li class="better">ML-LR (alpha 0.05) protects better than random modules (alpha 0.05) at equal expertise: yes',
    );
    expect(page).toContain('<td class="text same">not distinguishable</td>');
    // The sample's five charts, then Pareto, the robustness and harm heatmaps and the scatter.
    expect(page.match(/<svg/g)).toHaveLength(9);
    expect(page).toContain('harmful_asr rise (points)');
    expect(page).toContain('>+25.0</text>');
    expect(page).toContain('<a href="#verdicts">Verdicts</a>');
  });

  it('leaves a run without study results as it was', async () => {
    const page = await renderReportHtml(sampleReportData());
    expect(page).not.toContain('id="verdicts"');
    expect(page).not.toContain('id="validation"');
    expect(reportMarkdown(sampleReportData())).not.toContain('## Verdicts');
  });
});
