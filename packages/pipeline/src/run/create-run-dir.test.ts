import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllrError } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { createRunDir } from './create-run-dir.js';

describe('createRunDir', () => {
  it('creates nested folders and accepts an existing writable one', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mllr-dir-')), 'a', 'b');
    await createRunDir(dir);
    await createRunDir(dir);
    expect(existsSync(dir)).toBe(true);
  });

  it('turns a place that cannot hold a run into RUN_FOLDER_INVALID (exit 2) naming it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mllr-dir-')), 'not-a-folder');
    writeFileSync(file, 'x');
    const underFile = await createRunDir(join(file, 'run')).catch((e: unknown) => e);
    expect(underFile).toBeInstanceOf(MllrError);
    expect((underFile as MllrError).exitCode).toBe(2);
    expect((underFile as MllrError).message).toBe(
      `cannot use ${join(file, 'run')} as the run folder: a file is in the way of the path (ENOTDIR); choose another --out`,
    );
    const isFile = await createRunDir(file).catch((e: unknown) => e);
    expect((isFile as MllrError).code).toBe('RUN_FOLDER_INVALID');
  });

  // A real read-only place even as root: sysfs allows no new folders. Skipped where /sys is not mounted.
  it.skipIf(!existsSync('/sys/kernel'))('refuses a folder on a read-only file system (/sys)', async () => {
    const error = await createRunDir('/sys/mllr-run-test').catch((e: unknown) => e);
    expect((error as MllrError).code).toBe('RUN_FOLDER_INVALID');
    expect((error as MllrError).message).toMatch(
      /^cannot use \/sys\/mllr-run-test as the run folder: .* \((EPERM|EROFS|EACCES)\); choose another --out$/,
    );
  });
});
