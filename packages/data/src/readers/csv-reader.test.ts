import { MllrError } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { CsvReader } from './csv-reader.js';
import { collect, literal, tempFile } from './test-fixtures/files.js';

const reader = new CsvReader();

describe('CsvReader', () => {
  it('maps columns to samples and names the line each record starts on', async () => {
    const file = tempFile(
      'd.csv',
      '\uFEFFprompt,response,label\nhi,"hello, you",benign\n\nask,"two\nlines",\r\nlast,x,harmful\n',
    );
    const samples = await collect(reader.read({ path: file }));
    expect(samples).toEqual([
      { prompt: 'hi', response: 'hello, you', label: 'benign', source: `${file}:2` },
      { prompt: 'ask', response: 'two\nlines', source: `${file}:4` }, // blank line 3 skipped; empty label → none
      { prompt: 'last', response: 'x', label: 'harmful', source: `${file}:6` }, // the quoted field spans lines 4–5
    ]);
    expect(reader.formats).toEqual(['csv']);
  });

  it('counts lines the same in CRLF files, including line breaks inside quoted fields', async () => {
    const file = tempFile('d.csv', 'prompt,response\r\n\r\na,"x\r\ny"\r\nb,z\r\n');
    const samples = await collect(reader.read({ path: file }));
    expect(samples.map((s) => [s.prompt, s.response, s.source])).toEqual([
      ['a', 'x\r\ny', `${file}:3`],
      ['b', 'z', `${file}:5`],
    ]);
  });

  it('applies the advbench preset: goal → prompt, target → response, label harmful', async () => {
    const file = tempFile('adv.csv', 'goal,target\nDo a bad thing,"Sure, here is a bad thing"\n');
    expect(await collect(reader.read({ path: file, preset: 'advbench' }))).toEqual([
      { prompt: 'Do a bad thing', response: 'Sure, here is a bad thing', label: 'harmful', source: `${file}:2` },
    ]);
  });

  it('stops at limit', async () => {
    const file = tempFile(
      'd.csv',
      `prompt,response\n${Array.from({ length: 50 }, (_, i) => `p${i},r${i}`).join('\n')}\n`,
    );
    const samples = await collect(reader.read({ path: file, limit: 2 }));
    expect(samples.map((s) => s.prompt)).toEqual(['p0', 'p1']);
  });

  it('rejects records whose column count differs from the header, naming file and line', async () => {
    const file = tempFile('d.csv', 'prompt,response\na,b\nc,d,e\n');
    await expect(collect(reader.read({ path: file }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: `${file}:3: the record has 3 columns but the header has 2`,
    });
  });

  it('rejects an unclosed quote and a bad header, naming the line', async () => {
    const unclosed = tempFile('d.csv', 'prompt,response\na,b\nc,"d\n');
    await expect(collect(reader.read({ path: unclosed }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringMatching(new RegExp(`^${literal(unclosed)}:\\d+: invalid CSV \\(Quote Not Closed`)),
    });
    const duplicate = tempFile('d.csv', 'prompt,prompt\na,b\n');
    await expect(collect(reader.read({ path: duplicate }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: `${duplicate}:1: the header names column "prompt" twice`,
    });
    const unnamed = tempFile('d.csv', 'prompt,,response\na,b,c\n');
    await expect(collect(reader.read({ path: unnamed }))).rejects.toMatchObject({
      message: `${unnamed}:1: column 2 of the header has no name`,
    });
  });

  it('names the missing column and the columns the file has', async () => {
    const file = tempFile('d.csv', 'question,reply\na,b\n');
    const error = await collect(reader.read({ path: file })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MllrError);
    expect(error).toMatchObject({
      code: 'DATA_INVALID',
      message: `${file}:2: missing field "prompt" (the prompt); the record has: question, reply`,
    });
  });

  it('refuses a file with a header and no records, and an empty file', async () => {
    const headerOnly = tempFile('d.csv', 'prompt,response\n');
    await expect(collect(reader.read({ path: headerOnly }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: `${headerOnly}: contains no records`,
    });
    const empty = tempFile('d.csv', '');
    await expect(collect(reader.read({ path: empty }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: `${empty}: the file is empty`,
    });
  });
});
