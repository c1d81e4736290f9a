import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MllrError, TEMP_PREFIX } from '@mllr/core';

/** Files whose presence marks a folder as a model or a finished fine-tuning result, which `--force` may replace. */
const RESULT_MARKERS = ['finetune.json', 'config.json'];

/**
 * Checks that `--out` may receive a result: absent, an empty folder, or (with `force`) a folder holding an earlier
 * model or result. Anything else is ARGUMENT_INVALID, so a finished result is never overwritten silently and a folder
 * of other files is never replaced even with `--force`.
 */
export async function checkOutFolder(out: string, force: boolean): Promise<void> {
  const entries = await folderEntries(out);
  if (entries === undefined || entries.length === 0) return;
  if (!force)
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--out ${out} exists and is not empty; choose another folder, or add --force to replace the result there`,
    );
  if (!RESULT_MARKERS.some((m) => entries.includes(m))) {
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--out ${out} holds files that are not a model (no ${RESULT_MARKERS.join(' or ')}); --force replaces only an earlier result`,
    );
  }
}

/** A new, empty folder beside `out` to write the result into before it is published (removed by the caller if the run fails). */
export async function createStagingFolder(out: string): Promise<string> {
  const parent = dirname(out);
  const staging = join(parent, `${TEMP_PREFIX}${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(staging, { recursive: true });
  } catch (error) {
    throw new MllrError(
      'ARTIFACT_WRITE',
      `cannot create a folder beside --out ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error },
    );
  }
  return staging;
}

/**
 * Moves the finished `staging` folder to `out` by renames, so `out` holds either the earlier content or the whole new
 * result, never part of one. The earlier content (checked by {@link checkOutFolder}) is set aside first and removed
 * only once the new result is in place.
 */
export async function publishFolder(staging: string, out: string, force: boolean): Promise<void> {
  await checkOutFolder(out, force); // again: the folder may have changed while training
  const entries = await folderEntries(out);
  let aside: string | undefined;
  if (entries !== undefined) {
    aside = `${staging}.old`;
    await rename(out, aside);
  }
  try {
    await rename(staging, out);
  } catch (error) {
    if (aside !== undefined) await rename(aside, out).catch(() => undefined);
    throw new MllrError(
      'ARTIFACT_WRITE',
      `cannot move the result into --out ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error },
    );
  }
  if (aside !== undefined) await rm(aside, { recursive: true, force: true });
}

/** The names in folder `path`, or undefined when nothing is there; a file there is ARGUMENT_INVALID. */
async function folderEntries(path: string): Promise<string[] | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MllrError(
      'ARGUMENT_INVALID',
      `--out ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  if (!info.isDirectory()) throw new MllrError('ARGUMENT_INVALID', `--out ${path} is a file, not a folder`);
  return readdir(path);
}
