import type { FinetuneStart, FinetuneStep } from '@mllr/pipeline';
import { Box, Text, render } from 'ink';
import { ProgressBar } from '../dashboard/progress-bar.js';
import { formatDuration } from '../dashboard/run-view-state.js';
import { describeResult, describeStart, type FinetuneRenderer } from './finetune-output.js';

/** What the progress view shows. */
export interface ProgressState {
  start?: FinetuneStart;
  last?: FinetuneStep;
  startedAt: number;
  now: number;
  done?: string;
}

/** The live view of a fine-tuning run: what is trained, a progress bar with the latest loss, and an ETA. */
export function FinetuneProgress({ state }: { state: ProgressState }) {
  const { start, last } = state;
  const steps = start?.steps ?? 0;
  const done = last?.step ?? 0;
  const elapsed = (state.now - state.startedAt) / 1000;
  const eta = done > 0 && done < steps ? (elapsed / done) * (steps - done) : undefined;
  return (
    <Box flexDirection="column">
      <Text>{start ? describeStart(start) : 'loading the model and data…'}</Text>
      {start && (
        <Box>
          <ProgressBar done={done} total={steps} width={30} color="cyan" />
          <Text>
            {' '}
            {done}/{steps} steps
            {last ? `  loss ${last.loss.toFixed(4)}  grad_norm ${last.gradNorm.toFixed(3)}` : ''}
            {eta !== undefined ? `  eta ${formatDuration(eta)}` : `  ${formatDuration(elapsed)}`}
          </Text>
        </Box>
      )}
      {state.done && <Text color="green">{state.done}</Text>}
    </Box>
  );
}

/** The Ink progress bar of `mllr finetune` on a terminal. */
export function renderFinetuneProgress(): FinetuneRenderer {
  let state: ProgressState = { startedAt: Date.now(), now: Date.now() };
  const app = render(<FinetuneProgress state={state} />, { patchConsole: false });
  const draw = (change: Partial<ProgressState>) => {
    state = { ...state, ...change, now: Date.now() };
    app.rerender(<FinetuneProgress state={state} />);
  };
  return {
    start(start) {
      draw({ start, startedAt: Date.now() });
    },
    step(last) {
      draw({ last });
    },
    async finish(result) {
      draw(result ? { done: describeResult(result) } : {});
      app.unmount();
      await app.waitUntilExit();
    },
  };
}
