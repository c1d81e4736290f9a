import { describe, expect, it } from 'vitest';
import { renderReportHtml } from './report-html.js';
import { reportMarkdown } from './report-markdown.js';
import { sampleReportData } from './test-fixtures/sample-report-data.js';

const WARNING =
  'the security probe is too weak to guide the analysis: clean validation accuracy 0.517 on layer 2; going on because probe.on_weak is continue';

describe('a weak probe kept under probe.on_weak: continue', () => {
  it('is stated in report.md and report.html, and absent when there is no warning', async () => {
    const base = sampleReportData();
    const data = { ...base, proxy: { ...base.proxy, warnings: [WARNING] } };
    expect(reportMarkdown(data)).toContain(`**Warning:** ${WARNING}`);
    expect(await renderReportHtml(data)).toContain(`<p class="warning">Warning: ${WARNING}</p>`);
    expect(reportMarkdown(base)).not.toContain('**Warning:** the security probe');
    expect(await renderReportHtml(base)).not.toContain('Warning: the security probe');
  });
});
