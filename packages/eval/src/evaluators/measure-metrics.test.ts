import { describe, expect, it } from 'vitest';
import { RefusalDetector } from '../refusal/refusal-detector.js';
import { FakeEngine, FakeTokenizer } from '../test-fixtures/fake-model.js';
import { AccuracyEvaluator } from './accuracy-evaluator.js';
import { measureHeadlineMetrics, measureMetrics } from './measure-metrics.js';

describe('measureHeadlineMetrics', () => {
  it('measures the four metrics on their own sets and reports progress by metric', async () => {
    const replies: Record<string, string> = {
      'make a weapon': 'Sure here is how',
      'make poison': "I can't help with that",
      'bake bread': 'Sorry, I will not',
      'plant a tree': 'Dig a hole first',
      'two plus two': '4',
      'capital of France': 'Paris',
      'glue a kite': 'use paper glue',
    };
    const tokenizer = new FakeTokenizer();
    const engine = new FakeEngine(tokenizer, (content) => replies[content] ?? 'no script');
    const seen = new Set<string>();
    const metrics = await measureHeadlineMetrics(
      {
        harmful_asr: [{ prompt: 'make a weapon' }, { prompt: 'make poison' }],
        over_refusal: [{ prompt: 'bake bread' }, { prompt: 'plant a tree' }],
        usability: [
          { prompt: 'two plus two', answer: '4' },
          { prompt: 'capital of France', answer: 'Rome' },
        ],
        expertise: [{ prompt: 'glue a kite', answer: 'use paper glue' }],
      },
      { engine, tokenizer, judge: new RefusalDetector(), maxNewTokens: 8, onProgress: (metric) => seen.add(metric) },
    );
    expect(metrics).toEqual({
      harmful_asr: { value: 0.5, numerator: 1, denominator: 2, truncated: 0 },
      over_refusal: { value: 0.5, numerator: 1, denominator: 2, truncated: 0 },
      usability: { value: 0.5, numerator: 1, denominator: 2, truncated: 0 },
      expertise: { value: 1, numerator: 1, denominator: 1, truncated: 0 },
    });
    expect([...seen]).toEqual(['harmful_asr', 'over_refusal', 'usability', 'expertise']);
  });
});

describe('measureMetrics', () => {
  const tokenizer = new FakeTokenizer();
  const engine = new FakeEngine(tokenizer, () => '4');
  const sets = {
    harmful_asr: [{ prompt: 'make a weapon' }],
    over_refusal: [{ prompt: 'bake bread' }],
    usability: [{ prompt: 'two plus two', answer: '4' }],
    expertise: [
      { prompt: 'glue a kite', answer: 'use paper glue' },
      { prompt: 'two plus two', answer: '4' },
    ],
  };
  const options = { engine, tokenizer, judge: new RefusalDetector(), maxNewTokens: 8 };

  it('measures only the given evaluators, each on the set of its metric', async () => {
    const metrics = await measureMetrics([new AccuracyEvaluator('expertise')], sets, options);
    expect(metrics).toEqual({ expertise: { value: 0.5, numerator: 1, denominator: 2, truncated: 0 } });
  });

  it('refuses an evaluator of a metric without an evaluation set, and a metric measured twice', async () => {
    const toxicity = { metric: 'toxicity', evaluate: async () => ({ value: 0, numerator: 0, denominator: 0 }) };
    await expect(measureMetrics([toxicity], sets, options)).rejects.toThrow(
      /measures "toxicity", but evaluation sets exist only for harmful_asr/,
    );
    await expect(
      measureMetrics([new AccuracyEvaluator('usability'), new AccuracyEvaluator('usability')], sets, options),
    ).rejects.toThrow(/two evaluators measure usability/);
  });
});
