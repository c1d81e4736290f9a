import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDatasetSource } from './check-source.js';
import { tempFile } from './test-fixtures/files.js';

describe('checkDatasetSource', () => {
  it('accepts a readable file with a known preset, and refuses an unknown preset, a missing file and an empty one', async () => {
    const file = tempFile('a.json', JSON.stringify([{ instruction: 'i', output: 'o' }]));
    await expect(checkDatasetSource({ path: file, preset: 'alpaca' })).resolves.toBeUndefined();
    await expect(checkDatasetSource({ path: file, preset: 'alpacca' })).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringMatching(
        new RegExp(
          `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: unknown preset "alpacca"; known presets: advbench`,
        ),
      ),
    });
    const missing = join(file, '..', 'missing.json');
    await expect(checkDatasetSource({ path: missing })).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: `${missing}: file not found`,
    });
    const empty = tempFile('e.jsonl', '');
    await expect(checkDatasetSource({ path: empty })).rejects.toMatchObject({ message: `${empty}: the file is empty` });
    await expect(checkDatasetSource({ path: tempFile('t.txt', 'x') })).rejects.toMatchObject({
      message: expect.stringContaining('unsupported extension ".txt"'),
    });
  });
});
