import type { TopLevelSpec } from 'vega-lite';
import { paretoSpec, type ParetoData } from '../charts/pareto-chart.js';
import { harmHeatmapSpec, validationScatterSpec } from '../charts/validation-charts.js';
import { heatmapSpec } from '../charts/heatmap-chart.js';
import { html, type SafeHtml } from '../escape-html.js';
import { pct, pointsDelta } from '../format.js';
import type { ReportData } from '../report-data.js';
import { points, pointsInterval, verdictOf, verdictSentence, type ComparisonResult } from './verdict.js';

/** Draws one chart into a figure (the HTML report's own helper, which turns a failed chart into a message). */
export type DrawChart = (name: string, spec: () => TopLevelSpec, caption?: string) => Promise<SafeHtml>;

/** The study parts of a report: comparisons with their verdicts, the per-module ground truth, the Pareto curves. */
export interface StudyData {
  comparisons?: readonly ComparisonResult[];
  validation?: ReportData['validation'];
  pareto?: ParetoData;
  /** Words for run ids in the verdict sentences (see strategyLabels). */
  labels?: Readonly<Record<string, string>>;
}

function spearmanText(validation: NonNullable<ReportData['validation']>): string {
  if (validation.spearman === null)
    return 'undefined (every module moved harmful_asr alike, or every score is the same)';
  const ci = validation.ci ? `, 95% CI [${validation.ci[0].toFixed(2)}, ${validation.ci[1].toFixed(2)}]` : '';
  return `ρ = ${validation.spearman.toFixed(2)}${ci}`;
}

function pValue(p: number | null | undefined): string {
  return p === null || p === undefined || !Number.isFinite(p) ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3);
}

function interval(delta: number | undefined, ci: readonly [number, number] | undefined): string {
  if (delta === undefined || ci === undefined) return '–';
  return `${points(delta)} ${pointsInterval(ci)}`;
}

/** The study sections of report.md (none when the run has no comparisons, validation or sweep). */
export function studyMarkdown(
  study: StudyData,
  text: (value: unknown) => string,
  modsRobust: readonly string[],
): string[] {
  const lines: string[] = [];
  const comparisons = study.comparisons ?? [];
  if (comparisons.length > 0) {
    lines.push(
      '## Verdicts',
      '',
      'Differences are strategy − control in percentage points with their paired bootstrap 95% intervals (prompts and seeds). "yes" only when the interval of the harmful_asr difference lies wholly below 0.',
      '',
      ...comparisons.map((c) => `- ${text(verdictSentence(c, study.labels))}`),
      '',
      '| strategy | control | Δ harmful_asr [95% CI] | Δ expertise [95% CI] | p (rank among sets) | verdict |',
      '| --- | --- | --- | --- | --- | --- |',
      ...comparisons.map(
        (c) =>
          `| ${text(c.strategy)} | ${text(c.control)} | ${interval(c.delta_harmful_asr, c.ci)} | ${interval(c.delta_expertise, c.ci_expertise)} | ${pValue(c.p)} | ${verdictOf(c.ci)} |`,
      ),
      '',
    );
  }
  if (study.pareto) {
    lines.push(
      '## Pareto: expertise against harmful_asr',
      '',
      'Mean over seeds (and sets) per family and sweep value; the best trade-offs have high expertise and low harmful_asr.',
      '',
      '| family | value | expertise | harmful_asr |',
      '| --- | --- | --- | --- |',
      ...study.pareto.marks.map((m) => `| **${text(m.label)}** | | ${pct(m.expertise)} | ${pct(m.harmful_asr)} |`),
      ...study.pareto.points.map(
        (p) => `| ${text(p.family)} | ${p.sweep ?? ''} | ${pct(p.expertise)} | ${pct(p.harmful_asr)} |`,
      ),
      '',
    );
  }
  const validation = study.validation;
  if (validation) {
    const robust = new Set(modsRobust);
    const rows = [...validation.modules].sort((a, b) => b.robustness - a.robustness);
    lines.push(
      '## Ground truth per module',
      '',
      `Each module fine-tuned alone (${validation.steps} steps, seeds ${validation.seeds.join(', ')}; everything else frozen). Harm sensitivity = rise in harmful_asr over the base (${pct(validation.base.harmful_asr)}). Spearman between robustness and minus harm sensitivity over ${validation.modules.length} modules: ${spearmanText(validation)}.`,
      '',
      '| module | robustness | harmful_asr | rise (points) | expertise | Mods_Robust |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows.map(
        (m) =>
          `| ${text(m.module)} | ${m.robustness.toFixed(4)} | ${pct(m.harmful_asr)} | ${pointsDelta(m.asr_rise)} | ${pct(m.expertise)} | ${robust.has(m.module) ? 'yes' : ''} |`,
      ),
      '',
    );
  }
  return lines;
}

