import { readFile, stat } from 'node:fs/promises';
import { MllrError } from '@mllr/core';

/**
 * The largest JSON file of a checkpoint folder mllr reads (64 MiB). The biggest real one, a 256k-entry
 * tokenizer.json, is about 35 MiB; the bound keeps a wrong or hostile file from being read whole into memory.
 */
export const MAX_JSON_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads and parses a JSON file of a checkpoint folder. A missing file, unreadable text or bad JSON is a
 * CHECKPOINT_INVALID error naming the path, a file over {@link MAX_JSON_FILE_BYTES} CHECKPOINT_UNSUPPORTED; with
 * `optional`, a missing file gives `undefined` instead.
 */
export async function readJsonFile(file: string, options: { optional?: boolean } = {}): Promise<unknown> {
  let text: string;
  try {
    const size = (await stat(file)).size;
    if (size > MAX_JSON_FILE_BYTES) {
      throw new MllrError(
        'CHECKPOINT_UNSUPPORTED',
        `${file}: ${size} bytes, more than the ${MAX_JSON_FILE_BYTES}-byte limit for a JSON file of a checkpoint`,
      );
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof MllrError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.optional) return undefined;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot be read (${code ?? String(error)})`;
    throw new MllrError('CHECKPOINT_INVALID', `${file}: ${why}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MllrError('CHECKPOINT_INVALID', `${file}: not valid JSON (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
