import { describe, expect, it } from 'vitest';
import { JsonlReader } from './jsonl-reader.js';
import { collect, literal, tempFile } from './test-fixtures/files.js';

const reader = new JsonlReader();
const line = (question: string, answer: string) => JSON.stringify({ question, answer });

describe('JsonlReader', () => {
  it('reads one record per line, skipping blank lines, with 1-based line numbers (BOM and CRLF too)', async () => {
    const file = tempFile(
      'd.jsonl',
      `\uFEFF${JSON.stringify({ prompt: 'a', response: 'b' })}\r\n\r\n${JSON.stringify({ prompt: 'c', response: 'd', label: 'benign' })}\r\n`,
    );
    expect(await collect(reader.read({ path: file }))).toEqual([
      { prompt: 'a', response: 'b', source: `${file}:1` },
      { prompt: 'c', response: 'd', label: 'benign', source: `${file}:3` },
    ]);
    expect(reader.formats).toEqual(['jsonl']);
  });

  it('applies the gsm8k preset and extracts the final answer after ####, without thousands separators', async () => {
    const file = tempFile(
      'g.jsonl',
      [
        line('How many?', 'Twice 36 is <<2*36=72>>72.\n#### 72'),
        line('How much?', 'So 1,080 dollars.\n#### 1,080'),
      ].join('\n'),
    );
    expect(await collect(reader.read({ path: file, preset: 'gsm8k' }))).toEqual([
      { prompt: 'How many?', response: 'Twice 36 is <<2*36=72>>72.\n#### 72', answer: '72', source: `${file}:1` },
      { prompt: 'How much?', response: 'So 1,080 dollars.\n#### 1,080', answer: '1080', source: `${file}:2` },
    ]);
    const noAnswer = tempFile('g.jsonl', line('How many?', 'I do not know'));
    await expect(collect(reader.read({ path: noAnswer, preset: 'gsm8k' }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: `${noAnswer}:1: field "answer" has no final answer after "####"`,
    });
  });

  it('names the file and line of invalid JSON and of a line that is not a record', async () => {
    const bad = tempFile('d.jsonl', `${JSON.stringify({ prompt: 'a', response: 'b' })}\n{"prompt": "c",\n`);
    await expect(collect(reader.read({ path: bad }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringMatching(new RegExp(`^${literal(bad)}:2: invalid JSON \\(`)),
    });
    for (const [value, kind] of [
      ['[1, 2]', 'array'],
      ['"text"', 'string'],
      ['null', 'null'],
      ['3', 'number'],
    ]) {
      const file = tempFile('d.jsonl', `\n${value}\n`);
      await expect(collect(reader.read({ path: file }))).rejects.toMatchObject({
        code: 'DATA_INVALID',
        message: `${file}:2: expected a record (an object with fields), found ${kind}`,
      });
    }
  });

  it('names a missing or mistyped field and the fields the record has', async () => {
    const missing = tempFile('d.jsonl', JSON.stringify({ question: 'q' }));
    await expect(collect(reader.read({ path: missing, preset: 'gsm8k' }))).rejects.toMatchObject({
      message: `${missing}:1: missing field "answer" (the response); the record has: question`,
    });
    const mistyped = tempFile('d.jsonl', JSON.stringify({ question: ['q'], answer: '#### 1' }));
    await expect(collect(reader.read({ path: mistyped, preset: 'gsm8k' }))).rejects.toMatchObject({
      message: `${mistyped}:1: field "question" (the prompt) must be a string, found array`,
    });
  });

  it('refuses a file of blank lines and an empty file', async () => {
    const blanks = tempFile('d.jsonl', '\n  \n\n');
    await expect(collect(reader.read({ path: blanks }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: `${blanks}: contains no records`,
    });
    const empty = tempFile('d.jsonl', '');
    await expect(collect(reader.read({ path: empty }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: `${empty}: the file is empty`,
    });
  });

  it('stops at limit: lines after the last sample taken are never parsed', async () => {
    const lines = Array.from({ length: 3 }, (_, i) => line(`q${i}`, `#### ${i}`));
    const file = tempFile('d.jsonl', `${lines.join('\n')}\nnot json at all\n`);
    const samples = await collect(reader.read({ path: file, preset: 'gsm8k', limit: 3 }));
    expect(samples.map((s) => s.answer)).toEqual(['0', '1', '2']);
    await expect(collect(reader.read({ path: file, preset: 'gsm8k' }))).rejects.toMatchObject({
      message: expect.stringContaining(`${file}:4: invalid JSON`),
    });
  });
});
