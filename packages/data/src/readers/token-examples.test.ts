import { describe, expect, it } from 'vitest';
import { isTokenExampleFile, readTokenExamples } from './token-examples.js';
import { tempFile } from './test-fixtures/files.js';

const record = (ids: unknown, promptLength: unknown) => JSON.stringify({ ids, prompt_length: promptLength });

describe('pre-tokenized examples', () => {
  it('reads {ids, prompt_length} records as they are, in file order, skipping blank lines', async () => {
    const file = tempFile('t.jsonl', `${record([5, 6, 7], 1)}\n\n${record([9, 8], 0)}\n`);
    expect(await isTokenExampleFile(file)).toBe(true);
    expect(await readTokenExamples(file, { vocabSize: 10, maxLength: 3 })).toEqual([
      { ids: [5, 6, 7], promptLength: 1 },
      { ids: [9, 8], promptLength: 0 },
    ]);
  });

  it('tells pre-tokenized files from text datasets by the first record', async () => {
    expect(await isTokenExampleFile(tempFile('d.jsonl', JSON.stringify({ prompt: 'a', response: 'b' })))).toBe(false);
    expect(await isTokenExampleFile(tempFile('d.json', JSON.stringify([{ ids: [1], prompt_length: 0 }])))).toBe(false);
    await expect(isTokenExampleFile('/no/such/file.jsonl')).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: '/no/such/file.jsonl: file not found',
    });
  });

  it('reads response_spans (several responses, such as assistant turns): only those ids are trained on', async () => {
    const file = tempFile(
      't.jsonl',
      `${JSON.stringify({
        ids: [1, 2, 3, 4, 5, 6],
        response_spans: [
          [2, 3],
          [4, 6],
        ],
      })}\n${JSON.stringify({ ids: [1, 2, 3], prompt_length: 1, response_spans: [[1, 3]] })}\n`,
    );
    expect(await isTokenExampleFile(file)).toBe(true);
    expect(await readTokenExamples(file)).toEqual([
      {
        ids: [1, 2, 3, 4, 5, 6],
        promptLength: 2,
        responseSpans: [
          [2, 3],
          [4, 6],
        ],
      },
      { ids: [1, 2, 3], promptLength: 1, responseSpans: [[1, 3]] },
    ]);
    const cases: Array<[unknown, RegExp]> = [
      [[], /"response_spans" must be a non-empty list of \[start, end\) pairs/],
      [[[2, 2]], /\[2,2\] is not \(4 ids\)/],
      [[[1, 5]], /\[1,5\] is not \(4 ids\)/],
      [
        [
          [2, 4],
          [1, 2],
        ],
        /\[1,2\] is not/,
      ],
      [[[1, 2, 3]], /\[1,2,3\] is not/],
      [[[0, 1]], /hold no id to train on/],
    ];
    for (const [spans, message] of cases) {
      const bad = tempFile('t.jsonl', `${JSON.stringify({ ids: [1, 2, 3, 4], response_spans: spans })}\n`);
      await expect(readTokenExamples(bad), JSON.stringify(spans)).rejects.toMatchObject({
        code: 'DATA_INVALID',
        message: expect.stringMatching(message),
      });
    }
    const off = tempFile(
      't.jsonl',
      `${JSON.stringify({ ids: [1, 2, 3, 4], prompt_length: 1, response_spans: [[2, 4]] })}\n`,
    );
    await expect(readTokenExamples(off)).rejects.toThrow(
      `${off}:1: "prompt_length" 1 must be where the first response span starts (2), or left out`,
    );
  });

  it('names the file and line of a bad record', async () => {
    const cases: Array<[string, RegExp]> = [
      [record([], 0), /:2: "ids" must be a non-empty array of token ids/],
      [record([1, -2], 0), /:2: "ids"\[1\] is -2, not a token id/],
      [record([1, 2.5], 0), /:2: "ids"\[1\] is 2.5, not a token id/],
      [record([1, 12], 0), /:2: "ids"\[1\] is 12, outside the model's vocabulary of 10/],
      [record([1, 2, 3, 4], 0), /:2: 4 ids are more than the 3 the model takes/],
      [record([1, 2], 2), /:2: "prompt_length" 2 leaves none of the 2 ids as response/],
      [record([1, 2], '1'), /:2: "prompt_length" must be a whole number ≥ 0/],
      [JSON.stringify({ ids: [1, 2] }), /:2: "prompt_length" must be a whole number ≥ 0/],
      ['[1, 2]', /:2: expected an object \{"ids": \[...\], "prompt_length": n\}, got array/],
    ];
    for (const [bad, message] of cases) {
      const file = tempFile('t.jsonl', `${record([1, 2], 1)}\n${bad}\n`);
      await expect(readTokenExamples(file, { vocabSize: 10, maxLength: 3 }), bad).rejects.toMatchObject({
        code: 'DATA_INVALID',
        message: expect.stringMatching(message),
      });
    }
  });
});
