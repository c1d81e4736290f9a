import { MllrError } from '@mllr/core';
import { csvRecords } from './csv-reader.js';
import { checkDataFile } from './data-file.js';
import { dataError, describeType, errorMessage } from './data-error.js';
import { jsonRecords } from './json-reader.js';
import { jsonlRecords } from './jsonl-reader.js';
import { formatOf } from './read-dataset.js';
import type { RawRecord } from './read-sample.js';
import type { RecordStream } from './read-samples.js';

const RECORDS: Record<'csv' | 'json' | 'jsonl', RecordStream> = {
  csv: csvRecords,
  json: jsonRecords,
  jsonl: jsonlRecords,
};

/**
 * The first record of a dataset file (CSV with a header, JSON array, JSON Lines), read without reading the rest, to
 * tell its layout. A missing or unreadable file, an unsupported extension, no records or a first record that is not an
 * object is DATA_INVALID naming the file.
 */
export async function firstRecord(path: string): Promise<Record<string, unknown>> {
  const format = formatOf({ path });
  await checkDataFile(path);
  const records = RECORDS[format](path);
  let first: IteratorResult<RawRecord, void>;
  try {
    first = await records.next();
  } catch (error) {
    if (error instanceof MllrError) throw error;
    throw dataError(path, `cannot be read (${errorMessage(error)})`, error);
  } finally {
    await records.return(undefined);
  }
  if (first.done) throw dataError(path, 'contains no records');
  const { value, where, invalid } = first.value;
  if (invalid) throw dataError(where, invalid.message);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw dataError(where, `expected a record (an object with fields), found ${describeType(value)}`);
  }
  return value as Record<string, unknown>;
}

/**
 * The chat preset a record's layout calls for: `messages` when it has a `messages` list, `sharegpt` when it has a
 * `conversations` list, none otherwise. Used where a file is given without a preset (`mllr finetune --data`, prompt
 * files for evaluation), so chat files need no flag.
 */
export function chatPresetFor(record: Record<string, unknown>): 'messages' | 'sharegpt' | undefined {
  if (Array.isArray(record['messages'])) return 'messages';
  if (Array.isArray(record['conversations'])) return 'sharegpt';
  return undefined;
}
