import { stripVTControlCharacters } from 'node:util';
import type { RunEvent, RunEventInput } from '@mllr/core';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { RunDashboard } from './run-dashboard.js';
import { initialRunViewState, reduceRunView } from './run-view-state.js';

const at = (time: number, e: RunEventInput): RunEvent => ({ ...e, seq: 1, time }) as RunEvent;
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

const state = [
  at(0, { type: 'run', status: 'start', runDir: '/runs/demo', stages: ['proxy', 'search'], info: { model: 'tiny-chat' } }),
  at(0, { type: 'stage', stage: 'proxy', status: 'start', index: 0, total: 2 }),
  at(2000, { type: 'progress', stage: 'proxy', done: 5, total: 10, unit: 'layer' }),
  at(2000, { type: 'log', level: 'warn', message: 'probe margin is small' }),
].reduce(reduceRunView, initialRunViewState());

describe('RunDashboard', () => {
  it('shows the header, stages with progress and ETA, and the log', () => {
    const { lastFrame, unmount } = render(<RunDashboard state={state} onStop={() => undefined} now={2000} />);
    const frame = stripVTControlCharacters(lastFrame()!);
    expect(frame).toContain('run folder: /runs/demo');
    expect(frame).toContain('model: tiny-chat');
    expect(frame).toMatch(/▶ proxy\s+█+░+ 5\/10 layer {2}eta 2s/);
    expect(frame).toMatch(/· search\s+░+ pending/);
    expect(frame).toContain('probe margin is small');
    unmount();
  });

  it('stops on q and toggles help on ?', async () => {
    const onStop = vi.fn();
    const { lastFrame, stdin, unmount } = render(<RunDashboard state={state} onStop={onStop} now={2000} />);
    await tick();
    stdin.write('?');
    await tick();
    expect(stripVTControlCharacters(lastFrame()!)).toContain('stop safely; the run folder stays resumable');
    stdin.write('q');
    await tick();
    expect(onStop).toHaveBeenCalledTimes(1);
    expect(stripVTControlCharacters(lastFrame()!)).toContain('stopping at the next safe point');
    unmount();
  });
});
