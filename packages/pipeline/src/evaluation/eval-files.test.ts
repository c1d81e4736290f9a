import { describe, expect, it } from 'vitest';
import { FileTally, addsUpTo, breakdownSpans, evalFileLabels } from './eval-files.js';

describe('evalFileLabels', () => {
  it('keeps relative paths as the config writes them and names absolute files (--eval-harmful) by their file name', () => {
    expect(
      evalFileLabels(['advbench_harmful_behaviors.csv', 'safety/harmful_catqa.jsonl', '/home/me/my-prompts.csv']),
    ).toEqual(['advbench_harmful_behaviors.csv', 'safety/harmful_catqa.jsonl', 'my-prompts.csv']);
  });

  it('tells apart a file listed twice and two files of one name', () => {
    expect(evalFileLabels(['a.csv', 'a.csv', '/x/b.csv', '/y/b.csv', 'b.csv'])).toEqual([
      'a.csv',
      'a.csv (2)',
      'b.csv',
      'b.csv (2)',
      'b.csv (3)',
    ]);
  });
});

describe('FileTally', () => {
  const spans = [
    { file: 'a.csv', items: 3 },
    { file: 'b.jsonl', items: 0 },
    { file: 'c.json', items: 2 },
  ];
  const hit = { numerator: 1, denominator: 1 };
  const miss = { numerator: 0, denominator: 1 };

  it('groups judged items by the file their index falls in, in any order of arrival', () => {
    const tally = new FileTally(spans);
    // Items 0–2 are a.csv's, 3–4 c.json's (b.jsonl contributed none).
    for (const [index, outcome] of [
      [4, hit],
      [0, hit],
      [3, miss],
      [2, miss],
      [1, hit],
    ] as const)
      tally.add(index, outcome);
    expect(tally.result()).toEqual([
      { file: 'a.csv', value: 2 / 3, numerator: 2, denominator: 3 },
      { file: 'b.jsonl', value: Number.NaN, numerator: 0, denominator: 0 },
      { file: 'c.json', value: 0.5, numerator: 1, denominator: 2 },
    ]);
  });

  it('refuses an index past the files', () => {
    expect(() => new FileTally(spans).add(5, hit)).toThrow(/item 5 is past the 3 evaluation files/);
  });

  it('adds up to the pooled metric only when every item was counted and every file has one', () => {
    const tally = new FileTally([spans[0]!, spans[2]!]);
    for (const index of [0, 1, 2, 3]) tally.add(index, index === 0 ? hit : miss);
    expect(addsUpTo(tally.result(), { value: 0.2, numerator: 1, denominator: 5 })).toBe(false); // item 4 not counted yet
    tally.add(4, hit);
    expect(addsUpTo(tally.result(), { value: 0.4, numerator: 2, denominator: 5 })).toBe(true);
    expect(addsUpTo(tally.result(), { value: 0.6, numerator: 3, denominator: 5 })).toBe(false);
    expect(addsUpTo(new FileTally(spans).result(), { value: 0, numerator: 0, denominator: 0 })).toBe(false);
  });
});

describe('breakdownSpans', () => {
  const one = [{ file: 'a.csv', items: 4 }];
  const two = [...one, { file: 'b.csv', items: 2 }];

  it('breaks down harmful_asr and over_refusal only where their set has several files', () => {
    expect(breakdownSpans({ harmful: two, benign: one })).toEqual({ harmful_asr: two });
    expect(breakdownSpans({ harmful: [], benign: two })).toEqual({ over_refusal: two });
    expect(breakdownSpans({ harmful: one, benign: [] })).toEqual({});
  });
});
