import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunEvent } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { startRun, type RunHandle } from './start-run.js';

const entry = resolve(import.meta.dirname, '../../dist/process/engine-process.js');
const twoStage = resolve(import.meta.dirname, '../test-fixtures/two-stage.mjs');

function testConfig(options: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mllr-fork-'));
  const file = join(dir, 'two-stage.yaml');
  writeFileSync(file, `stages:\n  module: ${JSON.stringify(twoStage)}\n  options: ${JSON.stringify(options)}\n`);
  return file;
}

function run(configFile: string, outDir: string, until?: (e: RunEvent, handle: RunHandle) => void) {
  const events: RunEvent[] = [];
  const handle = startRun(
    { configFile, outDir },
    (e) => {
      events.push(e);
      until?.(e, handle);
    },
    { entry },
  );
  return { events, handle, result: handle.result };
}

const stageLine = (e: RunEvent) => (e.type === 'stage' ? `${e.stage}:${e.status}` : undefined);

describe('startRun (engine child process)', () => {
  it('runs a two-stage pipeline in a forked child and streams its events in order', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mllr-out-')), 'run');
    const { events, handle, result } = run(testConfig({ steps: 3 }), out);
    expect(handle.pid).not.toBe(process.pid);
    expect(await result).toEqual({ exitCode: 0 });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type !== 'progress').map((e) => stageLine(e) ?? e.type)).toEqual([
      'run',
      'alpha:start',
      'metric',
      'log',
      'artifact',
      'alpha:done',
      'beta:start',
      'metric',
      'log',
      'artifact',
      'beta:done',
      'run',
    ]);
    // Progress is throttled, but each stage's updates arrive between its start and done, rising to the total.
    for (const stage of ['alpha', 'beta']) {
      const start = events.findIndex((e) => stageLine(e) === `${stage}:start`);
      const done = events.findIndex((e) => stageLine(e) === `${stage}:done`);
      const progress = events.flatMap((e, i) =>
        e.type === 'progress' && e.stage === stage ? [{ i, done: e.done }] : [],
      );
      expect(progress[0]!.done).toBe(1);
      expect(progress.at(-1)!.done).toBe(3);
      expect(progress.every((p, k) => p.i > start && p.i < done && (k === 0 || p.done > progress[k - 1]!.done))).toBe(
        true,
      );
    }
    expect(JSON.parse(readFileSync(join(out, 'beta.json'), 'utf8'))).toEqual({ stage: 'beta', total: 6 });
    // The event log on disk is the same stream.
    const logged = readFileSync(join(out, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent);
    expect(logged).toEqual(events);
  });

  it('resumes at the stage the child was killed in', async () => {
    const config = testConfig({ steps: 10, delay_ms: 30 });
    const out = join(mkdtempSync(join(tmpdir(), 'mllr-out-')), 'run');
    const first = run(config, out, (e, h) => {
      if (e.type === 'progress' && e.stage === 'beta' && e.done >= 2) h.kill('SIGKILL');
    });
    const killed = await first.result;
    expect(killed.exitCode).toBe(1);
    expect(killed.error).toMatchObject({
      code: 'ENGINE_CRASHED',
      message: expect.stringContaining('was killed by SIGKILL'),
    });
    expect(first.events.map(stageLine).filter(Boolean)).toEqual(['alpha:start', 'alpha:done', 'beta:start']);

    const second = run(config, out);
    expect(await second.result).toEqual({ exitCode: 0 });
    expect(second.events.map(stageLine).filter(Boolean)).toEqual(['alpha:skip', 'beta:start', 'beta:done']);
    expect(JSON.parse(readFileSync(join(out, 'beta.json'), 'utf8'))).toEqual({ stage: 'beta', total: 20 });
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status).toBe('finished');
  });

  it('stops at a safe point when asked, with exit code 130, and resumes after', async () => {
    const config = testConfig({ steps: 10, delay_ms: 20 });
    const out = join(mkdtempSync(join(tmpdir(), 'mllr-out-')), 'run');
    let asked = false;
    const first = run(config, out, (e, h) => {
      if (!asked && e.type === 'progress' && e.stage === 'alpha' && e.done >= 3) {
        asked = true;
        h.stop();
      }
    });
    const stopped = await first.result;
    expect(stopped).toMatchObject({ exitCode: 130, error: { code: 'STOPPED' } });
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status).toBe('stopped');
    const second = run(config, out);
    expect(await second.result).toEqual({ exitCode: 0 });
    expect(second.events.map(stageLine).filter(Boolean)).toEqual([
      'alpha:start',
      'alpha:done',
      'beta:start',
      'beta:done',
    ]);
  });

  it('reports a child that exits without finishing, with its last output, instead of hanging', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mllr-out-')), 'run');
    const { result, events } = run(testConfig({ steps: 3, crash_in: 'beta' }), out);
    const outcome = await result;
    expect(outcome.exitCode).toBe(1);
    expect(outcome.error?.message).toBe(
      'the engine process exited with code 3 before the run ended; its last output:\nfixture: beta crashing on purpose',
    );
    expect(
      events.some((e) => e.type === 'log' && e.level === 'warn' && e.message === 'fixture: beta crashing on purpose'),
    ).toBe(true);
  });

  it('reports an uncaught exception in the child with its message and ends the child', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'mllr-out-')), 'run');
    const { result } = run(testConfig({ steps: 3, throw_async_in: 'alpha' }), out);
    expect(await result).toEqual({
      exitCode: 1,
      error: { code: 'INTERNAL', message: 'engine process crashed: alpha threw asynchronously', details: [] },
    });
  });

  it('reports bad input from the child with exit code 2 and every problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-fork-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'seed: x\nsearch: gredy\n');
    const { result } = run(file, join(dir, 'run'));
    const outcome = await result;
    expect(outcome.exitCode).toBe(2);
    expect(outcome.error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(outcome.error?.details?.map((d) => d.where)).toEqual([`${file}:1:7 seed`, `${file}:2:9 search`]);
  });

  it('reports a model folder that does not exist before the run folder is made, with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-fork-'));
    const file = join(dir, 'missing-model.yaml');
    writeFileSync(file, 'model: { path: ./no-such-model }\n');
    const { result, events } = run(file, join(dir, 'run'));
    const outcome = await result;
    expect(outcome.exitCode).toBe(2);
    expect(outcome.error?.code).toBe('CHECKPOINT_INVALID');
    expect(outcome.error?.details).toEqual([
      { where: `${file}:1:16 model.path`, message: `the model folder ${join(dir, 'no-such-model')} does not exist` },
    ]);
    expect(events.filter((e) => e.type === 'stage')).toEqual([]);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });

  it('lists a wrong model path, an unknown preset and a missing data file together, and makes no run folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-fork-'));
    const file = join(dir, 'bad-inputs.yaml');
    writeFileSync(join(dir, 'ift.json'), JSON.stringify([{ instruction: 'i', output: 'o' }]));
    writeFileSync(
      file,
      [
        'model: { path: ./no-such-model }',
        'data:',
        '  dir: .',
        '  ift: { path: ift.json, preset: alpacca }',
        '  benign_eval: [{ path: gone.jsonl }]',
        '',
      ].join('\n'),
    );
    const { result, events } = run(file, join(dir, 'run'));
    const outcome = await result;
    expect(outcome.exitCode).toBe(2);
    expect(outcome.error).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `config ${file} has 3 problems found before the run started (no run folder was made):`,
    });
    expect(outcome.error?.details?.map((d) => `${d.where}: ${d.message}`)).toEqual([
      `${file}:1:16 model.path: the model folder ${join(dir, 'no-such-model')} does not exist`,
      expect.stringMatching(
        new RegExp(`^${file}:4:8 data\\.ift: .*ift\\.json: unknown preset "alpacca"; known presets: `),
      ),
      `${file}:5:17 data.benign_eval[0]: ${join(dir, 'gone.jsonl')}: file not found`,
    ]);
    expect(events.filter((e) => e.type === 'stage')).toEqual([]);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });
});
