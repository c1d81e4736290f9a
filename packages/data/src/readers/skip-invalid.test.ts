import type { InvalidRecord } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { readAll } from './read-dataset.js';
import { tempFile } from './test-fixtures/files.js';

/** Reads `path` with an onInvalid handler, returning the samples and what was skipped. */
async function readSkipping(path: string, extra: { limit?: number; preset?: string } = {}) {
  const skipped: InvalidRecord[] = [];
  const samples = await readAll({ path, ...extra }, { onInvalid: (record) => skipped.push(record) });
  return { samples, skipped };
}

describe('reading with onInvalid', () => {
  it('skips records of the wrong type, with missing or empty fields, and unparseable lines, naming each with its reason', async () => {
    const lines = [
      JSON.stringify({ prompt: 'a', response: 'r' }),
      JSON.stringify({ prompt: 7, response: 'r' }),
      '{"prompt": ',
      JSON.stringify({ response: 'r' }),
      JSON.stringify({ prompt: '  ', response: 'r' }),
      JSON.stringify(['not', 'a', 'record']),
      JSON.stringify({ prompt: 'b', response: 'r' }),
    ];
    const file = tempFile('mixed.jsonl', `${lines.join('\n')}\n`);
    const { samples, skipped } = await readSkipping(file);
    expect(samples.map((s) => s.prompt)).toEqual(['a', 'b']);
    expect(skipped.map((s) => [s.where, s.reason])).toEqual([
      [`${file}:2`, 'wrong_type'],
      [`${file}:3`, 'invalid_json'],
      [`${file}:4`, 'missing_field'],
      [`${file}:5`, 'empty_prompt'],
      [`${file}:6`, 'wrong_type'],
    ]);
    expect(skipped[0]!.message).toBe(`${file}:2: field "prompt" (the prompt) must be a string, found number`);
  });

  it('without a handler, the first unusable record is still DATA_INVALID naming it', async () => {
    const file = tempFile('bad.jsonl', `${JSON.stringify({ prompt: 'a', response: 'r' })}\n{"prompt": \n`);
    await expect(readAll({ path: file })).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringContaining(`${file}:2: invalid JSON`),
    });
  });

  it('skips a CSV row with the wrong number of columns and a GSM8K answer without its marker', async () => {
    const csv = tempFile('rows.csv', 'prompt,response\np,r\nonly-one\nq,s\n');
    const fromCsv = await readSkipping(csv);
    expect(fromCsv.samples.map((s) => s.prompt)).toEqual(['p', 'q']);
    expect(fromCsv.skipped).toEqual([expect.objectContaining({ where: `${csv}:3`, reason: 'wrong_columns' })]);

    const gsm = tempFile(
      'g.jsonl',
      [
        { question: 'q1', answer: 'no marker' },
        { question: 'q2', answer: '#### 4' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const fromGsm = await readSkipping(gsm, { preset: 'gsm8k' });
    expect(fromGsm.samples.map((s) => s.answer)).toEqual(['4']);
    expect(fromGsm.skipped.map((s) => s.reason)).toEqual(['no_answer']);
  });

  it('counts only usable samples towards limit, and calls a file with no usable record DATA_INVALID', async () => {
    const file = tempFile(
      'l.json',
      JSON.stringify(
        [{ prompt: 1 }, { prompt: 'a' }, { prompt: 2 }, { prompt: 'b' }, { prompt: 'c' }].map((r) => ({
          ...r,
          response: 'r',
        })),
      ),
    );
    const { samples, skipped } = await readSkipping(file, { limit: 2 });
    expect(samples.map((s) => s.prompt)).toEqual(['a', 'b']);
    expect(skipped).toHaveLength(2);

    const useless = tempFile('u.json', JSON.stringify([{ prompt: 1 }, { prompt: null }]));
    await expect(readSkipping(useless)).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringMatching(
        /^.*u\.json: contains no usable records \(all 2 were skipped; the first: .*u\.json.*prompt.*\)$/,
      ),
    });
  });
});
