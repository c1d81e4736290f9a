import type { TopLevelSpec } from 'vega-lite';
import { comparisonSpec } from './charts/comparison-chart.js';
import { heatmapSpec } from './charts/heatmap-chart.js';
import { lossCurvesSpec } from './charts/loss-curves-chart.js';
import { probeLayersSpec } from './charts/probe-layers-chart.js';
import { renderSvg } from './charts/render-svg.js';
import { searchTraceSpec } from './charts/search-trace-chart.js';
import { html, trusted, type SafeHtml } from './escape-html.js';
import { deltaDirection, pct, pctMeanSd, pointsDelta, seconds } from './format.js';
import { METRICS, fileHref, type ReportData } from './report-data.js';
import { REPORT_CSS } from './report-style.js';
import { dataNotesHtml } from './data-notes.js';
import { aggregateRuns, type AggregatedRuns } from './seed-aggregate.js';
import { fileTables, type FileTable } from './by-file.js';
import { studyHtml } from './study/study-sections.js';

/** Options of renderReportHtml. */
export interface ReportHtmlOptions {
  /** Receives chart warnings and the reason a chart could not be drawn. */
  onWarning?: (message: string) => void;
}

/**
 * No network, no scripts: the page may only use its own inline styles and data: images. Even markup that got past
 * escaping could not run or fetch anything.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/**
 * report.html: one self-contained page (inline CSS, charts as inline SVG drawn by Vega-Lite, no scripts, no
 * network) with the comparison, the loss curves, the robustness heatmap, Mods_Robust and the search trace, the probe
 * per layer, stage timings and the run config. Every string from the run is escaped.
 */
