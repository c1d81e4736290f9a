import type { EvalReport } from '@mllr/pipeline';
import { describe, expect, it } from 'vitest';
import { evalJson, formatEvalReport } from './format-eval.js';

const report: EvalReport = {
  model: '/models/chat',
  metrics: { harmful_asr: 0.25, over_refusal: 0, usability: 0.875, expertise: 1 },
  counts: {
    harmful_asr: { numerator: 1, denominator: 4, truncated: 0 },
    over_refusal: { numerator: 0, denominator: 3, truncated: 1 },
    usability: { numerator: 7, denominator: 8, truncated: 0 },
    expertise: { numerator: 40, denominator: 40, truncated: 0 },
  },
  engine: { name: 'onnx', device: 'cpu' },
  generations: {
    file: 'eval/chat.jsonl',
    records: 55,
    bytes: 100,
    omitted: {},
    limits: { per_metric: 1000, max_bytes: 1 },
  },
};

describe('mllr eval output', () => {
  it('--json is exactly model, metrics and counts', () => {
    expect(JSON.parse(evalJson(report))).toEqual({
      model: report.model,
      metrics: report.metrics,
      counts: report.counts,
    });
    expect(Object.keys(JSON.parse(evalJson(report)))).toEqual(['model', 'metrics', 'counts']);
  });

  it('the table has one row per metric with value, count, truncated prompts and which way is better', () => {
    const text = formatEvalReport(report);
    expect(text.split('\n')[0]).toBe('model /models/chat (onnx, cpu)');
    expect(text).toMatch(/^harmful_asr +25\.0% +1\/4 +0 +lower$/m);
    expect(text).toMatch(/^over_refusal +0\.0% +0\/3 +1 +lower$/m);
    expect(text).toMatch(/^usability +87\.5% +7\/8 +0 +higher$/m);
    expect(text).toMatch(/^expertise +100\.0% +40\/40 +0 +higher$/m);
    expect(text).toContain('generations: eval/chat.jsonl (55 items)');
    const { generations: _, ...without } = report;
    expect(formatEvalReport(without)).not.toContain('generations');
  });
});
