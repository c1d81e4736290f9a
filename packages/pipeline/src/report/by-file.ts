import { BY_FILE_METRICS, type ByFile, type ByFileMetric } from '../evaluation/eval-files.js';
import { strategyOfRun } from '../stages/ml-lr/seed-runs.js';
import { mean, sampleSd } from './seed-aggregate.js';

/** One metric file by file over base and the strategies, reduced over seeds the way the results table is. */
export interface FileTable {
  metric: ByFileMetric;
  /** The files, in the config's order. */
  files: string[];
  /** `base` and each strategy that has a breakdown, in eval.json order. */
  models: string[];
  /** By file, then model: the mean over the model's seeds, the sample standard deviation (0 for one seed) and the seed count. */
  cells: Record<string, Record<string, { mean: number; sd: number; n: number }>>;
}

/**
 * The per-file tables of the runs' breakdowns (eval.json `by_file`, keyed by run id: `base`, `uniform`, `uniform#2`,
 * …): one per metric some run breaks down, runs grouped by strategy and each file's value averaged over seeds with
 * its sample standard deviation, as aggregateRuns does for the pooled metric. A run without a breakdown (evaluated
 * by an older version and kept) is left out of its strategy's mean.
 */
export function fileTables(perRun: Readonly<Record<string, ByFile>>): FileTable[] {
  const tables: FileTable[] = [];
  for (const metric of BY_FILE_METRICS) {
    const values = new Map<string, Map<string, number[]>>(); // file → model → one value per seed
    const models: string[] = [];
    for (const [runId, byFile] of Object.entries(perRun)) {
      const entries = byFile[metric];
      if (!entries) continue;
      const model = strategyOfRun(runId);
      if (!models.includes(model)) models.push(model);
      for (const entry of entries) {
        const perModel = values.get(entry.file) ?? new Map<string, number[]>();
        values.set(entry.file, perModel);
        perModel.set(model, [...(perModel.get(model) ?? []), entry.value]);
      }
    }
    if (models.length === 0) continue;
    const cells: FileTable['cells'] = {};
    for (const [file, perModel] of values) {
      cells[file] = Object.fromEntries(
        [...perModel].map(([model, seeds]) => [model, { mean: mean(seeds), sd: sampleSd(seeds), n: seeds.length }]),
      );
    }
    tables.push({ metric, files: [...values.keys()], models, cells });
  }
  return tables;
}

/** A table's values as summary.json lists them: by model, the metric's files with their mean (or sd) over seeds. */
export function fileTableValues(
  tables: readonly FileTable[],
  field: 'mean' | 'sd',
  include: (model: string, n: number) => boolean,
): Record<string, ByFileValues> {
  const result: Record<string, ByFileValues> = {};
  for (const table of tables) {
    for (const model of table.models) {
      const rows = table.files.flatMap((file) => {
        const cell = table.cells[file]![model];
        return cell && include(model, cell.n) ? [{ file, value: cell[field] }] : [];
      });
      if (rows.length > 0) (result[model] ??= {})[table.metric] = rows;
    }
  }
  return result;
}

/** Per-file values of the metrics broken down, without counts (summary.json `runs_by_file`, `runs_sd_by_file`). */
export type ByFileValues = Partial<Record<ByFileMetric, Array<{ file: string; value: number }>>>;
