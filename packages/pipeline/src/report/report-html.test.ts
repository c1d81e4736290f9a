import { describe, expect, it } from 'vitest';
import { renderReportHtml } from './report-html.js';
import { byFileReportData, multiSeedReportData, sampleReportData } from './test-fixtures/sample-report-data.js';

const PLANT = '<script>alert(1)</script>';

/** Every check a self-contained, script-free page must pass. */
function expectSelfContained(page: string): void {
  expect(page).not.toMatch(/<script/i);
  expect(page).not.toMatch(/\s(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
  expect(page).not.toMatch(/url\((?!#)|@import|<link|<iframe|<img|<object|<embed/i);
  expect(page).not.toMatch(/\son[a-z]+\s*=/i);
}

describe('renderReportHtml', () => {
  it('is one self-contained page with the comparison, every chart and the run details', async () => {
    const warnings: string[] = [];
    const page = await renderReportHtml(sampleReportData(), { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('Content-Security-Policy');
    expectSelfContained(page);
    // comparison, loss curves, heatmap, search trace, probe per layer
    expect(page.match(/<svg/g)).toHaveLength(5);
    expect(page).toContain('>0.968</text>');
    expect(page).toMatch(
      /<td class="id">ml-lr<\/td><td class="better">30\.0%<span class="delta">-50\.0 vs uniform<\/span><\/td>/,
    );
    expect(page).toMatch(/<td class="worse">55\.0%<span class="delta">-5\.0 vs uniform<\/span><\/td>/);
    expect(page).toContain('<span class="chip">L0.q</span>');
    expect(page).toContain('<td class="text dropped">dropped</td><td>0.9210</td><td>0.95</td><td>-0.0290</td>');
    expect(page).toContain('chosen: layer 1');
    expect(page).toContain('<td>robustness</td><td>20.5 s</td>');
    expect(page).toContain('<dt>model</dt><dd>tiny-chat</dd>');
    expect(page).not.toContain('±');
  });

  it('shows harmful_asr by evaluation file under the results, mean ± sd over seeds', async () => {
    const page = await renderReportHtml(byFileReportData());
    expect(page).toContain('<h3>harmful_asr by evaluation file</h3>');
    expect(page).toContain(
      '<tr><td class="text">my-prompts.csv</td><td>50.0%</td><td>50.0 ± 0.0%</td><td>16.7 ± 28.9%</td></tr>',
    );
    expect(await renderReportHtml(sampleReportData())).not.toContain('by evaluation file');
  });

  it('shows the engine of each stage in the header, not only the training engine', async () => {
    const data = sampleReportData();
    data.base.engines = [
      { role: 'training', engine: 'tfjs', device: 'wasm', stages: ['base', 'robustness', 'search', 'ift'] },
      { role: 'inference', engine: 'onnx', device: 'cpu', stages: ['base', 'proxy', 'robustness', 'search', 'eval'] },
    ];
    const page = await renderReportHtml(data);
    expect(page).toContain('<div><b>training engine</b>tfjs (wasm) · base, robustness, search, ift</div>');
    expect(page).toContain('<div><b>inference engine</b>onnx (cpu) · base, proxy, robustness, search, eval</div>');
  });

  it('shows mean ± sd over several seeds', async () => {
    const page = await renderReportHtml(multiSeedReportData());
    expect(page).toContain('<td class="id">uniform</td><td>80.0 ± 10.0%</td>');
    expect(page).toContain('30.0 ± 10.0%<span class="delta">-50.0 vs uniform</span>');
    expect(page).toContain('over 3 seeds');
    expect(page).toContain('<td class="id">uniform#3</td><td class="text">uniform</td><td>1236</td>');
    expect(page.match(/<svg/g)).toHaveLength(5);
    expectSelfContained(page);
  });

  it('escapes a planted script in run ids, module ids, paths, prompts and config', async () => {
    const data = sampleReportData();
    data.evaluation[`uniform${PLANT}`] = data.evaluation.uniform!;
    data.curves.push({
      runId: `ml-lr#2${PLANT}`,
      strategy: `ml-lr${PLANT}`,
      seed: 1235,
      points: [
        { step: 0, loss: 2 },
        { step: 1, loss: 1 },
      ],
    });
    data.search.mods_robust.push(`L1.q${PLANT}` as never);
    data.search.trace.push({ candidate: `L1.q${PLANT}` as never, accepted: true, value: 0.97, size: 3 });
    data.search.sets[`x${PLANT}`] = [`L0.q${PLANT}` as never];
    data.robustness.heatmap.types[0] = `q${PLANT}`;
    data.base.model = `/models/${PLANT}`;
    data.config.push({ key: `prompt${PLANT}`, value: `data/${PLANT}.jsonl "quoted" & more` });
    const warnings: string[] = [];
    const page = await renderReportHtml(data, { onWarning: (w) => warnings.push(w) });
    expect(warnings).toEqual([]);
    expectSelfContained(page);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('<title>mllr run report: /models/&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(page).toContain('<dd>data/&lt;script&gt;alert(1)&lt;/script&gt;.jsonl &quot;quoted&quot; &amp; more</dd>');
    expect(page.match(/<svg/g)).toHaveLength(5);
  });
});
