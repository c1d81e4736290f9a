import { readFile } from 'node:fs/promises';
import { MllrError } from '@mllr/core';

/**
 * Reads and parses a JSON file of a checkpoint folder. A missing file, unreadable text or bad JSON is a
 * CHECKPOINT_INVALID error naming the path; with `optional`, a missing file gives `undefined` instead.
 */
export async function readJsonFile(file: string, options: { optional?: boolean } = {}): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.optional) return undefined;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(error)})`;
    throw new MllrError('CHECKPOINT_INVALID', `${file}: ${why}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MllrError('CHECKPOINT_INVALID', `${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
