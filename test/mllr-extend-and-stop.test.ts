import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '@mllr/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';
import { fileHashes, readJson, runInOwnProcessGroup, sha256, withoutTimings } from './support/run-folder.js';

// Two promises of the run folder end to end: a finished run extended with another seed keeps every result it had,
// byte for byte, and adds the new runs with the results a fresh run of the larger config has; and a stop (Ctrl-C)
// in the first fine-tuning runs, before any periodic checkpoint, loses no training: the rerun goes on from where
// the stop saved and ends with the results of a run that never stopped. Both start from one uninterrupted 1-seed
// run: the first extends it, the second holds the stopped run to a pristine copy of it.
const CONFIG = `# Small: a full run takes ~20 s on a quiet machine.
seed: 77
engine: { workers: 2 }
data: { eval_size: 12, probe: { size: 40 } }
proxy: { name: noise, options: { repeats: 1 } }
search: { name: greedy, options: { maxModules: 3 } }
strategies:
  - { id: uniform, schedule: uniform }
  - { id: ml-lr, schedule: ml-lr }
training: { steps: 12, batch_size: 8, checkpoint_every: 8 }
`;

const events = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as RunEvent);
const logs = (list: RunEvent[]) => list.flatMap((e) => (e.type === 'log' ? [e.message] : []));
const skipped = (list: RunEvent[]) => list.flatMap((e) => (e.type === 'stage' && e.status === 'skip' ? [e.stage] : []));

/** Runs `mllr …` in its own process group and sends the group SIGINT (a terminal's Ctrl-C) once `when` holds. */
function runUntilInterrupted(
  args: string[],
  when: (event: RunEvent) => boolean,
): Promise<{ code: number | null; events: RunEvent[] }> {
  let sent = false;
  return runInOwnProcessGroup(args, (event, signalGroup) => {
    if (!sent && when(event)) sent = signalGroup('SIGINT');
  });
}

