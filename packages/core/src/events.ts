import type { SerializedError } from './errors.js';

/** Fields every event carries: a sequence number within the run and a wall-clock time (ms since epoch). */
export interface EventBase {
  seq: number;
  time: number;
}

/** The run as a whole started or ended. */
export interface RunLifecycleEvent extends EventBase {
  type: 'run';
  status: 'start' | 'done' | 'stopped' | 'failed';
  runDir: string;
  /** The stage names in order (on `start`). */
  stages?: string[];
  /** Free-form facts for the dashboard header (model, engine, device). */
  info?: Record<string, string>;
}

/** A stage started, finished, was skipped because its artifact is current, or failed. */
export interface StageEvent extends EventBase {
  type: 'stage';
  stage: string;
  status: 'start' | 'done' | 'skip' | 'fail';
  index: number;
  total: number;
  /** Seconds the stage took (on `done`). */
  elapsedS?: number;
}

/** Progress within a stage: `done` of `total` units. */
export interface ProgressEvent extends EventBase {
  type: 'progress';
  stage: string;
  done: number;
  total: number;
  unit?: string;
  label?: string;
}

/** A number a stage measured (loss at a step, a probe accuracy, a final metric). */
export interface MetricEvent extends EventBase {
  type: 'metric';
  stage: string;
  name: string;
  value: number;
  step?: number;
  /** Optional grouping key, such as the strategy a loss curve belongs to. */
  series?: string;
}

/** A line of text for people. */
export interface LogEvent extends EventBase {
  type: 'log';
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  stage?: string;
}

/** A file a stage wrote, relative to the run folder. */
export interface ArtifactEvent extends EventBase {
  type: 'artifact';
  stage: string;
  path: string;
  bytes: number;
}

/** The error that ended a run (or a stage). */
export interface ErrorEvent extends EventBase {
  type: 'error';
  error: SerializedError;
  exitCode: number;
  stage?: string;
}

/** Everything the engine process tells the UI. */
export type RunEvent =
  RunLifecycleEvent | StageEvent | ProgressEvent | MetricEvent | LogEvent | ArtifactEvent | ErrorEvent;

/** An event before the sink stamps it with `seq` and `time`. */
export type RunEventInput = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'seq' | 'time'> : never) : never;

/** The event type names. */
export type RunEventType = RunEvent['type'];
