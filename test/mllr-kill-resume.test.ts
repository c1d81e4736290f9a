import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEMP_PREFIX, createRng, type RunEvent } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { runMllr } from './mllr-cli.js';
import { filesUnder, readJson, runInOwnProcessGroup, sha256, withoutTimings } from './support/run-folder.js';

// Crash safety end to end: `mllr run` SIGKILLed (with its engine and worker processes: the whole process group, as
// a power cut or the OOM killer would) at 5 seeded random points, rerun on the same folder after each kill, must
// end with the results of a run that was never interrupted. Only summary.json's `timings_s` may differ: those are
// wall-clock seconds of each stage's last attempt, which no two runs share.
const CONFIG = `# Small enough that a full run takes ~20 s, with every stage and several training checkpoints.
seed: 77
engine: { workers: 1 }
data: { eval_size: 12, probe: { size: 40 } }
proxy: { name: noise, options: { repeats: 1 } }
search: { name: greedy, options: { maxModules: 3 } }
strategies:
  - { id: uniform, schedule: uniform }
  - { id: ml-lr, schedule: ml-lr }
training: { steps: 12, batch_size: 8, checkpoint_every: 4 }
`;
const STAGES = ['base', 'proxy', 'robustness', 'search', 'ift', 'eval', 'report'];
const KILL_SEED = 20_251;
const KILLS = 5;

/** A point of the run to kill at: the first event at or past `done` of `stage`'s progress (0: its start). */
interface KillPoint {
  stage: string;
  done: number;
  /** Extra wait after that event, so the kill lands inside a step or a write rather than at the event. */
  delayMs: number;
}

/** How far into the pipeline an event is, comparable across attempts that resume part-way. */
function position(event: RunEvent): [number, number] | undefined {
  if (!('stage' in event) || typeof event.stage !== 'string') return undefined;
  const stage = STAGES.indexOf(event.stage);
  if (stage < 0) return undefined;
  return [stage, event.type === 'progress' ? event.done : 0];
}

/** Runs `mllr run --json` in its own process group and SIGKILLs the group once `at` is reached. */
async function runUntilKilled(
  args: string[],
  at: KillPoint,
): Promise<{ killed: boolean; code: number | null; events: RunEvent[] }> {
  let armed = false;
  let killed = false;
  const target: [number, number] = [STAGES.indexOf(at.stage), at.done];
  const { code, events } = await runInOwnProcessGroup(args, (event, signalGroup) => {
    const p = position(event);
    if (armed || !p || p[0] < target[0] || (p[0] === target[0] && p[1] < target[1])) return;
    armed = true;
    setTimeout(() => (killed = signalGroup('SIGKILL')), at.delayMs);
  });
  return { killed, code, events };
}

/** Problems a run folder must never have after a kill: an artifact that is cut short, or a record naming a missing one. */
function halfWrittenArtifacts(dir: string): string[] {
  const problems: string[] = [];
  for (const file of filesUnder(dir)) {
    if (file.split('/').some((part) => part.startsWith(TEMP_PREFIX))) continue; // temp files: swept on resume
    if (file === 'events.jsonl') continue; // an append-only log, one write per line
    if (file.endsWith('.json')) {
      try {
        JSON.parse(readFileSync(join(dir, file), 'utf8'));
      } catch {
        problems.push(`${file} is not complete JSON`);
      }
    }
  }
  for (const record of filesUnder(dir).filter((f) => /^stages\/[^/]+\.json$/.test(f))) {
    const { artifacts } = JSON.parse(readFileSync(join(dir, record), 'utf8')) as { artifacts: string[] };
    for (const artifact of artifacts)
      if (!filesUnder(dir).includes(artifact)) problems.push(`${record} lists ${artifact}, which is missing`);
  }
  return problems;
}

