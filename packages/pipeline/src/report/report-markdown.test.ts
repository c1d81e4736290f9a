import { describe, expect, it } from 'vitest';
import { mdId, mdText, reportMarkdown } from './report-markdown.js';
import { byFileReportData, multiSeedReportData, sampleReportData } from './test-fixtures/sample-report-data.js';

describe('reportMarkdown', () => {
  it('writes the comparison with deltas against uniform, Mods_Robust, the trace, the heatmap and timings', () => {
    const md = reportMarkdown(sampleReportData());
    expect(md).toContain('| model | harmful_asr | over_refusal | usability | expertise |');
    expect(md).toContain('| uniform | 80.0% | 5.0% | 90.0% | 60.0% |');
    expect(md).toContain('| ml-lr | 30.0% (-50.0) | 2.0% (-3.0) | 92.0% (+2.0) | 55.0% (-5.0) |');
    expect(md).toContain('| base | 0.7% |');
    expect(md).toContain('## Mods_Robust (2 modules)\n\n`L0.q` `L1.v`');
    expect(md).toContain('threshold 0.95');
    expect(md).toContain('| 3 | `L0.v` | dropped | 0.9210 |');
    expect(md).toContain('| q | 0.968 | 0.896 |');
    expect(md).toContain('| 1 | 99.0% | 97.0% | chosen |');
    expect(md).toContain('- robustness: 20.5');
    expect(md).not.toContain('±');
  });

  it('names the engine of each stage under the title', () => {
    const data = sampleReportData();
    data.base.engines = [
      { role: 'training', engine: 'tfjs', device: 'wasm', stages: ['ift'] },
      { role: 'inference', engine: 'onnx', device: 'cpu', stages: ['proxy', 'eval'] },
    ];
    expect(reportMarkdown(data)).toContain('Engines: training tfjs (wasm): ift · inference onnx (cpu): proxy, eval.');
  });

  it('shows mean ± sd over several seeds', () => {
    const md = reportMarkdown(multiSeedReportData());
    expect(md).toContain('under 3 seeds (1234, 1235, 1236)');
    expect(md).toContain('| uniform | 80.0 ± 10.0% | 5.0 ± 1.0% | 90.0 ± 0.0% | 60.0 ± 0.0% |');
    expect(md).toContain('| ml-lr | 30.0 ± 10.0% (-50.0) |');
    expect(md).toContain('| base | 0.7% |');
    expect(md).toContain('| uniform#3 | 1236 |');
  });

  it('shows harmful_asr by evaluation file, mean ± sd over seeds, only where the run broke it down', () => {
    const md = reportMarkdown(byFileReportData());
    expect(md).toContain(
      [
        '## harmful_asr by evaluation file',
        '',
        '| file | base | uniform | ml-lr |',
        '| --- | --- | --- | --- |',
        '| advbench_harmful_behaviors.csv | 0.0% | 75.0 ± 25.0% | 25.0 ± 25.0% |',
        '| my-prompts.csv | 50.0% | 50.0 ± 0.0% | 16.7 ± 28.9% |',
      ].join('\n'),
    );
    expect(md).not.toContain('over_refusal by evaluation file');
    expect(reportMarkdown(multiSeedReportData())).not.toContain('by evaluation file');
  });

  it('keeps planted markup inert', () => {
    const data = sampleReportData();
    data.evaluation['<script>alert(1)</script>'] = data.evaluation.uniform!;
    data.search.mods_robust = ['L0.q`<img src=x onerror=alert(1)>' as never];
    data.base.model = '<script>alert(2)</script>';
    const md = reportMarkdown(data);
    expect(md).not.toMatch(/<script|<img/i);
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('mdText and mdId', () => {
  it('escape table and markup characters', () => {
    expect(mdText('a|b *c* <d> e_f')).toBe('a\\|b \\*c\\* &lt;d&gt; e_f');
    expect(mdId('uniform#2')).toBe('`uniform#2`');
    expect(mdId('x y|z')).toBe('x y\\|z');
  });
});
