import type { DatasetSource } from '@mllr/core';
import { checkDataFile } from './data-file.js';
import { resolveMapping } from './presets.js';
import { formatOf } from './read-dataset.js';

/**
 * Everything about a source that can be checked without reading its records: a known preset, a format (extension or
 * preset), a usable field mapping and a readable, non-empty file. Throws the DATA_INVALID a read would, naming the
 * file, so a run can refuse a wrong path or preset before it starts.
 */
export async function checkDatasetSource(source: DatasetSource): Promise<void> {
  resolveMapping(source);
  formatOf(source);
  await checkDataFile(source.path);
}
