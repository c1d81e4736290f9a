import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import type { DatasetReader, DatasetSource, ReadOptions } from '@mllr/core';
import Parser from 'stream-json/Parser.js';
import Pick from 'stream-json/filters/Pick.js';
import StreamArray from 'stream-json/streamers/StreamArray.js';
import { MllrError } from '@mllr/core';
import { dataError, errorMessage } from './data-error.js';
import { MAX_RECORD_CHARS } from './data-limits.js';
import { JsonRecordCounter, type JsonToken } from './json-record-counter.js';
import type { RawRecord, ReadSample } from './read-sample.js';
import { readSamples } from './read-samples.js';

/**
 * Reads a JSON array of records (or an object whose `data` key holds one) with stream-json, one record at a time, so
 * a large file is never held whole; `source` is `file#index` with the 0-based index in the array.
 */
export class JsonReader implements DatasetReader {
  readonly formats = ['json'] as const;

  /** Streams the samples of `source.path`, lazily. */
  read(source: DatasetSource, options?: ReadOptions): AsyncIterable<ReadSample> {
    return readSamples(source, jsonRecords, options);
  }
}

/** The elements of the records array of a JSON file, in order. */
export async function* jsonRecords(file: string): AsyncGenerator<RawRecord, void, undefined> {
  const layout = await detectLayout(file);
  const counter = new JsonRecordCounter(layout.wrapped);
  const input = createReadStream(file, { start: layout.start });
  const parser = new CountingParser(counter, file);
  const elements = StreamArray.streamArray();
  // pipeline() destroys every stage when one fails or when the consumer stops early; the callback only silences it.
  const ignore = () => undefined;
  if (layout.wrapped) pipeline(input, parser, Pick.pick({ filter: 'data' }), elements, ignore);
  else pipeline(input, parser, elements, ignore);
  try {
    for await (const element of elements as AsyncIterable<{ key: number; value: unknown }>) {
      yield { value: element.value, where: `${file}#${element.key}` };
    }
  } catch (error) {
    if (error instanceof MllrError) throw error;
    // pipeline() hands the failing stage's error to every stage, so the origin is told by the message: all of
    // stream-json's syntax errors start with "Parser", and StreamArray's one complaint is about a non-array.
    const message = errorMessage(error);
    if (message.startsWith('Parser ')) {
      const what = `invalid JSON (${message})`;
      throw counter.closed
        ? dataError(file, `${what} after the end of the records array`, error)
        : dataError(`${file}#${counter.completed}`, what, error);
    }
    if (layout.wrapped && /should be an array/.test(message)) {
      throw dataError(file, '"data" must be an array of records', error);
    }
    throw error;
  } finally {
    for (const stream of [input, parser, elements]) stream.destroy();
  }
  if (layout.wrapped && !counter.found) {
    throw dataError(
      file,
      'the top-level object has no "data" array; expected an array of records or { "data": [ ... ] }',
    );
  }
}

/** The parser, reporting each token to the counter as it is produced (see {@link JsonRecordCounter}). */
class CountingParser extends Parser {
  constructor(
    private readonly counter: JsonRecordCounter,
    private readonly file: string,
  ) {
    super();
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk !== null && chunk !== undefined) {
      this.counter.see(chunk as JsonToken);
      // Checked as the record streams in, so an endless record fails before it is assembled in memory.
      if (this.counter.recordChars > MAX_RECORD_CHARS && !this.destroyed) {
        this.destroy(
          dataError(
            `${this.file}#${this.counter.completed}`,
            `the record is larger than ${MAX_RECORD_CHARS} characters`,
          ),
        );
        return false;
      }
    }
    return super.push(chunk, encoding);
  }
}

interface JsonLayout {
  /** `{ "data": [...] }` rather than a bare array. */
  wrapped: boolean;
  /** Byte offset to parse from (past a UTF-8 byte-order mark, which the parser rejects). */
  start: number;
}

/** Looks at the first non-blank character to tell an array from a wrapping object, before any parsing. */
async function detectLayout(file: string): Promise<JsonLayout> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    let start = 0;
    for (let position = 0; ;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) throw dataError(file, 'the file is empty (only blanks)');
      let i = 0;
      if (position === 0 && bytesRead >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf)
        i = start = 3;
      while (i < bytesRead && BLANKS.has(buffer[i]!)) i++;
      if (i < bytesRead) {
        const byte = buffer[i]!;
        if (byte === 0x5b) return { wrapped: false, start }; // [
        if (byte === 0x7b) return { wrapped: true, start }; // {
        const found = byte < 0x80 ? JSON.stringify(String.fromCharCode(byte)) : 'a non-ASCII character';
        throw dataError(file, `expected a JSON array of records, but the file starts with ${found}`);
      }
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** Space, tab, line feed, carriage return: the blanks JSON allows between tokens. */
const BLANKS = new Set([0x20, 0x09, 0x0a, 0x0d]);
