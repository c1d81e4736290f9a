import { serviceToken } from '../di.js';
import type { DependencyContainer } from '../di.js';
import type { RunConfig } from '../config/schema.js';
import type { ErrorCode } from '../errors.js';
import type { RunEventInput } from '../events.js';
import type { RunStore } from './run-store.js';

/** What a running stage gets from the pipeline. */
export interface StageContext {
  readonly stage: string;
  readonly config: RunConfig;
  readonly store: RunStore;
  /** The run's composed container: resolve slot services (proxy, search, …) from it. */
  readonly container: DependencyContainer;
  /** Aborted when the user asks to stop. */
  readonly signal: AbortSignal;
  /** Throws StoppedError if the user asked to stop; call it at safe points (between steps, modules, batches). */
  throwIfStopped(): void;
  progress(done: number, total: number, options?: { unit?: string; label?: string }): void;
  metric(name: string, value: number, options?: { step?: number; series?: string }): void;
  log(message: string, level?: 'debug' | 'info' | 'warn' | 'error'): void;
  /** Emits any other event on the stage's behalf. */
  emit(event: RunEventInput): void;
  /**
   * Identifies this stage's inputs (its config subset and every upstream stage's result). A stage that was stopped
   * half-way may keep parts it finished under the same key; undefined under `--force`, when nothing is reused.
   */
  readonly resumeKey?: string;
}

/** One step of the pipeline; it writes its artifacts through `context.store`. */
export interface Stage {
  readonly name: string;
  /** One line for the dashboard. */
  readonly title?: string;
  /**
   * The part of the config this stage's result depends on; it (with upstream stages' hashes) decides whether a
   * stored result is current. Defaults to the whole config.
   */
  hashInputs?(config: RunConfig): unknown;
  run(context: StageContext): Promise<void>;
}

/** The ordered stages of a pipeline, chosen by the `stages` slot. */
export interface StageSet {
  readonly name: string;
  readonly stages: readonly Stage[];
  /** Facts for the dashboard header (model, engine, device). */
  readonly info?: Readonly<Record<string, string>>;
  /**
   * Every problem that would stop the stages (a missing model folder, a data file that cannot be read), found before
   * the run folder exists; the pipeline reports them all at once, each at its config path, and starts nothing.
   */
  preflight?(): Promise<ConfigProblem[]>;
}

/** A problem with a run config found before the run starts, at a key path of the config (`['model', 'path']`). */
export interface ConfigProblem {
  path: readonly (string | number)[];
  message: string;
  /** The code the problem would have had on its own (DATA_INVALID, CHECKPOINT_INVALID, …). */
  code?: ErrorCode;
}

/** DI token for {@link StageSet}. */
export const StageSet = serviceToken('StageSet');
