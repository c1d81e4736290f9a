import { SecretRedactor } from '@mllr/core';
import { startRun, type RunRequest } from '@mllr/pipeline';
import { renderRunJson, renderRunLines } from '../render/render-run-lines.js';
import type { RunRenderer } from '../render/run-renderer.js';
import type { CliIo } from '../cli-io.js';

/** Options of `mllr run`, as parsed from the command line. */
export interface RunCommandOptions {
  config?: string;
  out?: string;
  headless?: boolean;
  json?: boolean;
  seeds?: number;
  force?: boolean;
  /** `--eval-harmful`, once per file. */
  evalHarmful?: string[];
}

/** `mllr run`: starts the engine process and shows its events as a dashboard, lines or JSON. */
export async function runCommand(options: RunCommandOptions, io: CliIo): Promise<number> {
  const request: RunRequest = {
    cwd: io.cwd,
    ...(options.config !== undefined ? { configFile: options.config } : {}),
    ...(options.out !== undefined ? { outDir: options.out } : {}),
    ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
    ...(options.force ? { force: true } : {}),
    ...(options.evalHarmful && options.evalHarmful.length > 0 ? { evalHarmful: options.evalHarmful } : {}),
  };
  let stop = (): void => undefined;
  const renderer = await chooseRenderer(options, io, () => stop());
  let outputClosed = false;
  // The engine redacts its own events; this also covers what it printed (forwarded as log lines) and its crash tail.
  const redactor = new SecretRedactor();
  const handle = startRun(request, (event) => {
    if (!outputClosed) renderer.onEvent(redactor.value(event));
  });
  stop = () => handle.stop();
  // `mllr run --json | head`: once the reader is gone nobody sees the run, so stop it safely (resumable).
  io.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' || outputClosed) return;
    outputClosed = true;
    handle.stop();
  });

  // Outside the dashboard Ctrl-C is a real SIGINT: first asks for a safe stop, second kills the engine.
  const onSigint = () => handle.stop();
  process.on('SIGINT', onSigint);
  try {
    const result = redactor.value(await handle.result);
    await renderer.finish(result);
    return result.exitCode;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function chooseRenderer(options: RunCommandOptions, io: CliIo, onStop: () => void): Promise<RunRenderer> {
  if (options.json) return renderRunJson(io.stdout);
  if (options.headless || !io.isTTY) return renderRunLines(io.stdout, io.stderr);
  // Loaded only for TTYs so headless runs never pay for React and Ink.
  const { renderRunDashboard } = await import('../render/render-run-dashboard.js');
  return renderRunDashboard(onStop, io.stderr);
}
