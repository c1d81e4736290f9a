import type { RunStore } from '@mllr/core';
import type { DataUseArtifact } from '../stages/ml-lr/data-ledger.js';
import { html, type SafeHtml } from './escape-html.js';

/** What the report says about the run's datasets: records skipped per file and reason, and warnings about them. */
export interface DataNotes {
  /** By file (as the config names it), reason → count; only files with skipped records. */
  skipped_records: Record<string, Record<string, number>>;
  /** Records read per file listed in `skipped_records`. */
  records: Record<string, number>;
  /** E.g. a dataset whose prompts the tokenizer mostly cannot read. */
  warnings: string[];
}

/** The stages that record their use of the data (data/<stage>.json). */
const DATA_STAGES = ['pretrain', 'proxy', 'ift', 'eval'] as const;

/**
 * The data notes of a run folder, merged over the stages that wrote data/<stage>.json (a file used by several
 * stages keeps the largest count per reason); undefined for a run from before those files existed.
 */
export async function gatherDataNotes(store: Pick<RunStore, 'exists' | 'readJson'>): Promise<DataNotes | undefined> {
  const notes: DataNotes = { skipped_records: {}, records: {}, warnings: [] };
  let found = false;
  for (const stage of DATA_STAGES) {
    const path = `data/${stage}.json`;
    if (!(await store.exists(path))) continue;
    found = true;
    const artifact = await store.readJson<DataUseArtifact>(path);
    for (const [file, use] of Object.entries(artifact.files ?? {})) {
      const skipped = Object.entries(use.skipped ?? {}).filter(([, n]) => n > 0);
      if (skipped.length === 0) continue;
      const into = (notes.skipped_records[file] ??= {});
      for (const [reason, n] of skipped) into[reason] = Math.max(into[reason] ?? 0, n);
      notes.records[file] = Math.max(notes.records[file] ?? 0, use.records);
    }
    for (const warning of artifact.warnings ?? []) if (!notes.warnings.includes(warning)) notes.warnings.push(warning);
  }
  return found ? notes : undefined;
}

function skippedTotal(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function reasonsText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([reason, n]) => `${reason.replaceAll('_', ' ')} ${n}`)
    .join(', ');
}

/** The report.md section on the data (nothing when no record was skipped and there is no warning). */
export function dataNotesMarkdown(notes: DataNotes | undefined, text: (value: unknown) => string): string[] {
  const files = Object.entries(notes?.skipped_records ?? {});
  if (!notes || (files.length === 0 && notes.warnings.length === 0)) return [];
  return [
    '## Data',
    '',
    ...notes.warnings.map((w) => `- **Warning:** ${text(w)}`),
    ...files.map(
      ([file, counts]) =>
        `- ${text(file)}: ${skippedTotal(counts)} of ${notes.records[file] ?? '?'} records skipped (${text(reasonsText(counts))})`,
    ),
    '',
  ];
}

/** The report.html section on the data, or undefined when there is nothing to say. */
export function dataNotesHtml(notes: DataNotes | undefined): SafeHtml | undefined {
  const files = Object.entries(notes?.skipped_records ?? {});
  if (!notes || (files.length === 0 && notes.warnings.length === 0)) return undefined;
  return html`<section id="data"><h2>Data</h2>
${notes.warnings.map((w) => html`<p class="warning">Warning: ${w}</p>\n`)}
${
  files.length > 0
    ? html`<p class="note">Records that could not be used were skipped (data.on_invalid: skip).</p>
<table><thead><tr><th class="text">file</th><th>records</th><th>skipped</th><th class="text">why</th></tr></thead><tbody>
${files.map(([file, counts]) => html`<tr><td class="text">${file}</td><td>${notes.records[file] ?? ''}</td><td>${skippedTotal(counts)}</td><td class="text">${reasonsText(counts)}</td></tr>\n`)}</tbody></table>`
    : ''
}
</section>`;
}