/** The study sections of report.html, in the order of studyMarkdown. */
export async function studyHtml(data: ReportData & StudyData, chart: DrawChart): Promise<SafeHtml[]> {
  const sections: SafeHtml[] = [];
  const comparisons = data.comparisons ?? [];
  if (comparisons.length > 0) {
    sections.push(html`<section id="verdicts"><h2>Verdicts</h2>
<p class="note">Differences are strategy − control in percentage points with their paired bootstrap 95% intervals over prompts and seeds. "yes" only when the interval of the harmful_asr difference lies wholly below 0.</p>
<ul class="verdicts">${comparisons.map((c) => html`<li class="${verdictClass(c)}">${verdictSentence(c, data.labels)}</li>\n`)}</ul>
<table><thead><tr><th class="text">strategy</th><th class="text">control</th><th>Δ harmful_asr [95% CI]</th><th>Δ expertise [95% CI]</th><th>p (rank among sets)</th><th class="text">verdict</th></tr></thead><tbody>
${comparisons.map(
  (c) =>
    html`<tr><td class="id">${c.strategy}</td><td class="id">${c.control}</td><td>${interval(c.delta_harmful_asr, c.ci)}</td><td>${interval(c.delta_expertise, c.ci_expertise)}</td><td>${pValue(c.p)}</td><td class="text ${verdictClass(c)}">${verdictOf(c.ci)}</td></tr>\n`,
)}</tbody></table>
</section>`);
  }
  if (data.pareto) {
    const pareto = data.pareto;
    sections.push(html`<section id="pareto"><h2>Pareto: expertise against harmful_asr</h2>
<p class="note">Each family's runs, mean over seeds (and sets), one point per sweep value (labelled); the best trade-offs lie bottom right. Diamonds: the base model and plain fine-tuning.</p>
${await chart('Pareto', () => paretoSpec(pareto))}
</section>`);
  }
  const validation = data.validation;
  if (validation) {
    const layout = { types: data.robustness.heatmap.types, layers: data.robustness.heatmap.layers };
    sections.push(html`<section id="validation"><h2>Ground truth per module</h2>
<p class="note">Each module fine-tuned alone (${validation.steps} steps, seeds ${validation.seeds.join(', ')}; every other tensor frozen). Harm sensitivity = its rise in harmful_asr over the base model (${pct(validation.base.harmful_asr)}). Spearman between the robustness score and minus harm sensitivity over ${validation.modules.length} modules: <b>${spearmanText(validation)}</b>.</p>
<div class="side-by-side">
${await chart('robustness heatmap', () => heatmapSpec(data.robustness, data.search.mods_robust), 'Robustness score (the proxy; higher = more robust).')}
${await chart('harm sensitivity heatmap', () => harmHeatmapSpec(validation.modules, layout, data.search.mods_robust), 'Harm sensitivity: rise in harmful_asr in points when fine-tuned alone (the ground truth; lower = safer).')}
</div>
${await chart('validation scatter', () => validationScatterSpec(validation.modules, data.search.mods_robust), 'One point per module: a proxy that ranks well puts the points on a falling line.')}
</section>`);
  }
  return sections;
}

function verdictClass(c: ComparisonResult): string {
  const verdict = verdictOf(c.ci);
  return verdict === 'yes' ? 'better' : verdict === 'no' ? 'worse' : 'same';
}
