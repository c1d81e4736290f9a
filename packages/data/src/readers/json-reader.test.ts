import { MllrError } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { JsonReader } from './json-reader.js';
import { collect, tempFile } from './test-fixtures/files.js';

const reader = new JsonReader();
const records = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ instruction: `task ${i}`, input: '', output: `done ${i}` }));

describe('JsonReader', () => {
  it('streams an array of records, appending a non-empty input after a blank line', async () => {
    const file = tempFile(
      'd.json',
      JSON.stringify(
        [
          { instruction: 'Sort these', input: '3, 1, 2', output: '1, 2, 3' },
          { instruction: 'Say hi', input: '  ', output: 'hi' },
        ],
        null,
        2,
      ),
    );
    expect(await collect(reader.read({ path: file, preset: 'alpaca' }))).toEqual([
      { prompt: 'Sort these\n\n3, 1, 2', response: '1, 2, 3', source: `${file}#0` },
      { prompt: 'Say hi', response: 'hi', source: `${file}#1` },
    ]);
    expect(reader.formats).toEqual(['json']);
  });

  it('accepts { "data": [...] } and a byte-order mark', async () => {
    const file = tempFile(
      'd.json',
      `\uFEFF${JSON.stringify({ meta: { rows: [1, 2] }, data: [{ prompt: 'p', response: 'r' }] })}`,
    );
    expect(await collect(reader.read({ path: file }))).toEqual([{ prompt: 'p', response: 'r', source: `${file}#0` }]);
  });

  it('refuses files that do not hold an array of records', async () => {
    const cases: [string, string][] = [
      ['42', 'expected a JSON array of records, but the file starts with "4"'],
      ['"text"', 'expected a JSON array of records, but the file starts with "\\""'],
      [
        '{"rows": [{"prompt": "p"}]}',
        'the top-level object has no "data" array; expected an array of records or { "data": [ ... ] }',
      ],
      ['{"data": {"prompt": "p"}}', '"data" must be an array of records'],
      ['[]', 'contains no records'],
      ['  \n ', 'the file is empty (only blanks)'],
    ];
    for (const [text, message] of cases) {
      const file = tempFile('d.json', text);
      await expect(collect(reader.read({ path: file })), text).rejects.toMatchObject({
        code: 'DATA_INVALID',
        message: `${file}: ${message}`,
      });
    }
  });

  it('names the record that is not an object or lacks a field', async () => {
    const notObject = tempFile('d.json', JSON.stringify([{ prompt: 'p', response: 'r' }, ['p', 'r']]));
    await expect(collect(reader.read({ path: notObject }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: `${notObject}#1: expected a record (an object with fields), found array`,
    });
    const missing = tempFile(
      'd.json',
      JSON.stringify(records(3).map((r, i) => (i === 2 ? { instruction: r.instruction, input: 'x' } : r))),
    );
    await expect(collect(reader.read({ path: missing, preset: 'alpaca' }))).rejects.toMatchObject({
      message: `${missing}#2: missing field "output" (the response); the record has: instruction, input`,
    });
    const wrongType = tempFile('d.json', JSON.stringify([{ prompt: 'p', response: 7 }]));
    await expect(collect(reader.read({ path: wrongType }))).rejects.toMatchObject({
      message: `${wrongType}#0: field "response" (the response) must be a string, found number`,
    });
  });

  it('locates a syntax error at the exact record, even deep in a large file', async () => {
    const good = JSON.stringify(records(20_000));
    // Break record 15000: drop the comma before it, far beyond the first read chunks.
    const at = good.indexOf('{"instruction":"task 15000"');
    const file = tempFile('d.json', `${good.slice(0, at - 1)} ${good.slice(at)}`);
    const error = await collect(reader.read({ path: file, preset: 'alpaca' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MllrError);
    expect(error).toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringMatching(/#15000: invalid JSON \(Parser cannot parse input: expected ','\)$/),
    });
    expect((error as MllrError).message.startsWith(`${file}#15000:`)).toBe(true);

    const trailingComma = tempFile('d.json', '[{"prompt":"a","response":"b"},]');
    await expect(collect(reader.read({ path: trailingComma }))).rejects.toMatchObject({
      message: expect.stringContaining(`${trailingComma}#1: invalid JSON`),
    });
    const truncated = tempFile('d.json', '[{"prompt":"a","response":"b"},{"prompt":"c"');
    await expect(collect(reader.read({ path: truncated }))).rejects.toMatchObject({
      message: expect.stringContaining(`${truncated}#1: invalid JSON`),
    });
    const trailingGarbage = tempFile('d.json', '[{"prompt":"a","response":"b"}] x');
    await expect(collect(reader.read({ path: trailingGarbage }))).rejects.toMatchObject({
      message: expect.stringMatching(/: invalid JSON \(.*\) after the end of the records array$/),
    });
  });

  it('stops at limit without parsing the rest of the file', async () => {
    // Two megabytes of valid records and then garbage: with limit 3 the garbage is never reached.
    const file = tempFile('d.json', `${JSON.stringify(records(30_000)).slice(0, -1)}, this is not JSON`);
    const samples = await collect(reader.read({ path: file, preset: 'alpaca', limit: 3 }));
    expect(samples.map((s) => s.source)).toEqual([`${file}#0`, `${file}#1`, `${file}#2`]);
    await expect(collect(reader.read({ path: file, preset: 'alpaca' }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringContaining(`${file}#30000: invalid JSON`),
    });
  });
});
