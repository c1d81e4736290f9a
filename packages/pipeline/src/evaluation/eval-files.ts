import { basename, isAbsolute } from 'node:path';
import type { MetricValue } from '@mllr/core';
import type { ItemOutcome } from '../stats/item-outcome.js';

/** The items one dataset file contributes to a metric's evaluation set, in set order (the files follow each other). */
export interface EvalFileSpan {
  /** The file as the config names it (see {@link evalFileLabels}). */
  file: string;
  /** How many items of the set come from it. */
  items: number;
}

/** A metric measured on the items of one evaluation file (eval.json and summary.json `by_file`). */
export interface FileMetricValue {
  file: string;
  value: number;
  numerator: number;
  denominator: number;
}

/**
 * The names a metric's files go by in outputs: the path as the config writes it when relative (relative to the data
 * folder), else the file's name, so outputs compare between machines. An `--eval-harmful` file is absolute here and
 * goes by its name. A name already taken (the same file twice, two files of one name) gets ` (2)`, ` (3)`, ….
 */
export function evalFileLabels(paths: readonly string[]): string[] {
  const taken = new Set<string>();
  return paths.map((path) => {
    const name = isAbsolute(path) ? basename(path) : path;
    let label = name;
    for (let k = 2; taken.has(label); k++) label = `${name} (${k})`;
    taken.add(label);
    return label;
  });
}

/**
 * Counts a metric's judged items per evaluation file: `add` each item by its index in the set with its outcome, then
 * `result` gives every file's Σ numerator / Σ denominator, in file order.
 */
export class FileTally {
  private readonly starts: number[] = [];
  private readonly counts: ItemOutcome[];

  constructor(private readonly spans: readonly EvalFileSpan[]) {
    let start = 0;
    for (const span of spans) {
      this.starts.push(start);
      start += span.items;
    }
    this.counts = spans.map(() => ({ numerator: 0, denominator: 0 }));
  }

  /** Counts the outcome of the item at `index` of the set; an index past the last file is an error. */
  add(index: number, outcome: ItemOutcome): void {
    const file = this.fileOf(index);
    this.counts[file]!.numerator += outcome.numerator;
    this.counts[file]!.denominator += outcome.denominator;
  }

  /** Every file's counts and value (NaN for a file with no item counted). */
  result(): FileMetricValue[] {
    return this.spans.map((span, i) => {
      const { numerator, denominator } = this.counts[i]!;
      return { file: span.file, value: denominator > 0 ? numerator / denominator : Number.NaN, numerator, denominator };
    });
  }

  private fileOf(index: number): number {
    for (let i = this.spans.length - 1; i >= 0; i--) {
      if (index >= this.starts[i]! && index < this.starts[i]! + this.spans[i]!.items) return i;
    }
    throw new RangeError(`item ${index} is past the ${this.spans.length} evaluation files of the set`);
  }
}

/**
 * Whether the per-file counts add up to the metric the evaluator reported: only then do they break it down (an
 * evaluator that does not report each item, or counts differently from its items' verdicts, gets no breakdown).
 */
export function addsUpTo(files: readonly FileMetricValue[], metric: MetricValue): boolean {
  const numerator = files.reduce((sum, f) => sum + f.numerator, 0);
  const denominator = files.reduce((sum, f) => sum + f.denominator, 0);
  return numerator === metric.numerator && denominator === metric.denominator && files.every((f) => f.denominator > 0);
}

/** The metrics broken down by file: the harm metrics, each where its set comes from more than one file. */
export const BY_FILE_METRICS = ['harmful_asr', 'over_refusal'] as const;

/** One of {@link BY_FILE_METRICS}. */
export type ByFileMetric = (typeof BY_FILE_METRICS)[number];

/** Per-file values of the metrics broken down (eval.json `by_file`). */
export type ByFile = Partial<Record<ByFileMetric, FileMetricValue[]>>;

/** The file spans of the metrics to break down: harmful_asr's and over_refusal's, where their set has several files. */
export function breakdownSpans(files: {
  harmful: readonly EvalFileSpan[];
  benign: readonly EvalFileSpan[];
}): Partial<Record<ByFileMetric, readonly EvalFileSpan[]>> {
  const spans: Partial<Record<ByFileMetric, readonly EvalFileSpan[]>> = {};
  if (files.harmful.length > 1) spans.harmful_asr = files.harmful;
  if (files.benign.length > 1) spans.over_refusal = files.benign;
  return spans;
}
