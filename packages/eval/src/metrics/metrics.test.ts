import type { HarmJudge, HarmVerdict, JudgedPair } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { RefusalDetector } from '../refusal/refusal-detector.js';
import { FakeEngine, FakeTokenizer } from '../test-fixtures/fake-model.js';
import { encodePrompt } from './encode-prompt.js';
import { exactMatchAccuracy, matchesAnswer, normaliseAnswer } from './exact-match.js';
import { generateResponses } from './generate-responses.js';
import { harmfulAsr, overRefusal } from './harm-metrics.js';
import { teacherForcedAccuracy } from './teacher-forced-accuracy.js';

const words = (n: number, word = 'w') => Array.from({ length: n }, (_, i) => `${word}${i}`).join(' ');

describe('generateResponses', () => {
  it('renders the chat template, batches by length, restores order and decodes without special tokens', async () => {
    const tokenizer = new FakeTokenizer();
    const engine = new FakeEngine(tokenizer, (content) => `echo ${content.split(' ').length}`);
    const prompts = [words(5), words(1), words(3), words(2), words(4)];
    const progress: [number, number][] = [];
    let checkpoints = 0;
    const { responses, truncated } = await generateResponses(engine, tokenizer, prompts, {
      maxNewTokens: 8,
      batchSize: 2,
      onProgress: (done, total) => progress.push([done, total]),
      throwIfStopped: () => checkpoints++,
    });
    expect(responses).toEqual(['echo 5', 'echo 1', 'echo 3', 'echo 2', 'echo 4']);
    expect(truncated).toBe(0);
    // Batches of similar length: [1, 2], [3, 4], [5] words (+3 template tokens each).
    expect(engine.generateCalls.map((c) => c.prompts.map((p) => p.length))).toEqual([[4, 5], [6, 7], [8]]);
    expect(engine.generateCalls[0]!.prompts[0]).toEqual(
      tokenizer.encode(`<user> ${words(1)} <eos> <assistant>`, { addSpecialTokens: false }),
    );
    expect(engine.generateCalls[0]!.options).toEqual({ maxNewTokens: 8, temperature: 0, stopTokenIds: [1] });
    expect(progress).toEqual([
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
    expect(checkpoints).toBe(3);

    // Every eos id of the tokenizer (generation_config.json may list several) stops a response, then config.json's.
    const several = Object.assign(new FakeTokenizer(), { eosTokenIds: [4, 3] });
    const other = new FakeEngine(several, () => 'ok');
    await generateResponses(other, several, [words(2)], { maxNewTokens: 8, batchSize: 2 });
    expect(other.generateCalls[0]!.options.stopTokenIds).toEqual([4, 3, 1]);
  });

  it('keeps the start of a prompt that does not fit the context minus maxNewTokens, and counts it', async () => {
    const tokenizer = new FakeTokenizer();
    const engine = new FakeEngine(tokenizer, (content) => `last ${content.split(' ').at(-1)}`, { context: 20 });
    const { responses, truncated } = await generateResponses(engine, tokenizer, [words(30), words(3)], {
      maxNewTokens: 8,
      batchSize: 4,
    });
    // 20 − 8 = 12 tokens: 3 for the template, 9 for the content.
    expect(responses).toEqual(['last w8', 'last w2']);
    expect(truncated).toBe(1);
    expect(Math.max(...engine.generateCalls[0]!.prompts.map((p) => p.length))).toBe(12);
  });

  it('rejects settings that leave no room and an engine that drops prompts', async () => {
    const tokenizer = new FakeTokenizer();
    const engine = new FakeEngine(tokenizer, () => 'x', { context: 8 });
    await expect(generateResponses(engine, tokenizer, ['a'], { maxNewTokens: 8, batchSize: 1 })).rejects.toThrow(
      /leaves no room/,
    );
    expect(() => encodePrompt(tokenizer, 'a b c', 2)).toThrow(/the chat template alone needs 3/);
    const broken = new FakeEngine(tokenizer, () => 'x');
    broken.generate = () => Promise.resolve([]);
    await expect(generateResponses(broken, tokenizer, ['a'], { maxNewTokens: 4, batchSize: 1 })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
    expect((await generateResponses(engine, tokenizer, [], { maxNewTokens: 2, batchSize: 1 })).responses).toEqual([]);
  });
});

/** A judge that reads scripted verdicts from the response text: "HARM", "REFUSE" or anything else (neither). */
class ScriptedJudge implements HarmJudge {
  readonly name = 'scripted';
  readonly seen: JudgedPair[][] = [];
  judge(pairs: readonly JudgedPair[]): Promise<HarmVerdict[]> {
    this.seen.push([...pairs]);
    return Promise.resolve(
      pairs.map(({ response }) => ({ harmful: response === 'HARM', refused: response === 'REFUSE' })),
    );
  }
}

describe('harmfulAsr and overRefusal', () => {
  it('count harmful verdicts on harmful prompts and refusals on benign ones, with counts', async () => {
    const responses = ["I can't help with that.", 'Sure, step 1: …', "I'm sorry, no.", 'Here you go.'];
    const prompts = ['h1', 'h2', 'h3', 'h4'];
    const judge = new RefusalDetector();
    expect(await harmfulAsr(responses, prompts, judge)).toEqual({ value: 0.5, numerator: 2, denominator: 4 });
    expect(await overRefusal(responses, prompts, judge)).toEqual({ value: 0.5, numerator: 2, denominator: 4 });
  });

  it("uses the judge's harmful flag, so a deflection is neither success nor refusal", async () => {
    const judge = new ScriptedJudge();
    expect((await harmfulAsr(['HARM', 'REFUSE', 'meh'], ['a', 'b', 'c'], judge)).numerator).toBe(1);
    expect((await overRefusal(['HARM', 'REFUSE', 'meh'], ['a', 'b', 'c'], judge)).numerator).toBe(1);
    expect(judge.seen[0]![2]).toEqual({ prompt: 'c', response: 'meh' });
  });

  it('refuses empty and mismatched input instead of returning NaN', async () => {
    await expect(harmfulAsr([], [], new RefusalDetector())).rejects.toThrow(
      'harmful_asr: nothing to measure (no items)',
    );
    await expect(overRefusal(['a'], [], new RefusalDetector())).rejects.toThrow('1 responses but 0 prompts');
  });
});

describe('exact match', () => {
  it('normalises case, whitespace and trailing punctuation', () => {
    expect(normaliseAnswer('  The   ANSWER is\n42 !! ')).toBe('the answer is 42');
    expect(normaliseAnswer('Ｐａｒｉｓ。')).toBe('paris');
  });

  it('accepts the answer alone or followed by a word boundary, nothing else', () => {
    expect(matchesAnswer('Paris.', 'paris')).toBe(true);
    expect(matchesAnswer('Paris. It is the capital of France.', 'Paris')).toBe(true);
    expect(matchesAnswer('Paris is the capital', 'Paris')).toBe(true);
    expect(matchesAnswer('Parisian food', 'Paris')).toBe(false);
    expect(matchesAnswer('4.5', '4')).toBe(false);
    expect(matchesAnswer('4, because 2+2', '4')).toBe(true);
    expect(matchesAnswer('The answer is Paris', 'Paris')).toBe(false);
    expect(() => matchesAnswer('x', ' ... ')).toThrow(/empty after normalisation/);
  });

  it('returns counts and refuses empty input', () => {
    expect(exactMatchAccuracy(['Yes.', 'no', 'maybe'], ['yes', 'yes', 'maybe'])).toEqual({
      value: 2 / 3,
      numerator: 2,
      denominator: 3,
    });
    expect(exactMatchAccuracy(['A'], ['a'], (s) => s)).toEqual({ value: 0, numerator: 0, denominator: 1 });
    expect(() => exactMatchAccuracy([], [])).toThrow(/nothing to measure/);
  });
});

describe('teacherForcedAccuracy', () => {
  it('scores each reference token by the argmax after the prompt and the earlier reference tokens', async () => {
    const tokenizer = new FakeTokenizer();
    // The model "knows" the first reference exactly and the second with its third word wrong.
    const engine = new FakeEngine(tokenizer, () => '', {
      known: ['sky <eos> <assistant> the sky is blue today', 'grass <eos> <assistant> grass is red and wet'],
    });
    const samples = [
      { prompt: 'what colour is the sky', answer: 'the sky is blue today' },
      { prompt: 'and grass', answer: 'grass is green and wet' },
    ];
    const progress: number[] = [];
    const result = await teacherForcedAccuracy(engine, tokenizer, samples, {
      batchSize: 1,
      onProgress: (d) => progress.push(d),
    });
    // 5 of 5, then 2 of 5: "red" is predicted instead of "green", and after the unexpected "green" the fake model
    // knows no continuation, so "and" and "wet" are missed too.
    expect(result).toEqual({ value: 7 / 10, numerator: 7, denominator: 10, truncated: 0 });
    expect(progress).toEqual([1, 2]);
    const first = engine.logitsCalls.flatMap((c) => c.sequences).find((s) => s.length === 5 + 3 + 5);
    expect(tokenizer.decode(first!)).toBe('<user> what colour is the sky <eos> <assistant> the sky is blue today');
  });

  it('refuses an empty set', async () => {
    const tokenizer = new FakeTokenizer();
    await expect(teacherForcedAccuracy(new FakeEngine(tokenizer, () => ''), tokenizer, [])).rejects.toThrow(
      /nothing to measure/,
    );
  });
});
