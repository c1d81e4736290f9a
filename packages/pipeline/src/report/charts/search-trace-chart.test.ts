import { describe, expect, it } from 'vitest';
import { sampleReportData } from '../test-fixtures/sample-report-data.js';
import { renderSvg } from './render-svg.js';
import { searchTraceSpec } from './search-trace-chart.js';

describe('searchTraceSpec', () => {
  it('plots each decision against the threshold', async () => {
    const { search } = sampleReportData();
    const warnings: string[] = [];
    const svg = await renderSvg(searchTraceSpec(search.trace, search.threshold), {
      onWarning: (w) => warnings.push(w),
    });
    expect(svg).toContain('>3. L0.v</text>');
    expect(svg).toContain('>threshold 0.95</text>');
    expect(svg).toContain('>dropped</text>');
    expect(warnings).toEqual([]);
  });

  it('draws no threshold when the strategy has none', async () => {
    const { search } = sampleReportData();
    const spec = searchTraceSpec(search.trace) as { layer: unknown[] };
    expect(spec.layer).toHaveLength(1);
    expect(await renderSvg(spec as never)).not.toContain('threshold');
  });
});
