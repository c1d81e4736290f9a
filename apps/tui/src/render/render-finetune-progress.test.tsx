import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { FinetuneProgress, type ProgressState } from './render-finetune-progress.js';

const start = {
  engine: 'tfjs',
  device: 'wasm',
  examples: 8,
  dataKind: 'dataset' as const,
  skipped: {},
  steps: 4,
  groups: [{ name: 'all', learningRate: 0.002, tensors: 38 }],
};

function frame(state: ProgressState): string[] {
  const { lastFrame, unmount } = render(<FinetuneProgress state={state} />);
  const lines = stripVTControlCharacters(lastFrame()!).split('\n');
  unmount();
  return lines;
}

describe('FinetuneProgress', () => {
  it('waits for the model, then shows a bar with steps, the latest loss and an estimate of the time left', () => {
    expect(frame({ startedAt: 0, now: 0 })).toEqual(['loading the model and data…']);
    const lines = frame({
      start,
      last: { step: 1, steps: 4, loss: 2.5, gradNorm: 0.5, tokens: 40 },
      startedAt: 0,
      now: 10_000,
    });
    expect(lines[0]).toBe('fine-tuning on tfjs (wasm): 8 examples, 4 steps; all 38 tensors at lr 0.002');
    expect(lines[1]).toBe(`${'█'.repeat(8)}${'░'.repeat(22)} 1/4 steps  loss 2.5000  grad_norm 0.500  eta 30s`);
  });
});
