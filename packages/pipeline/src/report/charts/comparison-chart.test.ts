import { describe, expect, it } from 'vitest';
import { aggregateRuns } from '../seed-aggregate.js';
import { multiSeedReportData, sampleReportData } from '../test-fixtures/sample-report-data.js';
import { comparisonSpec } from './comparison-chart.js';
import { renderSvg } from './render-svg.js';

describe('comparisonSpec', () => {
  it('has a bar per model and metric, in the table order', async () => {
    const spec = comparisonSpec(aggregateRuns(sampleReportData().evaluation)) as {
      layer: unknown[];
      data: { values: Array<Record<string, unknown>> };
    };
    expect(spec.data.values).toHaveLength(16);
    expect(spec.data.values.slice(0, 4).map((b) => b.model)).toEqual(['base', 'uniform', 'ml-lr', 'random-control']);
    expect(spec.layer).toHaveLength(1);
    const warnings: string[] = [];
    const svg = await renderSvg(spec as never, { onWarning: (w) => warnings.push(w) });
    for (const label of ['harmful_asr', 'over_refusal', 'usability', 'expertise', 'ml-lr'])
      expect(svg).toContain(`>${label}</text>`);
    expect(svg.match(/<path[^>]*aria-roledescription="bar"/g) ?? svg.match(/role-mark[^"]*bar/g)).toBeTruthy();
    expect(warnings).toEqual([]);
  });

  it('adds mean ± sd whiskers over several seeds', async () => {
    const spec = comparisonSpec(aggregateRuns(multiSeedReportData().evaluation)) as {
      layer: unknown[];
      data: { values: Array<Record<string, number>> };
    };
    expect(spec.layer).toHaveLength(2);
    const uniformAsr = spec.data.values.find(
      (b) => b.model === ('uniform' as never) && b.metric === ('harmful_asr' as never),
    )!;
    expect(uniformAsr.value).toBeCloseTo(0.8, 12);
    expect(uniformAsr.lo).toBeCloseTo(0.7, 12);
    expect(uniformAsr.hi).toBeCloseTo(0.9, 12);
    const warnings: string[] = [];
    await renderSvg(spec as never, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
  });
});
