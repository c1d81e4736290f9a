import type { DependencyContainer, RunConfig, SerializedError, StageContext } from '@mllr/core';

/** Everything a job worker needs to rebuild a run's services; sent once, right after the fork. */
export interface JobWorkerInit {
  /** File URL of the module whose `createJobHandlers` builds this worker's handlers. */
  handlers: string;
  stage: string;
  config: RunConfig;
  /** The folder relative paths in the config are resolved against. */
  configDir: string;
  runDir: string;
  resumeKey?: string;
  /** CPU threads this worker's engines may use: its share of the cores. */
  threads: number;
}

/** One independent unit of a stage's work (a module probe, a fine-tuning run). */
export type JobHandler = (payload: unknown, context: StageContext) => Promise<unknown>;

/** The jobs a stage set can fan out, and what to release once a worker is done with them. */
export interface JobHandlers {
  handlers: Readonly<Record<string, JobHandler>>;
  dispose?(): Promise<void>;
}

/** What `createJobHandlers` gets in a worker: the run's config and a container composed like the run's. */
export interface JobEnvironment {
  config: RunConfig;
  container: DependencyContainer;
  configDir: string;
  threads: number;
}

/** The shape of a module named by {@link JobWorkerInit.handlers}. */
export interface JobHandlerModule {
  createJobHandlers(environment: JobEnvironment): JobHandlers;
}

/** The StageContext calls a job may make that the stage relays as they are. */
export type RelayedCall = 'metric' | 'log' | 'emit';

/** Messages from the stage (parent) to a job worker. */
export type ToWorker =
  | { type: 'init'; init: JobWorkerInit }
  | { type: 'job'; job: number; kind: string; payload: unknown }
  | { type: 'stop' };

/** Messages from a job worker to the stage. */
export type FromWorker =
  | { type: 'call'; job: number; method: RelayedCall; args: unknown[] }
  | { type: 'progress'; job: number; done: number; total: number; label?: string }
  | { type: 'done'; job: number; result: unknown }
  | { type: 'failed'; job: number; error: SerializedError };
