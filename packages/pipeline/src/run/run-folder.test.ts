import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isZombie, readState, RunFolder } from './run-folder.js';

const openOptions = (dir: string, config: unknown = { seed: 1 }) => ({
  dir,
  config,
  configText: 'seed: 1\n',
  configFile: '/somewhere/run.yaml',
});

describe('RunFolder', () => {
  it('creates the folder with a config copy, resolved config and state', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mllr-run-')), 'run');
    const folder = await RunFolder.open(openOptions(dir));
    expect(folder.resumed).toBe(false);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe('seed: 1\n');
    expect(JSON.parse(readFileSync(join(dir, 'config.resolved.json'), 'utf8'))).toEqual({ seed: 1 });
    expect((await readState(dir))?.status).toBe('running');
    expect(existsSync(join(dir, '.lock'))).toBe(true);
    await folder.close('stopped');
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });

  it('resumes an unfinished run and never reopens a finished one', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mllr-run-')), 'run');
    await (await RunFolder.open(openOptions(dir))).close('failed');
    const resumed = await RunFolder.open(openOptions(dir, { seed: 2 }));
    expect(resumed.resumed).toBe(true);
    expect(resumed.previousConfigHash).not.toBe(resumed.configHash);
    await resumed.store.writeJson('summary.json', { ok: true });
    await resumed.close('finished');
    await expect(resumed.store.writeJson('summary.json', { ok: false })).rejects.toMatchObject({
      code: 'RUN_FINISHED',
    });
    await expect(RunFolder.open(openOptions(dir))).rejects.toMatchObject({
      code: 'RUN_FINISHED',
      exitCode: 2,
      message: expect.stringContaining('never overwritten'),
    });
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))).toEqual({ ok: true });
  });

  it('reopens a finished run only to extend it (more seeds), and then only ever extends it, also after a stop', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'mllr-run-')), 'run');
    const first = await RunFolder.open(openOptions(dir, { seed: 1, seeds: 1 }));
    await first.close('finished');
    const finishedAt = (await readState(dir))!.finishedAt;
    await expect(RunFolder.open(openOptions(dir, { seed: 2, seeds: 2 }))).rejects.toMatchObject({
      code: 'RUN_FINISHED',
      message: expect.stringContaining('this config also changes: seed differs from the finished run'),
    });
    await expect(RunFolder.open({ ...openOptions(dir, { seed: 1, seeds: 2 }), force: true })).rejects.toMatchObject({
      code: 'RUN_FINISHED',
      message: expect.stringContaining('--force would run every stage again'),
    });

    const extended = await RunFolder.open(openOptions(dir, { seed: 1, seeds: 2 }));
    expect(extended.extension).toEqual(['seeds 1 → 2']);
    expect(JSON.parse(readFileSync(join(dir, 'config.resolved.json'), 'utf8'))).toEqual({ seed: 1, seeds: 2 });
    await extended.close('stopped');
    // The stopped extension resumes with its own config, but is never changed in other ways.
    await expect(RunFolder.open(openOptions(dir, { seed: 3, seeds: 2 }))).rejects.toMatchObject({
      code: 'RUN_FINISHED',
    });
    const resumed = await RunFolder.open(openOptions(dir, { seed: 1, seeds: 2 }));
    expect(resumed.extension).toEqual([]);
    await resumed.close('finished');
    expect((await readState(dir))!.firstFinishedAt).toBe(finishedAt);
    await expect(RunFolder.open(openOptions(dir, { seed: 1, seeds: 2 }))).rejects.toMatchObject({
      code: 'RUN_FINISHED',
      message: expect.stringContaining('To extend it, raise --seeds or add strategies'),
    });
  });

  it('refuses a non-empty folder that is not a run, and a folder a live process holds', async () => {
    const other = mkdtempSync(join(tmpdir(), 'mllr-run-'));
    writeFileSync(join(other, 'thesis.tex'), '');
    await expect(RunFolder.open(openOptions(other))).rejects.toMatchObject({ code: 'RUN_FOLDER_INVALID' });

    const dir = join(mkdtempSync(join(tmpdir(), 'mllr-run-')), 'run');
    await (await RunFolder.open(openOptions(dir))).close('stopped');
    writeFileSync(join(dir, '.lock'), String(process.ppid)); // a live process that is not us
    await expect(RunFolder.open(openOptions(dir))).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    writeFileSync(join(dir, '.lock'), '999999999'); // stale: no such process
    const reopened = await RunFolder.open(openOptions(dir));
    expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(String(process.pid));
    await reopened.close('stopped');
  });

  it.skipIf(!existsSync('/proc/self/stat') || spawnSync('perl', ['-v']).status !== 0)(
    'treats a killed holder that is not reaped yet (a zombie) as gone',
    { timeout: 30_000 },
    async () => {
      // A forked child that exits at once, under a parent that never waits for it: a zombie until the parent ends.
      // (perl: it reaps nothing unasked, unlike a shell, which may reap a finished job before its next command.)
      const parent = spawn(
        'perl',
        ['-e', '$| = 1; my $pid = fork; if ($pid) { print "$pid\\n"; sleep 60 } else { exit 0 }'],
        {
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      try {
        const zombie = Number(
          await new Promise<string>((done) => parent.stdout.once('data', (d: Buffer) => done(d.toString().trim()))),
        );
        // A loaded machine may take a while to start and end `sleep 0`.
        for (let i = 0; i < 300 && !isZombie(zombie); i++) await new Promise((r) => setTimeout(r, 50));
        expect(isZombie(zombie)).toBe(true);
        expect(isZombie(process.pid)).toBe(false);

        const dir = join(mkdtempSync(join(tmpdir(), 'mllr-run-')), 'run');
        await (await RunFolder.open(openOptions(dir))).close('stopped');
        writeFileSync(join(dir, '.lock'), String(zombie));
        const reopened = await RunFolder.open(openOptions(dir));
        expect(readFileSync(join(dir, '.lock'), 'utf8')).toBe(String(process.pid));
        await reopened.close('stopped');
      } finally {
        parent.kill('SIGKILL');
      }
    },
  );

  it('names a corrupt run.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-run-'));
    writeFileSync(join(dir, 'run.json'), '{"status": "runn');
    await expect(RunFolder.open(openOptions(dir))).rejects.toMatchObject({
      code: 'RUN_FOLDER_INVALID',
      message: `${join(dir, 'run.json')} is corrupt; it is not valid JSON`,
    });
  });
});
