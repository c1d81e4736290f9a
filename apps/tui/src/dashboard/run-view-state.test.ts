import type { RunEvent, RunEventInput } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import {
  LOG_CAPACITY,
  etaSeconds,
  formatDuration,
  formatNumber,
  initialRunViewState,
  reduceRunView,
} from './run-view-state.js';

let seq = 0;
const at = (time: number, e: RunEventInput): RunEvent => ({ ...e, seq: ++seq, time }) as RunEvent;

describe('reduceRunView', () => {
  it('follows a run from start to finish', () => {
    const events = [
      at(0, { type: 'run', status: 'start', runDir: '/r', stages: ['a', 'b'], info: { model: 'tiny' } }),
      at(0, { type: 'stage', stage: 'a', status: 'skip', index: 0, total: 2 }),
      at(1000, { type: 'stage', stage: 'b', status: 'start', index: 1, total: 2 }),
      at(3000, { type: 'progress', stage: 'b', done: 2, total: 10, unit: 'step' }),
      at(3000, { type: 'metric', stage: 'b', name: 'loss', value: 1.23456, step: 2 }),
    ];
    const state = events.reduce(reduceRunView, initialRunViewState());
    expect(state.status).toBe('running');
    expect(state.info).toEqual({ model: 'tiny' });
    expect(state.stages.map((s) => [s.name, s.status, s.done, s.total])).toEqual([
      ['a', 'skipped', 1, 1],
      ['b', 'running', 2, 10],
    ]);
    // 2 steps in 2 s: 8 steps left at 1 step/s.
    expect(etaSeconds(state.stages[1]!, 3000)).toBe(8);
    expect(state.logs.at(-1)!.text).toBe('[b] loss = 1.235 (step 2)');
    // The same metric of a stage with a result panel is drawn there, not logged.
    const shown = reduceRunView(
      state,
      at(3001, { type: 'metric', stage: 'ift', name: 'loss', value: 2, step: 0, series: 'uniform' }),
    );
    expect(shown.logs).toBe(state.logs);

    const stopped = reduceRunView(state, at(4000, { type: 'run', status: 'stopped', runDir: '/r' }));
    expect(stopped.status).toBe('stopped');
    expect(stopped.stages[1]!.status).toBe('stopped');
    expect(etaSeconds(stopped.stages[1]!, 5000)).toBeUndefined();
  });

  it("builds each stage's result from its metric events and decision log lines, leaving it unchanged otherwise", () => {
    const start = reduceRunView(
      initialRunViewState(),
      at(0, { type: 'run', status: 'start', runDir: '/r', stages: ['search', 'eval'] }),
    );
    const events = [
      at(1, { type: 'metric', stage: 'search', name: 'threshold', value: 0.9 }),
      at(2, { type: 'log', level: 'info', stage: 'search', message: 'keep L1.q (probe 0.9500) → 1 module' }),
      at(2, { type: 'metric', stage: 'search', name: 'set_value', value: 0.95, step: 1, series: 'kept' }),
      at(3, { type: 'metric', stage: 'eval', name: 'harmful_asr', value: 0.25, series: 'uniform#2' }),
    ];
    const state = events.reduce(reduceRunView, start);
    expect(state.results.search).toEqual({
      threshold: 0.9,
      decisions: [{ size: 1, value: 0.95, kept: true, candidate: 'L1.q' }],
      kept: 1,
      dropped: 0,
    });
    expect(state.results.evaluation).toEqual({ 'uniform#2': { harmful_asr: 0.25 } });
    const progressed = reduceRunView(state, at(4, { type: 'progress', stage: 'eval', done: 1, total: 2 }));
    expect(progressed.results).toBe(state.results);
  });

  it('keeps only the newest log lines', () => {
    let state = initialRunViewState();
    for (let i = 0; i < LOG_CAPACITY + 5; i++)
      state = reduceRunView(state, at(i, { type: 'log', level: 'info', message: `line ${i}` }));
    expect(state.logs).toHaveLength(LOG_CAPACITY);
    expect(state.logs[0]!.text).toBe('line 5');
  });
});

describe('formatting', () => {
  it('formats durations and numbers for people', () => {
    expect(formatDuration(5.4)).toBe('5s');
    expect(formatDuration(65)).toBe('1m 05s');
    expect(formatDuration(3725)).toBe('1h 02m');
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(0.123456)).toBe('0.1235');
    expect(formatNumber(0.00001234)).toBe('1.234e-5');
  });
});
