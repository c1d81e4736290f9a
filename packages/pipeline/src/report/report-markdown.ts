import { METRICS, fileHref, type MetricName, type ReportData } from './report-data.js';
import { pct, pctMeanSd, pointsDelta } from './format.js';
import { stageEnginesText } from '../stages/ml-lr/stage-engines.js';
import { aggregateRuns, type AggregatedRuns } from './seed-aggregate.js';
import { fileTables } from './by-file.js';
import { dataNotesMarkdown } from './data-notes.js';
import { studyMarkdown } from './study/study-sections.js';

/**
 * Text from a run made inert in Markdown: markup characters are backslash-escaped and `< > &` become entities, so
 * a planted `<script>` or `|` shows as text and cannot break a table.
 */
export function mdText(value: unknown): string {
  return String(value)
    .replace(/[\\`*[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
}

/** An id as inline code when it is plainly an id, else as escaped text. */
export function mdId(value: string): string {
  return /^[\w.#/:@+-]+$/.test(value) && !value.includes('`') ? `\`${value}\`` : mdText(value);
}

/** The comparison cell of one model and metric: `mean ± sd` over seeds, and the delta against `uniform`. */
export function comparisonCell(runs: AggregatedRuns, id: string, metric: MetricName): string {
  const value = pctMeanSd(runs.mean[id]![metric], runs.sd[id]![metric], runs.n[id]!);
  const uniform = runs.mean.uniform;
  if (!uniform || id === 'uniform' || id === 'base') return value;
  return `${value} (${pointsDelta(runs.mean[id]![metric] - uniform[metric])})`;
}

/** report.md: the same content as report.html, as text and tables. */
export function reportMarkdown(data: ReportData): string {
  const runs = aggregateRuns(data.evaluation);
  const multiSeed = Object.values(runs.n).some((n) => n > 1);
  const heat = data.robustness.heatmap;
  const lines: string[] = [
    '# mllr run report',
    '',
    `Base model: ${mdId(data.base.model)}${data.base.hub ? ` (${mdId(data.base.hub.id)} at commit ${mdId(data.base.hub.commit)})` : ''}. Security probe on layer ${data.proxy.layer}, clean accuracy ${pct(data.proxy.clean_accuracy)}.`,
  ];
  for (const warning of data.proxy.warnings ?? []) lines.push('', `**Warning:** ${mdText(warning)}`);
  if (data.base.engines) lines.push(`Engines: ${mdText(stageEnginesText(data.base.engines))}.`);
  if (multiSeed) {
    lines.push(
      `Fine-tuning runs repeated under ${data.seeds.length} seeds (${data.seeds.join(', ')}): values are mean ± sample standard deviation.`,
    );
  }
  lines.push(
    '',
    '## Results',
    '',
    'Deltas in percentage points against `uniform` (plain fine-tuning). Lower is better for harmful_asr and over_refusal.',
    '',
    `| model | ${METRICS.join(' | ')} |`,
    `| --- | ${METRICS.map(() => '---').join(' | ')} |`,
    ...Object.keys(runs.mean).map(
      (id) => `| ${mdText(id)} | ${METRICS.map((m) => comparisonCell(runs, id, m)).join(' | ')} |`,
    ),
    '',
    ...fileTablesMarkdown(data),
    ...studyMarkdown(data, mdText, data.search.mods_robust),
    ...dataNotesMarkdown(data.data_notes, mdText),
    ...generationsMarkdown(data),
    `## Mods_Robust (${data.search.mods_robust.length} modules)`,
    '',
    data.search.mods_robust.map(mdId).join(' ') || '(empty)',
    '',
  );
  const otherSets = Object.entries(data.search.sets).filter(([name]) => name !== data.search.strategy);
  if (otherSets.length > 0) {
    lines.push(
      'Other robust sets:',
      '',
      ...otherSets.map(([name, set]) => `- ${mdText(name)}: ${set.map(mdId).join(' ') || '(empty)'}`),
      '',
    );
  }
  if (data.search.trace.length > 0) {
    const threshold = data.search.threshold;
    lines.push(
      `## Search trace (${mdText(data.search.strategy)}${threshold === undefined ? '' : `, threshold ${threshold}`})`,
      '',
      '| # | candidate | decision | value |',
      '| --- | --- | --- | --- |',
      ...data.search.trace.map(
        (s, i) => `| ${i + 1} | ${mdId(s.candidate)} | ${s.accepted ? 'kept' : 'dropped'} | ${s.value.toFixed(4)} |`,
      ),
      '',
    );
  }
  lines.push(
    `## Module robustness (${mdText(data.robustness.proxy)}; higher = more robust)`,
    '',
    `| type | ${heat.layers.map((l) => `L${l}`).join(' | ')} |`,
    `| --- | ${heat.layers.map(() => '---').join(' | ')} |`,
    ...heat.types.map(
      (t, i) =>
        `| ${mdText(t)} | ${heat.layers
          .map((_, j) => heat.values[i]?.[j])
          .map((v) => (v === null || v === undefined ? '-' : v.toFixed(3)))
          .join(' | ')} |`,
    ),
    '',
    '## Security probe per layer',
    '',
    '| layer | train | validation | |',
    '| --- | --- | --- | --- |',
    ...data.proxy.per_layer.map(
      (l) =>
        `| ${l.layer} | ${pct(l.trainAccuracy)} | ${pct(l.validationAccuracy)} | ${l.layer === data.proxy.layer ? 'chosen' : ''} |`,
    ),
    '',
  );
  if (data.curves.length > 0) {
    lines.push(
      '## Fine-tuning loss',
      '',
      '| run | seed | first | last | steps |',
      '| --- | --- | --- | --- | --- |',
      ...data.curves.map(
        (c) =>
          `| ${mdText(c.runId)} | ${c.seed ?? ''} | ${c.points[0]?.loss.toFixed(3) ?? '-'} | ${c.points.at(-1)?.loss.toFixed(3) ?? '-'} | ${c.points.length} |`,
      ),
      '',
    );
  }
  lines.push(
    '## Stage timings (s)',
    '',
    ...Object.entries(data.timings_s).map(([stage, s]) => `- ${mdText(stage)}: ${s}`),
    '',
    '## Run config',
    '',
    ...data.config.map((row) => `- ${mdText(row.key)}: ${mdText(row.value)}`),
    '',
  );
  return lines.join('\n');
}

/** One table per metric measured on several files: rows the files, columns base and each strategy (mean ± sd over seeds). */
function fileTablesMarkdown(data: ReportData): string[] {
  const lines: string[] = [];
  for (const table of fileTables(data.by_file ?? {})) {
    if (table.files.length < 2) continue;
    lines.push(
      `## ${table.metric} by evaluation file`,
      '',
      `| file | ${table.models.map(mdText).join(' | ')} |`,
      `| --- | ${table.models.map(() => '---').join(' | ')} |`,
      ...table.files.map((file) => {
        const cells = table.models.map((model) => {
          const cell = table.cells[file]![model];
          return cell ? pctMeanSd(cell.mean, cell.sd, cell.n) : '-';
        });
        return `| ${mdText(file)} | ${cells.join(' | ')} |`;
      }),
      '',
    );
  }
  return lines;
}

/** The links to each model's generations file (what the judge decided, prompt by prompt); none when there are none. */
function generationsMarkdown(data: ReportData): string[] {
  const links = data.generations ?? [];
  if (links.length === 0) return [];
  return [
    '## Generations',
    '',
    'Every judged prompt of the evaluation, one JSON line each: prompt, response, verdict, metric and source.',
    '',
    ...links.map(
      (g) =>
        `- ${mdText(g.model)}: [${mdText(g.file)}](${fileHref(g.file)}), ${g.records} items${g.omitted > 0 ? ` (${g.omitted} more left out by the size caps)` : ''}`,
    ),
    '',
  ];
}
