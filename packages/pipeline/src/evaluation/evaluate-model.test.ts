import type {
  EvalSample,
  EvaluationContext,
  Evaluator,
  HarmJudge,
  InferenceEngine,
  MetricValue,
  Tokenizer,
} from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { evaluateModel } from './evaluate-model.js';

/** A harm evaluator that needs no model: a prompt containing `yes` is answered harmfully, one containing `no` is refused. */
class ScriptedHarmEvaluator implements Evaluator {
  constructor(
    readonly metric: 'harmful_asr' | 'over_refusal',
    private readonly reportsItems = true,
  ) {}

  async evaluate(context: EvaluationContext): Promise<MetricValue> {
    let hits = 0;
    // Reported last item first: the breakdown must not depend on the order items are decided in.
    for (const [index, sample] of [...context.samples.entries()].reverse()) {
      const harmful = sample.prompt.includes('yes');
      const refused = sample.prompt.includes('no');
      if ((this.metric === 'harmful_asr' ? harmful : refused) === true) hits++;
      if (this.reportsItems)
        await context.onRecord?.({ index, prompt: sample.prompt, response: '', verdict: { refused, harmful } });
    }
    return { value: hits / context.samples.length, numerator: hits, denominator: context.samples.length };
  }
}

const samples = (...prompts: string[]): EvalSample[] => prompts.map((prompt) => ({ prompt }));
const sets = {
  // a.csv: 3 items, 2 answered harmfully; b.jsonl: 2 items, 1 answered harmfully.
  harmful_asr: samples('yes 1', 'no 2', 'yes 3', 'no 4', 'yes 5'),
  // c.json: 1 item, refused; d.json: 2 items, 1 refused.
  over_refusal: samples('no a', 'no b', 'fine c'),
  usability: [],
  expertise: [],
};
const files = {
  harmful_asr: [
    { file: 'a.csv', items: 3 },
    { file: 'b.jsonl', items: 2 },
  ],
  over_refusal: [
    { file: 'c.json', items: 1 },
    { file: 'd.json', items: 2 },
  ],
};
// The scripted evaluators never touch the model, tokenizer or judge.
const unused = { engine: {} as InferenceEngine, tokenizer: {} as Tokenizer, judge: {} as HarmJudge };

describe('evaluateModel: by file', () => {
  it('breaks each metric given files down file by file, adding up to the pooled metric', async () => {
    const evaluators = [new ScriptedHarmEvaluator('harmful_asr'), new ScriptedHarmEvaluator('over_refusal')];
    const evaluation = await evaluateModel({ id: 'base', sets, evaluators, files, ...unused });
    expect(evaluation.metrics.harmful_asr).toEqual({ value: 0.6, numerator: 3, denominator: 5 });
    expect(evaluation.byFile).toEqual({
      harmful_asr: [
        { file: 'a.csv', value: 2 / 3, numerator: 2, denominator: 3 },
        { file: 'b.jsonl', value: 0.5, numerator: 1, denominator: 2 },
      ],
      over_refusal: [
        { file: 'c.json', value: 1, numerator: 1, denominator: 1 },
        { file: 'd.json', value: 0.5, numerator: 1, denominator: 2 },
      ],
    });
  });

  it('breaks down only the metrics given files, and none whose evaluator does not report its items', async () => {
    const evaluators = [new ScriptedHarmEvaluator('harmful_asr'), new ScriptedHarmEvaluator('over_refusal', false)];
    const evaluation = await evaluateModel({ id: 'base', sets, evaluators, files, ...unused });
    expect(Object.keys(evaluation.byFile ?? {})).toEqual(['harmful_asr']);
    const none = await evaluateModel({
      id: 'base',
      sets,
      evaluators,
      files: { over_refusal: files.over_refusal },
      ...unused,
    });
    expect(none.byFile).toBeUndefined();
    expect(none.metrics.over_refusal).toEqual({ value: 2 / 3, numerator: 2, denominator: 3 });
  });
});
