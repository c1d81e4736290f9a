import { stat } from 'node:fs/promises';
import { dataError } from './data-error.js';

/**
 * Checks up front that `file` is a readable, non-empty regular file, so a wrong path reads as "file not found" and
 * not as a stream error from deep inside a parser.
 */
export async function checkDataFile(file: string): Promise<void> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw dataError(file, 'file not found', error);
    throw dataError(file, `cannot be read (${error.code ?? error.message})`, error);
  });
  if (info.isDirectory()) throw dataError(file, 'is a directory, not a data file');
  if (info.size === 0) throw dataError(file, 'the file is empty');
}
