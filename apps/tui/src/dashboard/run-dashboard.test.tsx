import { stripVTControlCharacters } from 'node:util';
import type { RunEvent, RunEventInput } from '@mllr/core';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { RunDashboard } from './run-dashboard.js';
import { lossEvents, PROBE_EVENTS, robustnessEvents, SEARCH_EVENTS } from './results/test-fixtures/synthetic-events.js';
import { initialRunViewState, reduceRunView } from './run-view-state.js';

const at = (time: number, e: RunEventInput): RunEvent => ({ ...e, seq: 1, time }) as RunEvent;
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
// Ink draws a frame some time after an input or a resize; on a loaded machine that can take longer than a tick, so
// assertions about the frame that follows wait for it (up to 10 s) instead of trusting one tick.
const eventually = (assertion: () => void) => vi.waitFor(assertion, { timeout: 10_000, interval: 20 });

const state = [
  at(0, {
    type: 'run',
    status: 'start',
    runDir: '/runs/demo',
    stages: ['proxy', 'search'],
    info: { model: 'tiny-chat' },
  }),
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
    await eventually(() =>
      expect(stripVTControlCharacters(lastFrame()!)).toContain('stop safely; the run folder stays resumable'),
    );
    stdin.write('q');
    await eventually(() => expect(stripVTControlCharacters(lastFrame()!)).toContain('stopping at the next safe point'));
    expect(onStop).toHaveBeenCalledTimes(1);
    unmount();
  });
});

describe('RunDashboard result panels', () => {
  const ML_LR = ['base', 'proxy', 'robustness', 'search', 'ift', 'eval', 'report'];
  const running = (stage: string, extra: RunEvent[] = []) => {
    const index = ML_LR.indexOf(stage);
    return [
      at(0, { type: 'run', status: 'start', runDir: '/runs/ml-lr', stages: ML_LR }),
      ...ML_LR.slice(0, index).flatMap((s, i) => [
        at(0, { type: 'stage', stage: s, status: 'start', index: i, total: ML_LR.length }),
        at(0, { type: 'stage', stage: s, status: 'done', index: i, total: ML_LR.length, elapsedS: 1 }),
      ]),
      at(0, { type: 'stage', stage, status: 'start', index, total: ML_LR.length }),
      ...extra,
    ].reduce(reduceRunView, initialRunViewState());
  };
  const frameOf = (lastFrame: () => string | undefined) => stripVTControlCharacters(lastFrame()!);

  it('shows the running stage’s panel by default', () => {
    const { lastFrame, unmount } = render(
      <RunDashboard state={running('robustness', robustnessEvents(4))} onStop={() => undefined} now={0} />,
    );
    const frame = frameOf(lastFrame);
    expect(frame).toContain('robustness · module robustness (higher = more robust)');
    expect(frame).toMatch(/│ q +0\.100 +0\.731 +0\.462 +0\.193 +│/);
    unmount();
  });

  it('follows the run to the next stage until the user focuses a panel, which then stays', async () => {
    const probed = running('robustness', PROBE_EVENTS);
    const { lastFrame, stdin, rerender, unmount } = render(
      <RunDashboard state={probed} onStop={() => undefined} now={0} />,
    );
    expect(frameOf(lastFrame)).toContain('(no module scored yet)');
    await tick();
    stdin.write('\t'); // log
    await tick();
    stdin.write('\t'); // proxy's panel
    await eventually(() => expect(frameOf(lastFrame)).toContain('proxy · security probe accuracy by layer'));
    expect(frameOf(lastFrame)).toContain('◀ best: the probe layer');
    rerender(
      <RunDashboard state={running('search', [...PROBE_EVENTS, ...SEARCH_EVENTS])} onStop={() => undefined} now={0} />,
    );
    await tick();
    expect(frameOf(lastFrame)).toContain('proxy · security probe accuracy by layer');
    stdin.write('\x1b[D'); // ← back to the log: the panel follows the run again
    await eventually(() => expect(frameOf(lastFrame)).toContain('search · Mods_Robust search'));
    expect(frameOf(lastFrame)).toContain('threshold 0.950 of clean');
    unmount();
  });

  it('says a skipped stage streams no result', async () => {
    const state = [
      at(0, { type: 'run', status: 'start', runDir: '/r', stages: ['proxy', 'robustness'] }),
      at(0, { type: 'stage', stage: 'proxy', status: 'skip', index: 0, total: 2 }),
      at(0, { type: 'stage', stage: 'robustness', status: 'start', index: 1, total: 2 }),
    ].reduce(reduceRunView, initialRunViewState());
    const { lastFrame, stdin, unmount } = render(<RunDashboard state={state} onStop={() => undefined} now={0} />);
    await tick();
    stdin.write('\x1b[Z'); // shift-tab from the stage list wraps to the last panel, then ← once more to proxy
    await tick();
    stdin.write('\x1b[D');
    await eventually(() =>
      expect(frameOf(lastFrame)).toContain(
        'proxy · security probe accuracy by layer · skipped: its stored result is current',
      ),
    );
    unmount();
  });

  it('fits a resized terminal, cutting lines rather than wrapping them', async () => {
    const { lastFrame, stdout, unmount } = render(
      <RunDashboard state={running('ift', lossEvents(['uniform', 'ml-lr'], 30))} onStop={() => undefined} now={0} />,
    );
    const widest = () =>
      Math.max(
        ...frameOf(lastFrame)
          .split('\n')
          .map((l) => l.length),
      );
    expect(widest()).toBe(100);
    Object.defineProperty(stdout, 'columns', { value: 60, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: 28, configurable: true });
    stdout.emit('resize');
    await eventually(() => expect(widest()).toBe(60));
    const lines = frameOf(lastFrame).split('\n');
    expect(lines).toHaveLength(27); // one row short of the terminal
    expect(lines.find((l) => l.includes('uniform'))).toMatch(/^│ uniform +[▁▂▃▄▅▆▇█]+/);
    unmount();
  });
});
