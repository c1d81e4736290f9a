import { MllrError, type DatasetSource } from '@mllr/core';
import { csvRecords } from './csv-reader.js';
import { checkDataFile } from './data-file.js';
import { dataError, describeType, errorMessage } from './data-error.js';
import { jsonRecords } from './json-reader.js';
import { jsonlRecords } from './jsonl-reader.js';
import { formatOf } from './read-dataset.js';
import type { RawRecord } from './read-sample.js';
import type { RecordStream } from './read-samples.js';

/** Columns that hold the prompt in a file of prompts, in the order they are looked for (case-insensitive). */
export const PROMPT_COLUMNS = ['prompt', 'goal', 'instruction'] as const;

const RECORDS: Record<'csv' | 'json' | 'jsonl', RecordStream> = { csv: csvRecords, json: jsonRecords, jsonl: jsonlRecords };

/**
 * A dataset source for a plain file of prompts (CSV with a header, a JSON array of records, or JSON Lines) whose
 * prompt column is found by name: the first of {@link PROMPT_COLUMNS} the first record has (AdvBench's `goal`,
 * Alpaca's `instruction` with its `input`). Responses and labels in the file are ignored. A missing or unreadable
 * file, an unsupported extension or a record without any of those columns is DATA_INVALID naming the file.
 */
export async function promptFileSource(path: string): Promise<DatasetSource> {
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
  const keys = Object.keys(value);
  const prompt = PROMPT_COLUMNS.map((column) => keys.find((k) => k.toLowerCase() === column)).find((k) => k !== undefined);
  if (prompt === undefined) {
    const has = keys.length === 0 ? 'none' : keys.join(', ');
    throw dataError(path, `no prompt column: expected one of ${PROMPT_COLUMNS.join(', ')}; the file has: ${has}`);
  }
  const input = prompt.toLowerCase() === 'instruction' ? (keys.find((k) => k.toLowerCase() === 'input') ?? '') : '';
  return { path, preset: 'generic', fields: { prompt, input, response: '', label: '' } };
}
