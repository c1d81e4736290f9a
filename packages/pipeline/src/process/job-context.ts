import { StoppedError, type DependencyContainer, type RunConfig, type RunStore, type StageContext } from '@mllr/core';
import type { RelayedCall } from './job-protocol.js';

/** Where a job's events go: relayed StageContext calls, and the job's own progress. */
export interface JobSink {
  call(method: RelayedCall, args: unknown[]): void;
  progress(done: number, total: number, label?: string): void;
}

/** What a job context is built on: the stage's identity and services, in whichever process the job runs. */
export interface JobContextBase {
  stage: string;
  config: RunConfig;
  store: RunStore;
  container: DependencyContainer;
  signal: AbortSignal;
  resumeKey?: string;
}

/**
 * The StageContext a job sees. It is the same whether the job runs in the stage's process or in a worker, so a job
 * computes the same thing either way; only its progress is its own (the stage adds the jobs' progress up).
 */
export function jobContext(base: JobContextBase, sink: JobSink): StageContext {
  return {
    stage: base.stage,
    config: base.config,
    store: base.store,
    container: base.container,
    signal: base.signal,
    ...(base.resumeKey !== undefined ? { resumeKey: base.resumeKey } : {}),
    throwIfStopped() {
      if (base.signal.aborted) throw new StoppedError();
    },
    progress: (done, total, options) => sink.progress(done, total, options?.label),
    metric: (...args) => sink.call('metric', args),
    log: (...args) => sink.call('log', args),
    emit: (...args) => sink.call('emit', args),
  };
}