describe('a run folder extended and stopped', () => {
  let dir: string;
  let config: string;
  /** A finished uninterrupted 1-seed run: the first test extends it in place. */
  let oneSeed: string;
  /** A copy of `oneSeed` made before any test touched it: the uninterrupted run the stopped run must equal. */
  let uninterrupted: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mllr-extend-'));
    config = join(dir, 'small.yaml');
    writeFileSync(config, CONFIG);
    oneSeed = join(dir, 'extended');
    const first = await runMllr(['run', '--json', '--config', config, '--out', oneSeed]);
    expect(first.code, first.stderr).toBe(0);
    uninterrupted = join(dir, 'uninterrupted');
    cpSync(oneSeed, uninterrupted, { recursive: true });
  });

  it('extends a finished 1-seed run to 2 seeds: finished results stay byte-identical, new runs equal a fresh 2-seed run', async () => {
    const fresh = join(dir, 'fresh');
    const freshRun = await runMllr(['run', '--json', '--config', config, '--out', fresh, '--seeds', '2']);
    expect(freshRun.code, freshRun.stderr).toBe(0);

    const out = oneSeed;
    const before = fileHashes(out);
    const evalBefore = readJson(out, 'eval.json');
    expect(Object.keys(evalBefore)).toEqual(['base', 'uniform', 'ml-lr']);

    const extended = await runMllr(['run', '--json', '--config', config, '--out', out, '--seeds', '2']);
    expect(extended.code, extended.stderr).toBe(0);
    const extendedEvents = events(extended.stdout);
    const messages = logs(extendedEvents);
    expect(messages).toContain(
      `extending the finished run in ${out} (seeds 1 → 2): stages whose inputs did not change are skipped, finished runs are kept`,
    );
    expect(skipped(extendedEvents)).toEqual(['base', 'proxy', 'robustness']);
    for (const kept of [
      'uniform: finished before, kept',
      'ml-lr: finished before, kept',
      'base: evaluated before, kept',
      'uniform: evaluated before, kept',
      'ml-lr: evaluated before, kept',
    ]) {
      expect(messages).toContain(kept);
    }
    expect(messages).toContain('fine-tuning 2 runs on 2 worker processes');

    // Every per-run artifact of the finished run is byte-identical: fine-tuning records, models, curves, generations.
    const after = fileHashes(out);
    const perRun = [...before.keys()].filter(
      (f) => /^(ift|models|eval)\//.test(f) || ['base.json', 'proxy.json', 'robustness.json'].includes(f),
    );
    expect(perRun.filter((f) => f.startsWith('models/')).length).toBeGreaterThan(0);
    for (const file of perRun) expect(after.get(file), file).toBe(before.get(file));
    const evalAfter = readJson(out, 'eval.json');
    for (const id of ['base', 'uniform', 'ml-lr']) expect(evalAfter[id]).toEqual(evalBefore[id]);
    // The new runs were added, and the regenerated summary equals a fresh 2-seed run's (the search draws each
    // control's set per seed, so equal sets mean the extension trained exactly what a fresh run trains).
    for (const run of ['uniform#2', 'ml-lr#2']) {
      expect(after.get(`models/${run}/model.safetensors`), run).toBe(
        sha256(join(fresh, `models/${run}/model.safetensors`)),
      );
      expect(readJson(out, `ift/${run}.json`).curve).toEqual(readJson(fresh, `ift/${run}.json`).curve);
    }
    expect(Object.keys(evalAfter)).toEqual(['base', 'uniform', 'ml-lr', 'uniform#2', 'ml-lr#2']);
    expect(withoutTimings(readJson(out, 'summary.json'))).toEqual(withoutTimings(readJson(fresh, 'summary.json')));
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('repeated under 2 seeds');

    // Nothing left to add: the finished run is not run again.
    const again = await runMllr(['run', '--json', '--config', config, '--out', out, '--seeds', '2']);
    expect(again.code).toBe(2);
    expect(again.stdout + again.stderr).toMatch(/RUN_FINISHED|never overwritten/);
  }, 900_000);

  it('checkpoints fine-tuning on Ctrl-C before any periodic checkpoint; the rerun goes on from there and equals an uninterrupted run', async () => {
    const reference = uninterrupted;
    const out = join(dir, 'stopped');
    const args = ['run', '--json', '--config', config, '--out', out];
    // 2 of the 24 steps of the two runs done: both are in their first 8 steps, before the periodic checkpoint.
    const stopped = await runUntilInterrupted(args, (e) => e.type === 'progress' && e.stage === 'ift' && e.done >= 2);
    expect(stopped.code).toBe(130);
    const saves = logs(stopped.events).flatMap((m) => {
      const hit = /^(uniform|ml-lr): stopped after (\d+) of 12 steps; checkpoint saved/.exec(m);
      return hit ? [{ run: hit[1]!, step: Number(hit[2]) }] : [];
    });
    expect(saves.length, logs(stopped.events).join('\n')).toBeGreaterThan(0);
    for (const { run, step } of saves) {
      expect(step).toBeGreaterThan(0);
      expect(step).toBeLessThan(8);
      expect(readdirSync(join(out, 'models', run, 'checkpoint'))).toEqual([`step-${String(step).padStart(8, '0')}`]);
    }

    const resumed = await runMllr(args);
    expect(resumed.code, resumed.stderr).toBe(0);
    const resumedLogs = logs(events(resumed.stdout));
    for (const { run, step } of saves)
      expect(resumedLogs).toContain(`${run}: resumed from the checkpoint after step ${step} of 12`);

    expect(withoutTimings(readJson(out, 'summary.json'))).toEqual(withoutTimings(readJson(reference, 'summary.json')));
    for (const run of ['uniform', 'ml-lr']) {
      expect(readJson(out, `ift/${run}.json`).curve).toEqual(readJson(reference, `ift/${run}.json`).curve);
      expect(sha256(join(out, `models/${run}/model.safetensors`))).toBe(
        sha256(join(reference, `models/${run}/model.safetensors`)),
      );
      expect(existsSync(join(out, 'models', run, 'checkpoint'))).toBe(false);
    }
  }, 900_000);
});
