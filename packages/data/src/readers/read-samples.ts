import type { DatasetSource, ReadOptions } from '@mllr/core';
import { MllrError } from '@mllr/core';
import { checkDataFile } from './data-file.js';
import { InvalidRecordError, dataError, errorMessage } from './data-error.js';
import { recordToSample } from './map-record.js';
import { resolveMapping, type ResolvedMapping } from './presets.js';
import type { RawRecord, ReadSample } from './read-sample.js';

/** Streams the raw records of one file; the format-specific half of a reader. */
export type RecordStream = (file: string) => AsyncGenerator<RawRecord, void, undefined>;

/**
 * The shared half of every reader. Problems with the source itself (unknown preset, bad `limit`, empty prompt field)
 * throw at once; the file is opened only when iteration starts. See {@link streamSamples}.
 */
export function readSamples(
  source: DatasetSource,
  records: RecordStream,
  options: ReadOptions = {},
): AsyncIterable<ReadSample> {
  const mapping = resolveMapping(source);
  const limit = source.limit;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0)) {
    throw dataError(source.path, `limit must be a positive integer, got ${String(limit)}`);
  }
  return streamSamples(source.path, records, mapping, limit, options);
}

/**
 * Maps records to samples lazily and stops at `limit` without pulling another record: leaving the loop closes the
 * record stream, so the rest of the file is never read. A file without records is DATA_INVALID, and so is anything
 * unexpected thrown while reading (wrapped, so no raw stack reaches the user). With `onInvalid`, a record that cannot
 * be used is reported to it and skipped (it does not count towards `limit`); without, it is an error.
 */
async function* streamSamples(
  file: string,
  records: RecordStream,
  mapping: ResolvedMapping,
  limit: number | undefined,
  options: ReadOptions,
): AsyncGenerator<ReadSample, void, undefined> {
  await checkDataFile(file);
  let count = 0;
  let skipped = 0;
  // The first skip's message, so a file whose every record is skipped says why (usually a field it lacks).
  let firstSkip: string | undefined;
  try {
    for await (const record of records(file)) {
      let sample: ReadSample;
      try {
        sample = recordToSample(record, mapping);
      } catch (error) {
        if (!(error instanceof InvalidRecordError) || !options.onInvalid) throw error;
        options.onInvalid({ where: error.where, reason: error.reason, message: error.message });
        firstSkip ??= error.message;
        skipped++;
        continue;
      }
      yield sample;
      count++;
      if (count === limit) return;
    }
  } catch (error) {
    if (error instanceof MllrError) throw error;
    throw dataError(file, `cannot be read (${errorMessage(error)})`, error);
  }
  if (count === 0) {
    throw dataError(
      file,
      skipped === 0
        ? 'contains no records'
        : `contains no usable records (all ${skipped} were skipped; the first: ${firstSkip})`,
    );
  }
}
