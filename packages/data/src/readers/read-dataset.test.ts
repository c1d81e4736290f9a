import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MllrError } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { DATASET_PRESETS, PRESET_NAMES } from './presets.js';
import { FileDatasetReader, SUPPORTED_FORMATS, formatOf, readAll, readDataset } from './read-dataset.js';
import { collect, tempFile } from './test-fixtures/files.js';

const record = { prompt: 'p', response: 'r' };

describe('readDataset', () => {
  it('picks the reader by extension, case-insensitively', async () => {
    const csv = tempFile('d.CSV', 'prompt,response\np,r\n');
    const json = tempFile('d.json', JSON.stringify([record]));
    const jsonl = tempFile('d.jsonl', JSON.stringify(record));
    expect((await readAll({ path: csv }))[0]?.source).toBe(`${csv}:2`);
    expect((await readAll({ path: json }))[0]?.source).toBe(`${json}#0`);
    expect((await readAll({ path: jsonl }))[0]?.source).toBe(`${jsonl}:1`);
    expect(SUPPORTED_FORMATS).toEqual(['csv', 'json', 'jsonl']);
  });

  it("falls back to the preset's format when the extension says nothing, and refuses otherwise", async () => {
    const file = tempFile('train.txt', JSON.stringify({ question: 'q', answer: '#### 4' }));
    expect(formatOf({ path: file, preset: 'gsm8k' })).toBe('jsonl');
    expect(await readAll({ path: file, preset: 'gsm8k' })).toEqual([
      { prompt: 'q', response: '#### 4', answer: '4', source: `${file}:1` },
    ]);
    // The extension wins over the preset: Alpaca-layout records saved as JSON Lines.
    expect(formatOf({ path: 'a.jsonl', preset: 'alpaca' })).toBe('jsonl');

    expect(() => readDataset({ path: file })).toThrow(
      expect.objectContaining({
        code: 'DATA_INVALID',
        message: `${file}: has the unsupported extension ".txt"; supported: .csv, .json, .jsonl (or name a preset with a default format)`,
      }),
    );
    expect(() => readDataset({ path: 'data' })).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/^data: has no extension; supported: \.csv, \.json, \.jsonl/),
      }),
    );
  });

  it('refuses an unknown preset, listing the known ones, before touching the file', () => {
    let error: unknown;
    try {
      readDataset({ path: 'missing.json', preset: 'alpacca' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MllrError);
    expect(error).toMatchObject({
      code: 'DATA_INVALID',
      message: `missing.json: unknown preset "alpacca"; known presets: ${PRESET_NAMES.join(', ')}`,
    });
    expect((error as MllrError).exitCode).toBe(2);
  });

  it('names a missing file, a folder and a bad limit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mllr-data-'));
    for (const ext of SUPPORTED_FORMATS) {
      const missing = join(dir, `nope.${ext}`);
      await expect(readAll({ path: missing })).rejects.toMatchObject({
        code: 'DATA_INVALID',
        message: `${missing}: file not found`,
      });
    }
    const folder = join(dir, 'folder.json');
    mkdirSync(folder);
    await expect(readAll({ path: folder })).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: `${folder}: is a directory, not a data file`,
    });
    const file = tempFile('d.json', JSON.stringify([record]));
    for (const limit of [0, -1, 1.5]) {
      expect(() => readDataset({ path: file, limit })).toThrow(
        expect.objectContaining({
          code: 'DATA_INVALID',
          message: `${file}: limit must be a positive integer, got ${limit}`,
        }),
      );
    }
  });

  it('is lazy: nothing is read until iteration, and limit caps what readAll returns', async () => {
    const file = tempFile(
      'd.jsonl',
      Array.from({ length: 10 }, (_, i) => JSON.stringify({ prompt: `p${i}`, response: 'r' })).join('\n'),
    );
    const samples = readDataset({ path: join(tmpdir(), 'does-not-exist.jsonl') }); // no error yet
    await expect(collect(samples)).rejects.toMatchObject({ message: expect.stringContaining('file not found') });
    expect((await readAll({ path: file, limit: 4 })).map((s) => s.prompt)).toEqual(['p0', 'p1', 'p2', 'p3']);
    const reader = new FileDatasetReader();
    expect(reader.formats).toEqual(SUPPORTED_FORMATS);
    expect(await collect(reader.read({ path: file, limit: 1 }))).toEqual([
      { prompt: 'p0', response: 'r', source: `${file}:1` },
    ]);
  });
});

describe('field mapping', () => {
  it('lets fields override the preset key by key', async () => {
    const file = tempFile(
      'd.json',
      JSON.stringify([{ instruction: 'Do it', context: 'now', output: 'ok', input: 'ignored' }]),
    );
    expect(await readAll({ path: file, preset: 'alpaca', fields: { input: 'context' } })).toEqual([
      { prompt: 'Do it\n\nnow', response: 'ok', source: `${file}#0` },
    ]);
  });

  it('takes a label from the record, else the preset label; an empty field name turns a field off', async () => {
    const file = tempFile('d.csv', 'goal,target,kind\nA,Sure,\nB,Sure,borderline\n');
    const samples = await readAll({ path: file, preset: 'advbench', fields: { label: 'kind' } });
    expect(samples.map((s) => s.label)).toEqual(['harmful', 'borderline']);
    const promptsOnly = tempFile('d.jsonl', JSON.stringify({ prompt: 'only a prompt' }));
    expect(await readAll({ path: promptsOnly, fields: { response: '' } })).toEqual([
      { prompt: 'only a prompt', source: `${promptsOnly}:1` },
    ]);
    expect(() => readDataset({ path: promptsOnly, fields: { prompt: '' } })).toThrow(
      expect.objectContaining({
        code: 'DATA_INVALID',
        message: expect.stringContaining('fields.prompt cannot be empty'),
      }),
    );
  });

  it('refuses an empty prompt, a non-string input or label', async () => {
    const cases: [unknown, string][] = [
      [{ prompt: '  ', response: 'r' }, 'field "prompt" (the prompt) is empty'],
      [{ prompt: 'p', response: 'r', input: 3 }, 'field "input" (the input) must be a string, found number'],
      [{ prompt: 'p', response: 'r', label: true }, 'field "label" (the label) must be a string, found boolean'],
      [{ prompt: 'p', response: null }, 'field "response" (the response) must be a string, found null'],
      [{}, 'missing field "prompt" (the prompt); the record has no fields'],
    ];
    for (const [value, message] of cases) {
      const file = tempFile('d.jsonl', JSON.stringify(value));
      await expect(readAll({ path: file })).rejects.toMatchObject({
        code: 'DATA_INVALID',
        message: `${file}:1: ${message}`,
      });
    }
  });

  it('documents every preset with its fields', () => {
    expect(PRESET_NAMES).toEqual([
      'advbench',
      'alpaca',
      'code-alpaca',
      'gsm8k',
      'safety-tuned-llamas',
      'messages',
      'sharegpt',
      'generic',
    ]);
    for (const name of PRESET_NAMES) expect(DATASET_PRESETS[name].description.length).toBeGreaterThan(20);
    expect(DATASET_PRESETS['safety-tuned-llamas']).toMatchObject({
      fields: { prompt: 'instruction', input: 'input', response: 'output' },
      label: 'harmful',
    });
  });
});
