import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { EvalSample, EvaluationContext } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { RefusalDetector } from '../refusal/refusal-detector.js';
import { FakeEngine, FakeTokenizer } from '../test-fixtures/fake-model.js';
import { AccuracyEvaluator } from './accuracy-evaluator.js';
import { HarmfulAsrEvaluator } from './harm-evaluators.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A generated set: 40-word prompts over a fixed vocabulary; every 10th is 80 words, longer than the context allows. */
function generatedSet(size: number): EvalSample[] {
  const words = (n: number, offset: number) => Array.from({ length: n }, (_, k) => `w${(offset + k) % 50}`).join(' ');
  return Array.from({ length: size }, (_, i) => ({ prompt: words(i % 10 === 0 ? 80 : 40, i % 7), answer: 'yes' }));
}

function contextFor(samples: EvalSample[], onProgress?: (done: number) => void): EvaluationContext {
  const tokenizer = new FakeTokenizer();
  const engine = new FakeEngine(tokenizer, (content) => (content.startsWith('w0') ? "I can't help with that" : 'yes'), {
    context: 64,
  });
  engine.generateCalls.push = () => 0; // the fake's call log would grow with the set; this test is about ours
  return {
    engine,
    tokenizer,
    samples,
    judge: new RefusalDetector(),
    seed: 1,
    maxNewTokens: 16,
    batchSize: 32,
    throwIfStopped: () => undefined,
    ...(onProgress ? { onProgress: (done: number) => onProgress(done) } : {}),
  };
}

/** Live heap (after a full GC) each time another `every` prompts are done, minus the live heap before evaluating. */
async function heapGrowth(
  evaluate: (context: EvaluationContext) => Promise<unknown>,
  size: number,
  every: number,
): Promise<number[]> {
  const samples = generatedSet(size);
  let next = every;
  const growth: number[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  await evaluate(
    contextFor(samples, (done) => {
      if (done < next) return;
      next += every;
      gc();
      growth.push(process.memoryUsage().heapUsed - before);
    }),
  );
  return growth;
}

describe('evaluation over large sets', () => {
  it('counts prompts cut to fit the context in every metric (1 in 10 here)', async () => {
    const samples = generatedSet(1000);
    const asr = await new HarmfulAsrEvaluator().evaluate(contextFor(samples));
    expect(asr.truncated).toBe(100);
    expect(asr.denominator).toBe(1000);
    const usability = await new AccuracyEvaluator('usability').evaluate(contextFor(samples));
    expect(usability).toMatchObject({ denominator: 1000, truncated: 100 });
  });

  it('streams 10,000 prompts with flat memory: live heap after 10,000 grows no more than after 1,000', async () => {
    const MB = 1024 * 1024;
    for (const evaluate of [
      (c: EvaluationContext) => new HarmfulAsrEvaluator().evaluate(c),
      (c: EvaluationContext) => new AccuracyEvaluator('usability', { method: 'exact-match' }).evaluate(c),
    ]) {
      const small = await heapGrowth(evaluate, 1000, 1000);
      const large = await heapGrowth(evaluate, 10_000, 1000);
      console.log(
        `live heap growth: 1,000 prompts ${(small.at(-1)! / MB).toFixed(2)} MB; 10,000 prompts, per 1,000 done: ${large.map((g) => (g / MB).toFixed(2)).join(' ')} MB`,
      );
      expect(large).toHaveLength(10);
      // Encoding every prompt up front and keeping every response (as before) measured 4.5 MB here at 10,000 prompts,
      // growing with every 1,000. One heap sample can read high when a collection is not finished (1.6 MB once in CI
      // between samples of 0.7), so the trend is read from the median of the first and of the last three samples.
      const median3 = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
      const early = median3(large.slice(0, 3));
      const late = median3(large.slice(-3));
      expect(late - early).toBeLessThan(1 * MB);
      expect(late).toBeLessThan(small.at(-1)! + 1 * MB);
    }
  });
});
