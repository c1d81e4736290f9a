import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { f32Bytes, rawSafetensors } from '../test-fixtures/raw-safetensors.js';
import { tempDir } from '../test-fixtures/tiny-model.js';

// Records every positioned read, to check what the reader touches.
const reads: { position: number; length: number }[] = [];
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args);
      const read = handle.read.bind(handle) as (...a: unknown[]) => ReturnType<typeof handle.read>;
      (handle as unknown as { read: unknown }).read = (...a: unknown[]) => {
        reads.push({ length: a[2] as number, position: a[3] as number });
        return read(...a);
      };
      return handle;
    },
  };
});

const { readSafetensors } = await import('./read-safetensors.js');

describe('readSafetensors with names', () => {
  it('reads the header and only the requested tensors, each with one positioned read', async () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [3], data_offsets: [8, 20] },
      c: { dtype: 'F32', shape: [1], data_offsets: [20, 24] },
    };
    const bytes = rawSafetensors(header, f32Bytes([1, 2, 3, 4, 5, 6]));
    const file = join(tempDir(), 'm.safetensors');
    writeFileSync(file, bytes);
    const headerLength = bytes.byteLength - 8 - 24;

    reads.length = 0;
    const got = await readSafetensors(file, { names: ['c', 'a'] });
    expect([...got.keys()]).toEqual(['c', 'a']);
    expect([...got.get('c')!.data]).toEqual([6]);
    expect([...got.get('a')!.data]).toEqual([1, 2]);
    const dataStart = 8 + headerLength;
    expect(reads).toEqual([
      { position: 0, length: 8 },
      { position: 8, length: headerLength },
      { position: dataStart + 20, length: 4 },
      { position: dataStart, length: 8 },
    ]);
  });
});
