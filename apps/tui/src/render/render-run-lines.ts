import type { RunResult } from '@mllr/pipeline';
import { EventLineFormatter } from './format-event-line.js';
import type { RunRenderer } from './run-renderer.js';

/** Plain output for logs and pipes: exactly one line per event on stdout; error details go to stderr. */
export function renderRunLines(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): RunRenderer {
  const formatter = new EventLineFormatter();
  return {
    onEvent(event) {
      stdout.write(`${formatter.format(event)}\n`);
    },
    async finish(result: RunResult) {
      printErrorDetails(stderr, result);
    },
  };
}

/** Machine output: each event as one JSON object per line (JSONL), nothing else on stdout. */
export function renderRunJson(stdout: NodeJS.WritableStream): RunRenderer {
  return {
    onEvent(event) {
      stdout.write(`${JSON.stringify(event)}\n`);
    },
    async finish() {},
  };
}

/** Writes the full error (message plus one line per detail) after a failed run. */
export function printErrorDetails(stderr: NodeJS.WritableStream, result: RunResult): void {
  if (!result.error || result.exitCode === 0) return;
  const lines = [`mllr: ${result.error.message}`];
  for (const d of result.error.details ?? []) lines.push(`  ${d.where ? `${d.where}: ` : ''}${d.message}`);
  stderr.write(`${lines.join('\n')}\n`);
}
