import { extname } from 'node:path';
import type { DatasetReader, DatasetSource, ReadOptions } from '@mllr/core';
import { CsvReader } from './csv-reader.js';
import { dataError } from './data-error.js';
import { JsonReader } from './json-reader.js';
import { JsonlReader } from './jsonl-reader.js';
import { presetFor, type DataFormat } from './presets.js';
import type { ReadSample } from './read-sample.js';

const READERS: Readonly<
  Record<DataFormat, DatasetReader & { read(source: DatasetSource, options?: ReadOptions): AsyncIterable<ReadSample> }>
> = {
  csv: new CsvReader(),
  json: new JsonReader(),
  jsonl: new JsonlReader(),
};

/** The file extensions {@link readDataset} understands (lower-case, without the dot). */
export const SUPPORTED_FORMATS = Object.keys(READERS) as DataFormat[];

/**
 * The format of a source: its file extension (case-insensitive) when that is one of {@link SUPPORTED_FORMATS}, else
 * its preset's usual format, else DATA_INVALID naming the file and the supported extensions. The extension wins so
 * that, say, Alpaca-layout data saved as JSON Lines works with the `alpaca` preset.
 */
export function formatOf(source: DatasetSource): DataFormat {
  const extension = extname(source.path).slice(1).toLowerCase();
  if ((SUPPORTED_FORMATS as string[]).includes(extension)) return extension as DataFormat;
  const preset = presetFor(source);
  if (preset.format !== undefined) return preset.format;
  const found = extension === '' ? 'has no extension' : `has the unsupported extension ".${extension}"`;
  const supported = SUPPORTED_FORMATS.map((f) => `.${f}`).join(', ');
  throw dataError(source.path, `${found}; supported: ${supported} (or name a preset with a default format)`);
}

/**
 * Streams the samples of a dataset file through the reader for its format. Problems with the source itself (unknown
 * preset or extension) throw at once; problems with the file surface when iteration starts. See {@link ReadOptions}
 * for records that cannot be used.
 */
export function readDataset(source: DatasetSource, options?: ReadOptions): AsyncIterable<ReadSample> {
  return READERS[formatOf(source)].read(source, options);
}

/** Reads a whole dataset into memory (honouring `limit`); for the small files instruction tuning uses. */
export async function readAll(source: DatasetSource, options?: ReadOptions): Promise<ReadSample[]> {
  const samples: ReadSample[] = [];
  for await (const sample of readDataset(source, options)) samples.push(sample);
  return samples;
}

/** A {@link DatasetReader} for every supported format, picking by extension or preset; the one to bind in DI. */
export class FileDatasetReader implements DatasetReader {
  readonly formats = SUPPORTED_FORMATS;

  /** See {@link readDataset}. */
  read(source: DatasetSource, options?: ReadOptions): AsyncIterable<ReadSample> {
    return readDataset(source, options);
  }
}