describe('mllr run killed at random points', () => {
  it(`is SIGKILLed at ${KILLS} seeded random points, resumed each time, and ends with the results of an uninterrupted run`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-kill-'));
    const config = join(dir, 'small.yaml');
    writeFileSync(config, CONFIG);

    const reference = join(dir, 'reference');
    const uninterrupted = await runMllr(['run', '--json', '--config', config, '--out', reference]);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);

    // The kill points, drawn by a seeded generator: 4 spread over the uninterrupted run's time (one in each quarter,
    // so every long stage can be hit), and 1 always mid-training; each is the last stage start or progress event at
    // that time, plus a random delay so the kill lands inside a step or a write rather than at the event.
    const candidates = uninterrupted.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent)
      .filter((e) => (e.type === 'progress' || (e.type === 'stage' && e.status === 'start')) && e.stage !== 'report');
    const rng = createRng(KILL_SEED);
    const first = candidates[0]!.time;
    const span = candidates.at(-1)!.time - first;
    const chosen = [0, 1, 2, 3].map((quarter) => {
      const t = first + ((quarter + rng.next()) / 4) * span;
      return candidates.filter((e) => e.time <= t).at(-1)!;
    });
    // Past a run's first checkpoint (every 4 of its 12 steps), so the next attempt must resume training from one.
    const training = candidates.filter(
      (e) => e.type === 'progress' && e.stage === 'ift' && e.done < e.total && e.done % 12 > 4,
    );
    chosen.push(training[rng.int(training.length)]!);
    const plan: KillPoint[] = chosen
      .map((event) => position(event)!)
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([stage, done]) => ({ stage: STAGES[stage]!, done, delayMs: rng.int(400) }));
    console.log(`kill plan: ${plan.map((p) => `${p.stage}@${p.done}+${p.delayMs}ms`).join(', ')}`);
    expect(
      plan.some((p) => p.stage === 'ift' && p.done > 0),
      'one kill lands mid-training',
    ).toBe(true);

    const out = join(dir, 'killed');
    const args = ['run', '--json', '--config', config, '--out', out];
    const logs: string[] = [];
    for (const [i, point] of plan.entries()) {
      const attempt = await runUntilKilled(args, point);
      for (const e of attempt.events) if (e.type === 'log') logs.push(e.message);
      const last = attempt.events.at(-1);
      const errors = attempt.events.filter((e) => e.type === 'error');
      console.log(
        `kill ${i + 1}: at ${point.stage}@${point.done}+${point.delayMs}ms, ${attempt.events.length} events, last: ${JSON.stringify(last).slice(0, 120)}`,
      );
      expect(errors).toEqual([]);
      expect(attempt.killed, `kill ${i + 1} came before the run ended`).toBe(true);
      expect(attempt.code).toBeNull();
      expect(halfWrittenArtifacts(out)).toEqual([]);
    }
    const resumed = await runMllr(args);
    expect(resumed.code, resumed.stderr).toBe(0);
    const resumedEvents = resumed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent);
    for (const e of resumedEvents) if (e.type === 'log') logs.push(e.message);
    const trainingResumes = logs.filter((m) => /: resumed from the checkpoint after step \d+ of 12$/.test(m));
    console.log(`training resumed from checkpoints: ${trainingResumes.join('; ')}`);
    expect(trainingResumes.length).toBeGreaterThan(0);
    console.log(
      `final rerun: ${resumedEvents
        .filter((e) => e.type === 'stage' && e.status === 'skip')
        .map((e) => ('stage' in e ? e.stage : ''))
        .join(', ')} skipped`,
    );

    // summary.json: identical except the wall-clock timings (same stages timed, though).
    const summary = readJson(out, 'summary.json');
    const expected = readJson(reference, 'summary.json');
    expect(withoutTimings(summary)).toEqual(withoutTimings(expected));
    expect(Object.keys(summary.timings_s)).toEqual(Object.keys(expected.timings_s));
    // The evaluation, the loss curves and the fine-tuned weights too.
    expect(readJson(out, 'eval.json')).toEqual(readJson(reference, 'eval.json'));
    for (const run of ['uniform', 'ml-lr']) {
      expect(readJson(out, `ift/${run}.json`).curve).toEqual(readJson(reference, `ift/${run}.json`).curve);
      expect(readJson(out, `models/${run}/training_curve.json`)).toEqual(
        readJson(reference, `models/${run}/training_curve.json`),
      );
      expect(sha256(join(out, `models/${run}/model.safetensors`))).toBe(
        sha256(join(reference, `models/${run}/model.safetensors`)),
      );
    }
    // Nothing half-written or temporary is left, and no training checkpoint outlives its finished run.
    expect(halfWrittenArtifacts(out)).toEqual([]);
    expect(filesUnder(out).filter((f) => f.includes(TEMP_PREFIX) || f.includes('/checkpoint/'))).toEqual([]);
    expect(filesUnder(out).filter((f) => f !== 'events.jsonl' && f !== 'run.json')).toEqual(
      filesUnder(reference).filter((f) => f !== 'events.jsonl' && f !== 'run.json'),
    );
  }, 900_000);
});
