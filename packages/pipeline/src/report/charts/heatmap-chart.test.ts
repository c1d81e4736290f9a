import { describe, expect, it } from 'vitest';
import { sampleReportData } from '../test-fixtures/sample-report-data.js';
import { heatmapSpec } from './heatmap-chart.js';
import { renderSvg } from './render-svg.js';

describe('heatmapSpec', () => {
  it('has one cell per module with its score as text and Mods_Robust flagged', () => {
    const data = sampleReportData();
    const spec = heatmapSpec(data.robustness, data.search.mods_robust) as {
      data: { values: Array<Record<string, unknown>> };
    };
    expect(spec.data.values).toHaveLength(4);
    expect(
      spec.data.values
        .filter((c) => c.robust)
        .map((c) => `${c.layer}.${c.type}`)
        .sort(),
    ).toEqual(['L0.q', 'L1.v']);
  });

  it('renders to an SVG with the cell values and no script', async () => {
    const data = sampleReportData();
    const warnings: string[] = [];
    const svg = await renderSvg(heatmapSpec(data.robustness, data.search.mods_robust), {
      onWarning: (w) => warnings.push(w),
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>0.968</text>');
    expect(svg).toContain('>0.986</text>');
    expect(svg).not.toMatch(/<script/i);
    expect(warnings).toEqual([]);
  });

  it('leaves out missing cells and escapes a planted module type', async () => {
    const data = sampleReportData();
    data.robustness.heatmap = {
      types: ['q', '<script>alert(1)</script>'],
      layers: [0, 1],
      values: [
        [0.5, null],
        [0.7, 0.9],
      ],
    };
    const spec = heatmapSpec(data.robustness, []) as { data: { values: unknown[] } };
    expect(spec.data.values).toHaveLength(3);
    const svg = await renderSvg(spec as never);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('&lt;script&gt;');
  });
});
