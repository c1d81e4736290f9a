// Entry point of a job worker: a child of the engine process that runs independent jobs of one stage (module probes,
// fine-tuning runs) so that they use every core. tfjs's wasm backend is single-threaded and native addons fail in
// worker_threads, hence processes.
import { PluginLoader, RunConfigToken, RunStore, rootContainer, toMllrError } from '@mllr/core';
import { BUILTIN_PLUGINS } from '../plugins/builtin-plugins.js';
import { PluginComposer } from '../plugins/plugin-composer.js';
import { FsRunStore } from '../run/fs-run-store.js';
import { jobContext, type JobContextBase } from './job-context.js';
import type { FromWorker, JobHandlerModule, JobHandlers, JobWorkerInit, ToWorker } from './job-protocol.js';

const controller = new AbortController();
let ready: Promise<{ base: JobContextBase; jobs: JobHandlers }> | undefined;

function send(message: FromWorker): void {
  if (process.connected && process.send) process.send(message);
}

async function setUp(init: JobWorkerInit): Promise<{ base: JobContextBase; jobs: JobHandlers }> {
  const container = rootContainer.createChildContainer();
  const store = new FsRunStore(init.runDir);
  container.register(RunConfigToken, { useValue: init.config });
  container.register(RunStore, { useValue: store });
  container.register(PluginLoader, { useValue: new PluginComposer(container, BUILTIN_PLUGINS, init.configDir) });
  const module = (await import(init.handlers)) as JobHandlerModule;
  const jobs = module.createJobHandlers({ config: init.config, container, configDir: init.configDir, threads: init.threads });
  const base: JobContextBase = { stage: init.stage, config: init.config, store, container, signal: controller.signal };
  if (init.resumeKey !== undefined) base.resumeKey = init.resumeKey;
  return { base, jobs };
}

async function runJob(job: number, kind: string, payload: unknown): Promise<void> {
  try {
    const { base, jobs } = await ready!;
    const handler = jobs.handlers[kind];
    if (!handler) throw new Error(`this worker has no job "${kind}"`);
    const context = jobContext(base, {
      call: (method, args) => send({ type: 'call', job, method, args }),
      progress: (done, total, label) => send({ type: 'progress', job, done, total, ...(label !== undefined ? { label } : {}) }),
    });
    send({ type: 'done', job, result: await handler(payload, context) });
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
