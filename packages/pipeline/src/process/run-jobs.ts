import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MllrError, StoppedError, type SerializedError, type StageContext } from '@mllr/core';
import { withScope } from '../plugins/composition-root.js';
import { jobContext } from './job-context.js';
import type { FromWorker, JobHandlers, JobWorkerInit, RelayedCall, ToWorker } from './job-protocol.js';

/** How a stage fans out its jobs. */
export interface RunJobsOptions {
  context: StageContext;
  /** Job kind, a key of the handlers. */
  kind: string;
  payloads: readonly unknown[];
  /** Worker processes; 1 (or a single job) runs every job here, in order, on `local`. */
  workers: number;
  /** This stage set's handlers in this process: used when the jobs run here. */
  local: () => JobHandlers;
  /** What workers are started with (`handlers` names the module that builds the same handlers there). */
  init: Omit<JobWorkerInit, 'stage' | 'config' | 'resumeKey'>;
  /** A job's progress (its own done/total), as it reports it. */
  onProgress?: (job: number, done: number, total: number, label?: string) => void;
  /** A job's result, as it arrives (jobs finish in any order across workers). */
  onResult?: (job: number, result: unknown) => void | Promise<void>;
}

const STDERR_TAIL_BYTES = 4096;
// Sources run under tsx (tests); the built package runs its compiled worker.
const WORKER_ENTRY = fileURLToPath(
  new URL(`./job-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);
const WORKER_EXEC_ARGV = import.meta.url.endsWith('.ts') ? ['--import', 'tsx'] : [];

/**
 * Runs independent jobs of one stage and returns their results in job order. With more than one worker each job
 * runs in a child process (one per core by default); every job computes the same thing wherever it runs, so the
 * results equal those of the serial run. A failed job fails the stage; a stop request stops every worker, and the
 * stage ends only once each has reported (a job stopped half-way checkpoints first; one that finished is kept).
 */
export async function runJobs(options: RunJobsOptions): Promise<unknown[]> {
  const workers = Math.min(options.workers, options.payloads.length);
  if (workers <= 1) return runHere(options);
  return runInWorkers(options, workers);
}

async function runHere(options: RunJobsOptions): Promise<unknown[]> {
  const { context } = options;
  const jobs = options.local();
  const results: unknown[] = [];
  try {
    const handler = jobs.handlers[options.kind];
    if (!handler) throw new MllrError('INTERNAL', `no job handler "${options.kind}"`);
    for (const [job, payload] of options.payloads.entries()) {
      context.throwIfStopped();
      const sink = {
        call: (method: RelayedCall, args: unknown[]) => relay(context, method, args),
        progress: (done: number, total: number, label?: string) => options.onProgress?.(job, done, total, label),
      };
      // Each job in its own scope, as in a worker: what the job owned is disposed when it ends.
      const result = await withScope(context.container, (scope) =>
        handler(payload, jobContext({ ...context, container: scope }, sink)),
      );
      results.push(result);
      await options.onResult?.(job, result);
    }
  } finally {
    await jobs.dispose?.();
  }
  return results;
}

function relay(context: StageContext, method: RelayedCall, args: unknown[]): void {
  (context[method] as (...a: unknown[]) => void)(...args);
}

function runInWorkers(options: RunJobsOptions, count: number): Promise<unknown[]> {
  const { context } = options;
  const init: JobWorkerInit = {
    ...options.init,
    stage: context.stage,
    config: context.config,
    ...(context.resumeKey !== undefined ? { resumeKey: context.resumeKey } : {}),
  };
  return new Promise((resolve, reject) => {
    const results: unknown[] = new Array(options.payloads.length);
    const children: ChildProcess[] = [];
    // Workers let go because no job was left: their exit is expected.
    const retired = new Set<ChildProcess>();
    // Workers with a job in flight, and the first stop a worker reported.
    const busy = new Set<ChildProcess>();
    let stopped: StoppedError | undefined;
    let next = 0;
    let finished = 0;
    let settled = false;
    let pending = Promise.resolve();

    const end = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      context.signal.removeEventListener('abort', onAbort);
      for (const child of children) {
        retired.add(child);
        if (error) child.kill('SIGKILL');
        else if (child.connected) child.disconnect();
      }
      if (error) reject(error);
      else pending.then(() => resolve(results), reject);
    };
    const onAbort = (): void => {
      for (const child of children) if (child.connected) child.send({ type: 'stop' } satisfies ToWorker);
    };
    context.signal.addEventListener('abort', onAbort);

    const retire = (child: ChildProcess): void => {
      retired.add(child);
      if (child.connected) child.disconnect();
    };
    // After a stop: once no worker is busy, the stage stops (after the results that did arrive are handed on).
    const endWhenStopped = (): void => {
      if (busy.size === 0) pending.then(() => end(stopped ?? new StoppedError()), end);
    };
    const give = (child: ChildProcess): void => {
      if (settled) return;
      if (next >= options.payloads.length || context.signal.aborted) {
        retire(child);
        if (context.signal.aborted) endWhenStopped();
        return;
      }
      const job = next++;
      busy.add(child);
      child.send({ type: 'job', job, kind: options.kind, payload: options.payloads[job] } satisfies ToWorker);
    };

    for (let i = 0; i < count; i++) {
      const child = fork(WORKER_ENTRY, [], {
        stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
        execArgv: WORKER_EXEC_ARGV,
        serialization: 'advanced',
      });
      children.push(child);
      let stderrTail = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
      });
      child.on('message', (message: FromWorker) => {
        if (settled) return;
        switch (message.type) {
          case 'call':
            return relay(context, message.method, message.args);
          case 'progress':
            return options.onProgress?.(message.job, message.done, message.total, message.label);
          case 'done': {
            busy.delete(child);
            results[message.job] = message.result;
            // Results are handed on one at a time, in arrival order, so a caller's writes never interleave.
            pending = pending.then(() => options.onResult?.(message.job, message.result));
            pending.catch(end);
            finished++;
            if (finished === options.payloads.length) end();
            else give(child);
            return;
          }
          case 'failed': {
            busy.delete(child);
            const error = workerError(message.error);
            if (!(error instanceof StoppedError) || !context.signal.aborted) return end(error);
            // Other workers may still be saving their checkpoints: let them report before the stage ends.
            stopped ??= error;
            retire(child);
            return endWhenStopped();
          }
        }
      });
      child.on('error', (error) =>
        end(new MllrError('ENGINE_CRASHED', `a ${context.stage} worker could not start: ${error.message}`)),
      );
      child.on('exit', (code, signal) => {
        if (settled || retired.has(child)) return;
        const tail = stderrTail.trim() ? `\n${stderrTail.trim()}` : '';
        end(
          new MllrError(
            'ENGINE_CRASHED',
            `a ${context.stage} worker ended unexpectedly (${signal ?? `exit code ${code}`})${tail}`,
          ),
        );
      });
      child.send({ type: 'init', init } satisfies ToWorker);
      give(child);
    }
    if (context.signal.aborted) onAbort();
  });
}

function workerError(error: SerializedError): MllrError {
  return error.code === 'STOPPED' ? new StoppedError(error.message) : MllrError.fromJSON(error);
}
