import { describe, expect, it } from 'vitest';
import { CURVE_CAPACITY } from './bounded-curve.js';
import { initialStageResults, reduceStageResults } from './stage-results.js';
import {
  EVAL_EVENTS,
  PROBE_EVENTS,
  SEARCH_EVENTS,
  log,
  lossEvents,
  metric,
  resultsOf,
  robustnessEvents,
  stamp,
} from './test-fixtures/synthetic-events.js';

describe('reduceStageResults', () => {
  it('keeps per-layer probe accuracy sorted by layer, a repeated layer replacing the old value', () => {
    const results = resultsOf(
      [...PROBE_EVENTS].reverse().concat(metric('proxy', 'probe_accuracy', 0.5, { step: 0, series: 'validation' })),
    );
    expect(results.probe).toEqual([
      { layer: 0, accuracy: 0.5 },
      { layer: 1, accuracy: 0.861 },
      { layer: 2, accuracy: 0.953 },
      { layer: 3, accuracy: 0.948 },
    ]);
  });

  it('records each module score by its id', () => {
    const results = resultsOf(robustnessEvents(2));
    expect(Object.keys(results.robustness)).toHaveLength(14);
    expect(results.robustness['L1.down']).toBeCloseTo(0.1 + 3 * 0.09 + 0.0011);
  });

  it('follows the search: threshold, decisions with the candidate named by the log line before each, counts', () => {
    const { search } = resultsOf(SEARCH_EVENTS);
    expect(search.threshold).toBe(0.95);
    expect(search.decisions).toEqual([
      { size: 1, value: 0.9981, kept: true, candidate: 'L3.q' },
      { size: 2, value: 0.9712, kept: true, candidate: 'L2.k' },
      { size: 2, value: 0.9213, kept: false, candidate: 'L0.down' },
      { size: 3, value: 0.9534, kept: true, candidate: 'L1.v' },
    ]);
    expect([search.kept, search.dropped]).toEqual([3, 1]);
    expect(search.pending).toBeUndefined();
  });

  it('leaves a decision unnamed when no matching log line came before it', () => {
    const { search } = resultsOf([
      log('search', 'drop L0.q (probe 0.9000) → 0 modules'),
      metric('search', 'set_value', 0.99, { step: 1, series: 'kept' }),
    ]);
    expect(search.decisions).toEqual([{ size: 1, value: 0.99, kept: true }]);
  });

  it('keeps a loss curve per run, bounded however long training goes', () => {
    const results = resultsOf(lossEvents(['uniform', 'uniform#2'], 3 * CURVE_CAPACITY));
    expect(Object.keys(results.losses)).toEqual(['uniform', 'uniform#2']);
    const curve = results.losses.uniform!;
    expect(curve.points.length).toBeLessThanOrEqual(CURVE_CAPACITY);
    expect(curve.first).toEqual({ x: 0, y: 2 });
    expect(curve.last!.x).toBe(3 * CURVE_CAPACITY - 1);
  });

  it('collects eval metrics per model id', () => {
    const { evaluation } = resultsOf(EVAL_EVENTS);
    expect(Object.keys(evaluation)).toEqual(['base', 'uniform', 'uniform#2', 'ml-lr', 'ml-lr#2', 'swat']);
    expect(evaluation['ml-lr#2']).toEqual({ harmful_asr: 0.14, over_refusal: 0.09, usability: 0.81, expertise: 0.6 });
  });

  it('returns the same object for events that carry no result', () => {
    const results = initialStageResults();
    for (const event of [
      metric('beta', 'count', 8),
      metric('ift', 'loss', 1), // no series: no run to file it under
      log('proxy', 'keep L0.q (probe 1.0000) → 1 module'),
      stamp({ type: 'progress', stage: 'ift', done: 1, total: 2 }),
    ]) {
      expect(reduceStageResults(results, event)).toBe(results);
    }
  });
});
