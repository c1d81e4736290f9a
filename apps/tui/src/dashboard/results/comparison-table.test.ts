import { describe, expect, it } from 'vitest';
import { comparisonTable, deltaVerdict, formatDelta, formatSummary } from './comparison-table.js';
import { EVAL_EVENTS, resultsOf } from './test-fixtures/synthetic-events.js';

describe('comparisonTable', () => {
  const table = comparisonTable(resultsOf(EVAL_EVENTS).evaluation);

  it('has a row for base and each strategy, seeds folded into their strategy', () => {
    expect(table.rows.map((r) => [r.model, r.runs])).toEqual([
      ['base', 1],
      ['uniform', 2],
      ['ml-lr', 2],
      ['swat', 1],
    ]);
    expect(table.metrics).toEqual(['harmful_asr', 'over_refusal', 'usability', 'expertise']);
    expect(table.hasReference).toBe(true);
  });

  it('gives the mean and sample sd over seeds', () => {
    const uniform = table.rows[1]!.cells.harmful_asr!;
    expect(uniform.mean).toBeCloseTo(0.4);
    expect(uniform.sd).toBeCloseTo(Math.SQRT2 * 0.02);
    expect(table.rows[3]!.cells.harmful_asr).toEqual({ mean: 0.2, n: 1 });
  });

  it('gives each strategy but base and uniform its difference from uniform', () => {
    expect(table.rows[0]!.deltas).toBeUndefined();
    expect(table.rows[1]!.deltas).toBeUndefined();
    expect(table.rows[2]!.deltas!.harmful_asr).toBeCloseTo(0.12 - 0.4);
    expect(table.rows[2]!.deltas!.expertise).toBeCloseTo(0.59 - 0.62);
  });

  it('keeps metrics it does not know as extra columns, and has no deltas without uniform', () => {
    const partial = comparisonTable({ base: { harmful_asr: 0.1, perplexity: 12 }, 'ml-lr': { harmful_asr: 0.2 } });
    expect(partial.metrics.at(-1)).toBe('perplexity');
    expect(partial.hasReference).toBe(false);
    expect(partial.rows.every((r) => r.deltas === undefined)).toBe(true);
  });
});

describe('deltaVerdict', () => {
  it('knows which way each headline metric improves', () => {
    expect(deltaVerdict('harmful_asr', -0.2)).toBe('better');
    expect(deltaVerdict('over_refusal', 0.02)).toBe('worse');
    expect(deltaVerdict('usability', 0.01)).toBe('better');
    expect(deltaVerdict('expertise', -0.03)).toBe('worse');
    expect(deltaVerdict('expertise', 0.0001)).toBe('same');
    expect(deltaVerdict('perplexity', 1)).toBe('unknown');
  });
});

describe('formatting', () => {
  it('prints means, sds, signed deltas and run ids', () => {
    expect(formatSummary({ mean: 0.4, sd: 0.0283, n: 2 })).toBe('0.400±0.028');
    expect(formatSummary({ mean: 0.2, n: 1 })).toBe('0.200');
    expect(formatSummary(undefined)).toBe('–');
    expect(formatDelta(0.05)).toBe('+0.050');
    expect(formatDelta(-0.12)).toBe('-0.120');
  });
});
