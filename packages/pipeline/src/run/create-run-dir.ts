import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { MllrError } from '@mllr/core';

const REASONS: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted there',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOTDIR: 'a file is in the way of the path',
  EEXIST: 'it exists and is not a folder',
};

/**
 * Creates the run folder (or checks an existing one can be written). A place that cannot hold a run (read-only,
 * forbidden, full, a file in the way) is bad input: RUN_FOLDER_INVALID, exit code 2, naming the folder; nothing is
 * written anywhere.
 */
export async function createRunDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code];
    if (reason === undefined) throw error;
    throw new MllrError(
      'RUN_FOLDER_INVALID',
      `cannot use ${dir} as the run folder: ${reason} (${code}); choose another --out`,
      { cause: error },
    );
  }
}
