import type { RunEvent } from '@mllr/core';
import type { RunResult } from '@mllr/pipeline';
import { render } from 'ink';
import { ExitWhenDone, RunDashboard } from '../dashboard/run-dashboard.js';
import { initialRunViewState, reduceRunView, type RunViewState } from '../dashboard/run-view-state.js';
import { printErrorDetails } from './render-run-lines.js';
import type { RunRenderer } from './run-renderer.js';

/** At most this many redraws per second, however fast events arrive, so drawing never slows the run. */
const FRAME_INTERVAL_MS = 100;

/** The interactive Ink dashboard (for TTYs). `onStop` is called for `q` and Ctrl-C. */
export function renderRunDashboard(onStop: () => void, stderr: NodeJS.WritableStream = process.stderr): RunRenderer {
  let state: RunViewState = initialRunViewState();
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  // Ink owns raw mode, so Ctrl-C arrives as a key press rather than SIGINT.
  const app = render(<RunDashboard state={state} onStop={onStop} />, { exitOnCtrlC: false, patchConsole: true });

  const draw = () => {
    timer = undefined;
    app.rerender(
      <>
        <RunDashboard state={state} onStop={onStop} />
        <ExitWhenDone done={done} />
      </>,
    );
  };

  return {
    onEvent(event: RunEvent) {
      state = reduceRunView(state, event);
      timer ??= setTimeout(draw, FRAME_INTERVAL_MS);
    },
    async finish(result: RunResult) {
      if (timer) clearTimeout(timer);
      done = true;
      draw();
      await app.waitUntilExit();
      printErrorDetails(stderr, result);
    },
  };
}
