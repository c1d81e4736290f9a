import { describe, expect, it } from 'vitest';
import { multiSeedReportData, sampleReportData } from '../test-fixtures/sample-report-data.js';
import { lossCurvesSpec } from './loss-curves-chart.js';
import { renderSvg } from './render-svg.js';

describe('lossCurvesSpec', () => {
  it('draws one line per run with one seed', async () => {
    const spec = lossCurvesSpec(sampleReportData().curves) as { layer: unknown[]; data: { values: unknown[] } };
    expect(spec.layer).toHaveLength(1);
    expect(spec.data.values).toHaveLength(18);
    const warnings: string[] = [];
    const svg = await renderSvg(spec as never, { onWarning: (w) => warnings.push(w) });
    expect(svg).toContain('>random-control</text>');
    expect(svg).toContain('training loss');
    expect(warnings).toEqual([]);
  });

  it('adds a mean line and an sd band over several seeds', async () => {
    const spec = lossCurvesSpec(multiSeedReportData().curves) as { layer: Array<{ mark: { type: string } }> };
    expect(spec.layer.map((l) => l.mark.type)).toEqual(['errorband', 'line', 'line']);
    const warnings: string[] = [];
    const svg = await renderSvg(spec as never, { onWarning: (w) => warnings.push(w) });
    expect(svg).toContain('<path');
    expect(warnings).toEqual([]);
  });

  it('escapes a planted run id', async () => {
    const curves = sampleReportData().curves.map((c) => ({
      ...c,
      runId: `${c.runId}<script>alert(1)</script>`,
      strategy: `<script>alert(1)</script>${c.strategy}`,
    }));
    const svg = await renderSvg(lossCurvesSpec(curves));
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('&lt;script&gt;');
  });
});
