import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';

const twoStage = resolve(import.meta.dirname, 'fixtures/two-stage.yaml');

describe('mllr run --out that cannot hold a run', () => {
  it('exits 2 naming the folder when a file is in the way', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mllr-out-')), 'file');
    writeFileSync(file, 'x');
    const result = await runMllr(['run', '--headless', '--config', twoStage, '--out', join(file, 'run')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `mllr: cannot use ${join(file, 'run')} as the run folder: a file is in the way of the path (ENOTDIR); choose another --out`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  // sysfs is a real file system that takes no new folders, even for root (chmod cannot make one read-only for root).
  it.skipIf(!existsSync('/sys/kernel'))('exits 2 on a read-only place (/sys), writing nothing', async () => {
    const result = await runMllr(['run', '--headless', '--config', twoStage, '--out', '/sys/mllr-run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /mllr: cannot use \/sys\/mllr-run as the run folder: .* \((EPERM|EROFS|EACCES)\); choose another --out/,
    );
    expect(existsSync('/sys/mllr-run')).toBe(false);
  });
});
