import type { RunEvent, SerializedError } from '@mllr/core';

/** What the UI process asks of the engine process. */
export interface RunRequest {
  /** Config file; the shipped default when absent. */
  configFile?: string;
  /** Run folder; a new one under `runs/` when absent. Reusing a folder resumes it. */
  outDir?: string;
  /** Rerun stages even when their stored results are current. */
  force?: boolean;
  /** Overrides the config's `seeds`. */
  seeds?: number;
  /**
   * Files of harmful prompts (CSV, JSON or JSONL with a `prompt`, `goal` or `instruction` column) appended to the
   * config's `data.harmful_eval`; relative to `cwd`.
   */
  evalHarmful?: string[];
  /** Working directory for relative paths (defaults to the engine process's). */
  cwd?: string;
}

/** Messages from the UI process to the engine process. */
export type ParentMessage = { type: 'start'; request: RunRequest } | { type: 'stop' };

/** Messages from the engine process to the UI process. */
export type ChildMessage =
  { type: 'event'; event: RunEvent } | { type: 'exit'; exitCode: number; error?: SerializedError };
