import { describe, expect, it } from 'vitest';
import { sampleReportData } from '../test-fixtures/sample-report-data.js';
import { probeLayersSpec } from './probe-layers-chart.js';
import { renderSvg } from './render-svg.js';

describe('probeLayersSpec', () => {
  it('draws train and validation accuracy per layer and marks the chosen layer', async () => {
    const { proxy } = sampleReportData();
    const spec = probeLayersSpec(proxy) as { layer: Array<{ data: { values: unknown[] } }> };
    expect(spec.layer[2]!.data.values).toHaveLength(4);
    const warnings: string[] = [];
    const svg = await renderSvg(spec as never, { onWarning: (w) => warnings.push(w) });
    expect(svg).toContain('chosen: layer 1');
    expect(svg).toContain('>validation</text>');
    expect(svg).toContain('>train</text>');
    expect(svg).not.toMatch(/<script/i);
    expect(warnings).toEqual([]);
  });
});
