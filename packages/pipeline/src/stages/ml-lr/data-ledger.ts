import { MllrError, type InvalidRecord, type Tokenizer } from '@mllr/core';

/** What a run learned about one dataset it used: how many records it read and which it had to skip, by reason. */
export interface DataFileUse {
  /** Records read from the file (usable and skipped; at most `limit` usable ones). */
  records: number;
  /** Records that could not be used, by reason (`empty_response`, `no_tokens`, `too_long`, `wrong_type`, …). */
  skipped: Record<string, number>;
  /** The fraction of the prompts' tokens that are the tokenizer's unknown token, where it has one. */
  unknown_tokens?: number;
}

/** data/<stage>.json: the datasets one stage used, what was skipped in them, and warnings about them. */
export interface DataUseArtifact {
  /** By the dataset's path as the config names it (or `embedded world (<set>)`). */
  files: Record<string, DataFileUse>;
  warnings: string[];
}

/** Above this fraction of unknown tokens in a dataset's prompts the run warns: the model cannot read that text. */
export const UNKNOWN_TOKEN_WARNING = 0.05;

/** At most this many prompts per dataset are tokenized to estimate its unknown-token rate. */
const UNKNOWN_TOKEN_SAMPLE = 2000;

/**
 * The skipped records of a run's datasets, per file and reason, as they are found: by the readers (records of the
 * wrong shape) and by the stages that tokenize (empty responses, no tokens, too long). A file where more than half
 * the records cannot be used is an error: that is a wrong file, preset or field mapping rather than a few bad rows.
 */
export class DataLedger {
  /** Per file: `skipped` by the reader, `unfit` by a stage after reading (for training); counts by reason. */
  private readonly files = new Map<
    string,
    { records: number; skipped: Map<string, number>; unfit: Map<string, number>; first?: InvalidRecord }
  >();

  /**
   * Records a read of `file`: `usable` samples came out and `skipped` records did not. A file read again (another
   * set, another `limit`) keeps its larger read. Throws when more than half of the file cannot be used.
   */
  read(file: string, usable: number, skipped: readonly InvalidRecord[]): void {
    const records = usable + skipped.length;
    const known = this.files.get(file);
    if (known && known.records >= records) return;
    const entry = {
      records,
      skipped: new Map<string, number>(),
      unfit: known?.unfit ?? new Map<string, number>(),
      ...(skipped[0] ? { first: skipped[0] } : {}),
    };
    for (const record of skipped) entry.skipped.set(record.reason, (entry.skipped.get(record.reason) ?? 0) + 1);
    this.files.set(file, entry);
    this.check(file);
  }

  /** Counts one record of `file` a stage could not train on after reading it (e.g. one whose response has no tokens). */
  skip(file: string, record: InvalidRecord): void {
    const entry = this.files.get(file) ?? {
      records: 0,
      skipped: new Map<string, number>(),
      unfit: new Map<string, number>(),
    };
    entry.unfit.set(record.reason, (entry.unfit.get(record.reason) ?? 0) + 1);
    entry.first ??= record;
    this.files.set(file, entry);
  }

  /** DATA_INVALID when more than half of the records read from `file` cannot be used, naming the main reason. */
  check(file: string): void {
    const entry = this.files.get(file);
    if (!entry || entry.records === 0) return;
    const counts = merged(entry.skipped, entry.unfit);
    const skipped = [...counts.values()].reduce((a, b) => a + b, 0);
    if (skipped * 2 <= entry.records) return;
    const [reason, count] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const example = entry.first ? `; the first: ${entry.first.message}` : '';
    throw new MllrError(
      'DATA_INVALID',
      `${file}: ${skipped} of its ${entry.records} records cannot be used (mostly ${reason.replaceAll('_', ' ')}: ${count})${example}. ` +
        'So many bad records usually mean a wrong file, preset or `fields` mapping; check them (data.on_invalid: skip passes over a few)',
    );
  }

  /**
   * The use of `file` so far: records read and skipped by reason (zero records when it was never read here); with
   * `training`, also those skipped for training (empty response, no tokens, too long), which other uses keep.
   */
  use(file: string, training = false): DataFileUse {
    const entry = this.files.get(file);
    const counts = entry ? (training ? merged(entry.skipped, entry.unfit) : entry.skipped) : new Map<string, number>();
    return { records: entry?.records ?? 0, skipped: Object.fromEntries([...counts.entries()].sort()) };
  }
}

function merged(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): Map<string, number> {
  const out = new Map(a);
  for (const [reason, n] of b) out.set(reason, (out.get(reason) ?? 0) + n);
  return out;
}

/**
 * The fraction of the tokens of `prompts` (the first few thousand) that are the tokenizer's unknown token; undefined
 * when it has none (byte-level tokenizers) or there is no text.
 */
export function unknownTokenRate(
  prompts: readonly string[],
  tokenizer: Pick<Tokenizer, 'encode' | 'unkTokenId'>,
): number | undefined {
  const unk = tokenizer.unkTokenId;
  if (unk === undefined) return undefined;
  let total = 0;
  let unknown = 0;
  for (const prompt of prompts.slice(0, UNKNOWN_TOKEN_SAMPLE)) {
    for (const id of tokenizer.encode(prompt, { addSpecialTokens: false })) {
      total++;
      if (id === unk) unknown++;
    }
  }
  return total === 0 ? undefined : unknown / total;
}

/** The warning for a dataset whose prompts are more than {@link UNKNOWN_TOKEN_WARNING} unknown tokens, if it is. */
export function unknownTokenWarning(file: string, rate: number | undefined): string | undefined {
  if (rate === undefined || rate <= UNKNOWN_TOKEN_WARNING) return undefined;
  return (
    `${file}: ${(rate * 100).toFixed(1)}% of the prompt tokens are the tokenizer's unknown token, so the model cannot read much of ` +
    'this text and results on it mean little; check that the model (its tokenizer) fits the data'
  );
}