export async function renderReportHtml(data: ReportData, options: ReportHtmlOptions = {}): Promise<string> {
  const warn = options.onWarning ?? (() => {});
  const chart = async (name: string, spec: () => TopLevelSpec, caption?: SafeHtml | string): Promise<SafeHtml> => {
    let body: SafeHtml;
    try {
      body = trusted(await renderSvg(spec(), { onWarning: (w) => warn(`${name} chart: ${w}`) }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      warn(`${name} chart not drawn: ${message}`);
      body = html`<p class="chart-error">The ${name} chart could not be drawn: ${message}</p>`;
    }
    return html`<figure>${body}${caption === undefined ? '' : html`<figcaption>${caption}</figcaption>`}</figure>`;
  };

  const runs = aggregateRuns(data.evaluation);
  const multiSeed = Object.values(runs.n).some((n) => n > 1);
  const { search, proxy, robustness } = data;
  const sections: SafeHtml[] = [];

  sections.push(html`<section id="results"><h2>Results</h2>
<p class="note">harmful_asr and over_refusal: lower is better; usability and expertise: higher is better.
${runs.mean.uniform ? 'Each strategy shows its change in percentage points against uniform (plain fine-tuning), green when better, red when worse.' : ''}
${multiSeed ? `Values are mean ± sample standard deviation over ${data.seeds.length} seeds.` : ''}</p>
${comparisonTable(runs)}
${await chart('comparison', () => comparisonSpec(runs), multiSeed ? 'Bars: mean over seeds; whiskers: ± one standard deviation.' : undefined)}
${fileTables(data.by_file ?? {})
  .filter((t) => t.files.length > 1)
  .map(fileTableHtml)}
</section>`);

  // The study's verdicts, Pareto curves and per-module ground truth, where the run has them.
  const study = await studyHtml(data, chart);
  sections.push(...study);

  const dataSection = dataNotesHtml(data.data_notes);
  if (dataSection) sections.push(dataSection);

  if (data.curves.length > 0) {
    sections.push(html`<section id="training"><h2>Fine-tuning loss</h2>
${await chart('loss curve', () => lossCurvesSpec(data.curves), multiSeed ? 'Thin lines: one run per seed; bold line: mean over seeds; band: mean ± one standard deviation.' : 'One line per fine-tuning run.')}
<table><thead><tr><th>run</th><th>strategy</th><th>seed</th><th>first loss</th><th>last loss</th><th>steps</th></tr></thead><tbody>
${data.curves.map(
  (c) =>
    html`<tr><td class="id">${c.runId}</td><td class="text">${c.strategy}</td><td>${c.seed ?? ''}</td><td>${c.points[0]?.loss.toFixed(3) ?? '–'}</td><td>${c.points.at(-1)?.loss.toFixed(3) ?? '–'}</td><td>${c.points.length}</td></tr>\n`,
)}</tbody></table>
</section>`);
  }

  const generations = data.generations ?? [];
  if (generations.length > 0) {
    sections.push(html`<section id="generations"><h2>Generations</h2>
<p class="note">Every judged prompt of the evaluation, one JSON line each: prompt, response, verdict, metric and source.</p>
<table><thead><tr><th>model</th><th class="text">file</th><th>items</th><th>left out</th></tr></thead><tbody>
${generations.map((g) => html`<tr><td class="id">${g.model}</td><td class="text"><a href="${fileHref(g.file)}">${g.file}</a></td><td>${g.records}</td><td>${g.omitted}</td></tr>\n`)}</tbody></table>
</section>`);
  }

  const otherSets = Object.entries(search.sets).filter(([name]) => name !== search.strategy);
  sections.push(html`<section id="robustness"><h2>Module robustness</h2>
<p class="note">Score of each module under the ${robustness.proxy} proxy: the frozen probe's value when only that module is perturbed (higher = more robust).</p>
${await chart('heatmap', () => heatmapSpec(robustness, search.mods_robust), 'Module type × layer; outlined cells are in Mods_Robust.')}
<h3>Mods_Robust (${search.mods_robust.length} modules, ${search.strategy} search)</h3>
<div class="chips">${search.mods_robust.length > 0 ? search.mods_robust.map((m) => html`<span class="chip">${m}</span>`) : html`<span class="note">empty</span>`}</div>
${otherSets.length > 0 ? html`<table><thead><tr><th>strategy</th><th class="text">robust set</th></tr></thead><tbody>${otherSets.map(([name, set]) => html`<tr><td class="id">${name}</td><td class="text id">${set.join(' ') || '(empty)'}</td></tr>`)}</tbody></table>` : ''}
</section>`);

  sections.push(html`<section id="search"><h2>Search trace</h2>
${searchTrace(data)}
${search.trace.length > 0 ? await chart('search trace', () => searchTraceSpec(search.trace, search.threshold)) : ''}
</section>`);

  sections.push(html`<section id="probe"><h2>Security probe</h2>
<p class="note">Logistic-regression probe on the last-token hidden state of each layer, harmful vs benign prompts. Layer ${proxy.layer} was chosen by validation accuracy; clean accuracy ${pct(proxy.clean_accuracy)}.</p>
${(proxy.warnings ?? []).map((w) => html`<p class="warning">Warning: ${w}</p>\n`)}${proxy.per_layer.length > 0 ? await chart('probe accuracy', () => probeLayersSpec(proxy)) : ''}
<table><thead><tr><th>layer</th><th>train</th><th>validation</th><th>margin</th><th></th></tr></thead><tbody>
${proxy.per_layer.map((l) => html`<tr><td>${l.layer}</td><td>${pct(l.trainAccuracy)}</td><td>${pct(l.validationAccuracy)}</td><td>${l.validationMargin.toFixed(2)}</td><td class="text">${l.layer === proxy.layer ? 'chosen' : ''}</td></tr>`)}
</tbody></table>
</section>`);

  const total = Object.values(data.timings_s).reduce((a, b) => a + b, 0);
  sections.push(html`<section id="timings"><h2>Stage timings</h2>
<table><thead><tr><th>stage</th><th>time</th><th>seconds</th></tr></thead><tbody>
${Object.entries(data.timings_s).map(([stage, s]) => html`<tr><td>${stage}</td><td>${seconds(s)}</td><td>${s}</td></tr>`)}
<tr><th>total</th><th>${seconds(total)}</th><th>${Math.round(total * 10) / 10}</th></tr>
</tbody></table>
</section>`);

  sections.push(html`<section id="config"><h2>Run config</h2>
<dl class="config">${data.config.map((row) => html`<dt>${row.key}</dt><dd>${row.value}</dd>`)}</dl>
</section>`);

  const facts: Array<[string, string]> = [
    ['base model', data.base.model],
    ...(data.base.hub ? [['hub id', `${data.base.hub.id} at commit ${data.base.hub.commit}`] as [string, string]] : []),
    ...(data.base.family ? [['family', data.base.family] as [string, string]] : []),
    ...(data.base.parameters !== undefined
      ? [['parameters', data.base.parameters.toLocaleString('en-US')] as [string, string]]
      : []),
    ...engineFacts(data.base),
    ['probe', `layer ${proxy.layer}, ${pct(proxy.clean_accuracy)} clean`],
    ['Mods_Robust', `${search.mods_robust.length} modules`],
    ['seeds', data.seeds.join(', ')],
  ];
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mllr run report: ${data.base.model}</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
<header>
<h1>mllr run report</h1>
<p class="lead">ML-LR: modular layer-wise learning rates for safer instruction fine-tuning.</p>
<div class="facts">${facts.map(([k, v]) => html`<div><b>${k}</b>${v}</div>`)}</div>
<nav>${[
    ['results', 'Results'],
    ...(data.comparisons?.length ? [['verdicts', 'Verdicts']] : []),
    ...(data.pareto ? [['pareto', 'Pareto']] : []),
    ...(data.validation ? [['validation', 'Ground truth']] : []),
    ...(data.curves.length > 0 ? [['training', 'Fine-tuning loss']] : []),
    ...(generations.length > 0 ? [['generations', 'Generations']] : []),
    ['robustness', 'Module robustness'],
    ['search', 'Search trace'],
    ['probe', 'Security probe'],
    ['timings', 'Stage timings'],
    ['config', 'Run config'],
  ].map(([id, title]) => html`<a href="#${id}">${title}</a>`)}</nav>
</header>
<main>
${sections.map((s) => html`${s}\n`)}
</main>
</body>
</html>
`;
  return page.value;
}

/** The comparison table: rows base and each strategy, columns the four metrics, deltas against uniform coloured. */
function comparisonTable(runs: AggregatedRuns): SafeHtml {
  const uniform = runs.mean.uniform;
  const multiSeed = Object.values(runs.n).some((n) => n > 1);
  const rows = Object.keys(runs.mean).map((id) => {
    const cells = METRICS.map((metric) => {
      const value = pctMeanSd(runs.mean[id]![metric], runs.sd[id]![metric], runs.n[id]!);
      if (!uniform || id === 'uniform' || id === 'base') return html`<td>${value}</td>`;
      const delta = runs.mean[id]![metric] - uniform[metric];
      const direction = deltaDirection(metric, delta);
      return html`<td class="${direction}">${value}<span class="delta">${pointsDelta(delta)} vs uniform</span></td>`;
    });
    return html`<tr><td class="id">${id}</td>${cells}${multiSeed ? html`<td>${runs.n[id]!}</td>` : ''}</tr>\n`;
  });
  return html`<table class="comparison"><thead><tr><th>model</th>${METRICS.map((m) => html`<th>${m}</th>`)}${multiSeed ? html`<th>runs</th>` : ''}</tr></thead><tbody>
${rows}</tbody></table>`;
}

/** One metric by evaluation file: rows the files, columns base and each strategy (mean ± sd over seeds). */
function fileTableHtml(table: FileTable): SafeHtml {
  return html`<h3>${table.metric} by evaluation file</h3>
<table class="by-file"><thead><tr><th class="text">file</th>${table.models.map((m) => html`<th>${m}</th>`)}</tr></thead><tbody>
${table.files.map((file) => {
  const cells = table.models.map((model) => {
    const cell = table.cells[file]![model];
    return html`<td>${cell ? pctMeanSd(cell.mean, cell.sd, cell.n) : '–'}</td>`;
  });
  return html`<tr><td class="text">${file}</td>${cells}</tr>
`;
})}</tbody></table>`;
}

/** The search decisions: candidate, kept or dropped, the set's value and, where known, against the threshold. */
function searchTrace(data: ReportData): SafeHtml {
  const { trace, threshold, strategy } = data.search;
  if (trace.length === 0) return html`<p class="note">The ${strategy} search reports no step-by-step trace.</p>`;
  const kept = trace.filter((s) => s.accepted).length;
  return html`<p class="note">${strategy} search: ${trace.length} candidates tried, ${kept} kept.
${threshold === undefined ? '' : `A candidate is kept when the probe value of the set with it reaches the threshold ${threshold}.`}</p>
<table><thead><tr><th>#</th><th class="text">candidate</th><th class="text">decision</th><th>value</th>${threshold === undefined ? '' : html`<th>threshold</th><th>value − threshold</th>`}<th>set size</th></tr></thead><tbody>
${trace.map(
  (s, i) =>
    html`<tr><td>${i + 1}</td><td class="text id">${s.candidate}</td><td class="text ${s.accepted ? 'kept' : 'dropped'}">${s.accepted ? 'kept' : 'dropped'}</td><td>${s.value.toFixed(4)}</td>${
      threshold === undefined
        ? ''
        : html`<td>${threshold}</td><td>${(s.value - threshold >= 0 ? '+' : '') + (s.value - threshold).toFixed(4)}</td>`
    }<td>${s.size ?? ''}</td></tr>\n`,
)}</tbody></table>`;
}

/** One fact per engine and role, with the stages that ran on it; the training engine alone where no stage map is known. */
function engineFacts(base: ReportData['base']): Array<[string, string]> {
  if (base.engines) {
    return base.engines.map((u) => [
      `${u.role} engine`,
      `${u.engine}${u.device ? ` (${u.device})` : ''} · ${u.stages.join(', ')}`,
    ]);
  }
  return base.engine ? [['training engine', `${base.engine}${base.device ? ` (${base.device})` : ''}`]] : [];
}
