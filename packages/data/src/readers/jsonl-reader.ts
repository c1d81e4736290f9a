import { createReadStream } from 'node:fs';
import type { DatasetReader, DatasetSource, ReadOptions } from '@mllr/core';
import { LineTooLongError, boundedLines } from './bounded-lines.js';
import { dataError, errorMessage } from './data-error.js';
import { MAX_RECORD_CHARS } from './data-limits.js';
import type { RawRecord, ReadSample } from './read-sample.js';
import { readSamples } from './read-samples.js';

/** Reads JSON Lines (one JSON object per line; blank lines are skipped); `source` is `file:line`, 1-based. */
export class JsonlReader implements DatasetReader {
  readonly formats = ['jsonl'] as const;

  /** Streams the samples of `source.path`, lazily. */
  read(source: DatasetSource, options?: ReadOptions): AsyncIterable<ReadSample> {
    return readSamples(source, jsonlRecords, options);
  }
}

/** The records of a JSON Lines file, one per non-blank line; a line is parsed only when its record is pulled. */
export async function* jsonlRecords(file: string): AsyncGenerator<RawRecord, void, undefined> {
  const input = createReadStream(file);
  const lines = boundedLines(input, MAX_RECORD_CHARS);
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      const text = lineNumber === 1 ? line.replace(/^\uFEFF/, '') : line;
      if (text.trim() === '') continue;
      const where = `${file}:${lineNumber}`;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        // One bad line spoils one record: the caller decides whether that stops the read.
        yield {
          value: undefined,
          where,
          invalid: { reason: 'invalid_json', message: `invalid JSON (${errorMessage(error)})` },
        };
        continue;
      }
      yield { value, where };
    }
  } catch (error) {
    if (error instanceof LineTooLongError) {
      throw dataError(
        `${file}:${error.lineNumber}`,
        `the line is longer than ${MAX_RECORD_CHARS} characters (one record per line is expected)`,
      );
    }
    throw error;
  } finally {
    await lines.return(undefined);
    input.destroy();
  }
}
