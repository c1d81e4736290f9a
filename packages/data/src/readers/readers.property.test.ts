import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_CHARS } from './data-limits.js';
import { promptFileSource } from './prompt-file.js';
import { readAll } from './read-dataset.js';
import { tempFile } from './test-fixtures/files.js';

/** Reads `content` as a dataset file; the only acceptable failure is DATA_INVALID naming the file. */
async function readOrTypedError(name: string, content: string | Uint8Array, preset: string): Promise<void> {
  const path = tempFile(name, Buffer.from(content));
  for (const read of [() => readAll({ path, preset }), async () => readAll(await promptFileSource(path))]) {
    try {
      const samples = await read();
      for (const s of samples) expect(typeof s.prompt).toBe('string');
    } catch (error) {
      expect(error).toMatchObject({ name: 'MllrError', code: 'DATA_INVALID' });
      expect((error as Error).message.startsWith(path)).toBe(true);
    }
  }
}

const field = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('"', '""', ',', '\n', '\r\n', '\\', '{', '[', '\uFEFF', '#### 12'),
);
const record = fc.dictionary(
  fc.constantFrom('prompt', 'response', 'instruction', 'input', 'output', 'goal', 'label', 'x'),
  fc.oneof(field, fc.jsonValue()),
  { maxKeys: 5 },
);

describe('dataset readers under random input (property)', () => {
  it('CSV: random text and random fields', async () => {
    const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { maxLength: 5 });
    const csv = fc.oneof(
      fc.string({ maxLength: 120 }),
      rows.map((r) => r.map((cells) => cells.join(',')).join(fc.sample(fc.constantFrom('\n', '\r\n', '\r'), 1)[0])),
    );
    await fc.assert(
      fc.asyncProperty(csv, fc.constantFrom('generic', 'advbench'), (text, preset) =>
        readOrTypedError('d.csv', text, preset),
      ),
      { numRuns: 80 },
    );
  });

  it('JSON: random values, records and text', async () => {
    const json = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.array(record, { maxLength: 4 }).map((r) => JSON.stringify(r)),
      fc.array(record, { maxLength: 3 }).map((r) => JSON.stringify({ data: r })),
      fc.string({ maxLength: 80 }),
    );
    await fc.assert(
      fc.asyncProperty(json, fc.constantFrom('generic', 'alpaca'), (text, preset) =>
        readOrTypedError('d.json', text, preset),
      ),
      { numRuns: 80 },
    );
  });

  it('JSON Lines: random lines and bytes', async () => {
    const lines = fc.array(
      fc.oneof(
        record.map((r) => JSON.stringify(r)),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 20 }),
      ),
      { maxLength: 5 },
    );
    const jsonl = fc.oneof(
      lines.map((l) => l.join('\n')),
      fc.uint8Array({ maxLength: 80 }),
    );
    await fc.assert(
      fc.asyncProperty(jsonl, fc.constantFrom('generic', 'gsm8k'), (text, preset) =>
        readOrTypedError('d.jsonl', text, preset),
      ),
      { numRuns: 80 },
    );
  });
});

describe('dataset readers bound the size of one record', () => {
  const huge = 'a'.repeat(MAX_RECORD_CHARS + 10);
  it.each([
    [
      'd.jsonl',
      `{"prompt": "ok", "response": ""}\n{"prompt": "${huge}"}\n`,
      /d\.jsonl:2: the line is longer than 8388608 characters/,
    ],
    ['d.jsonl', huge, /d\.jsonl:1: the line is longer than/],
    [
      'd.json',
      `[{"prompt": "ok", "response": ""}, {"prompt": "${huge}"}]`,
      /d\.json#1: the record is larger than 8388608 characters/,
    ],
    [
      'd.csv',
      `prompt,response\nok,\n"${huge}",\n`,
      /d\.csv:3: invalid CSV \(Max Record Size: record exceed the maximum number of tolerated bytes of 8388608/,
    ],
  ])('%s', async (name, content, message) => {
    const path = tempFile(name, content);
    await expect(readAll({ path })).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringMatching(message),
    });
  });

  it('still reads records split across stream chunks and CR, LF and CRLF line breaks', async () => {
    const long = 'b'.repeat(200_000);
    const path = tempFile('d.jsonl', `{"prompt": "a"}\r\n{"prompt": "${long}"}\r{"prompt": "c"}\n\n{"prompt": "d"}`);
    const samples = await readAll(await promptFileSource(path));
    expect(samples.map((s) => [s.prompt.length, s.source.split(':').pop()])).toEqual([
      [1, '1'],
      [200_000, '2'],
      [1, '3'],
      [1, '5'],
    ]);
  });
});
