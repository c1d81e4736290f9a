import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllrError, RunConfigSchema, StoppedError, resourceScope, rootContainer, type StageContext } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { createRunContainer } from '../plugins/composition-root.js';
import { FsRunStore } from '../run/fs-run-store.js';
import { createJobHandlers } from '../test-fixtures/square-jobs.js';
import type { JobHandlers } from './job-protocol.js';
import { runJobs, type RunJobsOptions } from './run-jobs.js';

const HANDLERS = new URL('../test-fixtures/square-jobs.ts', import.meta.url).href;

function stage(controller = new AbortController()) {
  const calls: Array<[string, unknown[]]> = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push([name, args]);
  const context: StageContext = {
    stage: 'squares',
    config: RunConfigSchema.parse({ seed: 77 }),
    store: new FsRunStore(mkdtempSync(join(tmpdir(), 'mllr-jobs-'))),
    container: rootContainer.createChildContainer(),
    signal: controller.signal,
    throwIfStopped: () => {
      if (controller.signal.aborted) throw new StoppedError();
    },
    progress: record('progress'),
    metric: record('metric'),
    log: record('log'),
    emit: record('emit'),
  };
  return { context, calls, controller };
}

function options(context: StageContext, kind: string, payloads: unknown[], workers: number): RunJobsOptions {
  return {
    context,
    kind,
    payloads,
    workers,
    local: () =>
      createJobHandlers({ config: context.config, container: context.container, configDir: '.', threads: 2 }),
    init: { handlers: HANDLERS, configDir: '.', runDir: context.store.dir, threads: 1 },
  };
}

const payloads = [1, 2, 3, 4, 5].map((n) => ({ n }));

describe('runJobs', () => {
  it('runs every job here, in order, with one worker', async () => {
    const { context, calls } = stage();
    const results = (await runJobs(options(context, 'square', payloads, 1))) as Array<{ square: number; pid: number }>;
    expect(results.map((r) => r.square)).toEqual([1, 4, 9, 16, 25]);
    expect(new Set(results.map((r) => r.pid))).toEqual(new Set([process.pid]));
    expect(calls.filter(([name]) => name === 'metric').map(([, args]) => args[1])).toEqual([1, 4, 9, 16, 25]);
  });

  it('fans jobs out over worker processes and returns the same results in job order, relaying their events', async () => {
    const { context, calls } = stage();
    const progress: Array<[number, number, number, string | undefined]> = [];
    const arrived: number[] = [];
    const results = (await runJobs({
      ...options(context, 'square', payloads, 2),
      onProgress: (job, done, total, label) => progress.push([job, done, total, label]),
      onResult: (job) => void arrived.push(job),
    })) as Array<{ n: number; square: number; pid: number; threads: number; seed: number }>;
    expect(results.map((r) => r.square)).toEqual([1, 4, 9, 16, 25]);
    const pids = new Set(results.map((r) => r.pid));
    expect(pids.has(process.pid)).toBe(false);
    expect(pids.size).toBe(2);
    // Workers rebuild the run's config and get their share of the threads.
    expect(results.every((r) => r.seed === 77 && r.threads === 1)).toBe(true);
    expect([...arrived].sort()).toEqual([0, 1, 2, 3, 4]);
    expect(
      progress
        .filter(([, done]) => done === 2)
        .map(([job]) => job)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    expect(progress.find(([job]) => job === 3)).toEqual([3, 1, 2, 'n=4']);
    const metrics = calls.filter(([name]) => name === 'metric').map(([, args]) => args);
    expect(metrics.map((a) => a[1]).sort((a, b) => Number(a) - Number(b))).toEqual([1, 4, 9, 16, 25]);
    expect(metrics.find((a) => a[1] === 9)).toEqual(['square', 9, { series: 'n=3' }]);
    expect(calls.some(([name, args]) => name === 'log' && args[0] === 'squared 5 with 1 thread(s)')).toBe(true);
  });

  it("fails with the job's own error, code and message kept", async () => {
    const { context } = stage();
    const error = await runJobs(options(context, 'fail', payloads, 2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MllrError);
    expect((error as MllrError).code).toBe('DATA_INVALID');
    expect((error as MllrError).message).toMatch(/^job \d found bad data$/);
  });

  it('turns a worker that dies into ENGINE_CRASHED with the end of its stderr', async () => {
    const { context } = stage();
    const error = (await runJobs(options(context, 'crash', payloads, 2)).catch((e: unknown) => e)) as MllrError;
    expect(error.code).toBe('ENGINE_CRASHED');
    expect(error.message).toContain('a squares worker ended unexpectedly (exit code 3)');
    expect(error.message).toContain('about to crash');
  });

  it('stops every worker at its next safe point when the stage is asked to stop', async () => {
    const { context, controller } = stage();
    const running = runJobs(options(context, 'slow', payloads, 2)).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 1500);
    expect(await running).toBeInstanceOf(StoppedError);
  });

  it('on a stop, waits for every worker to finish saving before the stage stops', async () => {
    const { context, controller } = stage();
    const running = runJobs(
      options(
        context,
        'save-on-stop',
        [1, 2, 6].map((n) => ({ n })),
        3,
      ),
    ).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 1500);
    expect(await running).toBeInstanceOf(StoppedError);
    // The job that saved fastest reported first; the slower ones were not killed half-way.
    for (const n of [1, 2, 6]) expect(existsSync(join(context.store.dir, `saved-${n}`)), `saved-${n}`).toBe(true);
  });

  it("disposes what a job's scope owns when that job ends, before the next one starts, and when it fails", async () => {
    const { context } = stage();
    const { container } = createRunContainer({ config: context.config, catalog: BUILTIN_PLUGINS, configDir: '.' });
    const log: string[] = [];
    const owning: JobHandlers = {
      handlers: {
        async own(payload, job) {
          const { n } = payload as { n: number };
          resourceScope(job.container).own({ dispose: async () => void log.push(`dispose ${n}`) });
          log.push(`job ${n}`);
          if (n === 2) throw new Error('job 2 broke');
          return n;
        },
      },
    };
    const running = runJobs({ ...options({ ...context, container }, 'own', payloads, 1), local: () => owning });
    await expect(running).rejects.toThrow('job 2 broke');
    expect(log).toEqual(['job 1', 'dispose 1', 'job 2', 'dispose 2']);
  });
});
