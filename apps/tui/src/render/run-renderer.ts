import type { RunEvent } from '@mllr/core';
import type { RunResult } from '@mllr/pipeline';

/** Shows a run's events somewhere (Ink dashboard, plain lines, JSON lines). */
export interface RunRenderer {
  onEvent(event: RunEvent): void;
  /** Called once the engine process has ended; resolves when the output is complete. */
  finish(result: RunResult): Promise<void>;
}
