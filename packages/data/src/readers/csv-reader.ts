import { createReadStream } from 'node:fs';
import type { DatasetReader, DatasetSource, ReadOptions } from '@mllr/core';
import { CsvError, parse } from 'csv-parse';
import { dataError } from './data-error.js';
import { MAX_RECORD_CHARS } from './data-limits.js';
import type { RawRecord, ReadSample } from './read-sample.js';
import { readSamples } from './read-samples.js';

/** Reads CSV files with a header row; `source` is `file:line`, the line where the record starts (the header is line 1). */
export class CsvReader implements DatasetReader {
  readonly formats = ['csv'] as const;

  /** Streams the samples of `source.path`, lazily. */
  read(source: DatasetSource, options?: ReadOptions): AsyncIterable<ReadSample> {
    return readSamples(source, csvRecords, options);
  }
}

/** The records of a CSV file as objects keyed by the header's column names. */
export async function* csvRecords(file: string): AsyncGenerator<RawRecord, void, undefined> {
  const input = createReadStream(file);
  // Column counts are checked here rather than by csv-parse, so the error can name the line the record starts on.
  const parser = parse({
    bom: true,
    raw: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: MAX_RECORD_CHARS,
    record_delimiter: ['\r\n', '\n', '\r'],
  });
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let header: string[] | undefined;
  let line = 1; // where the next record's raw text starts
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      // raw holds the record, the blank lines skipped before it and its line break; count them all to know the line.
      const start = line + lineBreaks(/^[\r\n]*/.exec(raw)![0]);
      line += lineBreaks(raw);
      if (header === undefined) {
        header = checkHeader(record, `${file}:${start}`);
        continue;
      }
      const where = `${file}:${start}`;
      if (record.length !== header.length) {
        const message = `the record has ${record.length} column${record.length === 1 ? '' : 's'} but the header has ${header.length}`;
        yield { value: undefined, where, invalid: { reason: 'wrong_columns', message } };
        continue;
      }
      yield { value: Object.fromEntries(header.map((name, i) => [name, record[i]])), where };
    }
  } catch (error) {
    throw error instanceof CsvError ? csvError(error, file) : error;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

function checkHeader(header: string[], where: string): string[] {
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (name.trim() === '') throw dataError(where, `column ${i + 1} of the header has no name`);
    if (seen.has(name)) throw dataError(where, `the header names column "${name}" twice`);
    seen.add(name);
  });
  return header;
}

/** Line breaks in text: CRLF, LF or a lone CR each end one line (csv-parse's raw text keeps only the CR of a CRLF). */
function lineBreaks(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/** A csv-parse syntax error (bad quoting) as DATA_INVALID at the line csv-parse reports. */
function csvError(error: CsvError, file: string): Error {
  const line: unknown = error['lines'];
  return dataError(typeof line === 'number' ? `${file}:${line}` : file, `invalid CSV (${error.message})`, error);
}
