// Entry point of a job worker: a child of the engine process that runs independent jobs of one stage (module probes,
// fine-tuning runs) so that they use every core. tfjs's wasm backend is single-threaded and native addons fail in
// worker_threads, hence processes.
import { toMllrError } from '@mllr/core';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { createRunContainer, withScope } from '../plugins/composition-root.js';
import { FsRunStore } from '../run/fs-run-store.js';
import { jobContext, type JobContextBase, type JobSink } from './job-context.js';
import type { FromWorker, JobHandlerModule, JobHandlers, JobWorkerInit, ToWorker } from './job-protocol.js';

const controller = new AbortController();
let ready: Promise<{ base: JobContextBase; jobs: JobHandlers }> | undefined;

function send(message: FromWorker): void {
  if (process.connected && process.send) process.send(message);
}

async function setUp(init: JobWorkerInit): Promise<{ base: JobContextBase; jobs: JobHandlers }> {
  const store = new FsRunStore(init.runDir);
  const { container } = createRunContainer({
    config: init.config,
    store,
    catalog: BUILTIN_PLUGINS,
    configDir: init.configDir,
  });
  const module = (await import(init.handlers)) as JobHandlerModule;
  const jobs = module.createJobHandlers({
    config: init.config,
    container,
    configDir: init.configDir,
    threads: init.threads,
  });
  const base: JobContextBase = { stage: init.stage, config: init.config, store, container, signal: controller.signal };
  if (init.resumeKey !== undefined) base.resumeKey = init.resumeKey;
  return { base, jobs };
}

async function runJob(job: number, kind: string, payload: unknown): Promise<void> {
  try {
    const { base, jobs } = await ready!;
    const handler = jobs.handlers[kind];
    if (!handler) throw new Error(`this worker has no job "${kind}"`);
    const sink: JobSink = {
      call: (method, args) => send({ type: 'call', job, method, args }),
      progress: (done, total, label) =>
        send({ type: 'progress', job, done, total, ...(label !== undefined ? { label } : {}) }),
    };
    // Each job in its own scope: what the job owned is disposed when it ends.
    const result = await withScope(base.container, (scope) =>
      handler(payload, jobContext({ ...base, container: scope }, sink)),
    );
    send({ type: 'done', job, result });
  } catch (error) {
    send({ type: 'failed', job, error: toMllrError(error).toJSON() });
  }
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'init') ready ??= setUp(message.init);
  else if (message.type === 'job') void runJob(message.job, message.kind, message.payload);
  else if (message.type === 'stop') controller.abort();
});

process.on('disconnect', () => {
  // The stage is gone or done: release engines, then end (jobs in flight are abandoned, as on a stop).
  controller.abort();
  void (ready ?? Promise.resolve(undefined))
    .then((r) => r?.jobs.dispose?.())
    .catch(() => undefined)
    .finally(() => process.exit(0));
});
// Ctrl-C reaches the whole process group; the stage decides when its workers stop.
process.on('SIGINT', () => undefined);
