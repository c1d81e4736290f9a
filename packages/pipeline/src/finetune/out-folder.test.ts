import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutFolder, createStagingFolder, publishFolder } from './out-folder.js';

function staged(out: string, marker: string): Promise<string> {
  return createStagingFolder(out).then((dir) => {
    writeFileSync(join(dir, 'finetune.json'), marker);
    return dir;
  });
}

describe('the --out folder of mllr finetune', () => {
  it('publishes into an absent or empty folder, leaving nothing else beside it', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'mllr-out-'));
    const out = join(parent, 'model');
    await checkOutFolder(out, false);
    await publishFolder(await staged(out, 'one'), out, false);
    expect(readFileSync(join(out, 'finetune.json'), 'utf8')).toBe('one');
    const empty = join(parent, 'empty');
    mkdirSync(empty);
    await publishFolder(await staged(empty, 'two'), empty, false);
    expect(readdirSync(parent).sort()).toEqual(['empty', 'model']);
  });

  it('refuses an earlier result without --force, and replaces it whole with --force', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'mllr-out-'));
    const out = join(parent, 'model');
    await publishFolder(await staged(out, 'first'), out, false);
    writeFileSync(join(out, 'extra.txt'), 'x');
    await expect(checkOutFolder(out, false)).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
      message: expect.stringContaining(`--out ${out} exists and is not empty`),
    });
    await publishFolder(await staged(out, 'second'), out, true);
    expect(readFileSync(join(out, 'finetune.json'), 'utf8')).toBe('second');
    expect(existsSync(join(out, 'extra.txt'))).toBe(false);
    expect(readdirSync(parent)).toEqual(['model']);
  });

  it('never replaces a folder of other files, nor a file', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'mllr-out-'));
    writeFileSync(join(parent, 'notes.txt'), 'mine');
    await expect(checkOutFolder(parent, true)).rejects.toThrow('holds files that are not a model');
    await expect(checkOutFolder(join(parent, 'notes.txt'), true)).rejects.toThrow('is a file, not a folder');
  });
});
