import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { f32Bytes, rawSafetensors, u16Bytes } from '../test-fixtures/raw-safetensors.js';
import { tempDir } from '../test-fixtures/tiny-model.js';
import { MAX_HEADER_BYTES } from './header.js';
import { readSafetensors, readSafetensorsHeader } from './read-safetensors.js';

function fileWith(bytes: Uint8Array): string {
  const file = join(tempDir(), 'model.safetensors');
  writeFileSync(file, bytes);
  return file;
}

describe('readSafetensors: dtypes', () => {
  it('converts F16 bit patterns to float32', async () => {
    // 1.0, -2.5, 0.1 (rounded), smallest subnormal, largest normal, +inf, -inf, -0, NaN
    const patterns = [0x3c00, 0xc100, 0x2e66, 0x0001, 0x7bff, 0x7c00, 0xfc00, 0x8000, 0x7e00];
    const file = fileWith(
      rawSafetensors({ h: { dtype: 'F16', shape: [3, 3], data_offsets: [0, 18] } }, u16Bytes(patterns)),
    );
    const t = (await readSafetensors(file)).get('h')!;
    expect(t.shape).toEqual([3, 3]);
    expect([...t.data.slice(0, 7)]).toEqual([1, -2.5, 0.0999755859375, 2 ** -24, 65504, Infinity, -Infinity]);
    expect(Object.is(t.data[7], -0)).toBe(true);
    expect(Number.isNaN(t.data[8])).toBe(true);
  });

  it('converts BF16 bit patterns to float32', async () => {
    // 1.0, -2.5, 0.1 (rounded to 0x3dcd), smallest subnormal, +inf, NaN
    const patterns = [0x3f80, 0xc020, 0x3dcd, 0x0001, 0x7f80, 0x7fc0];
    const file = fileWith(
      rawSafetensors({ b: { dtype: 'BF16', shape: [6], data_offsets: [0, 12] } }, u16Bytes(patterns)),
    );
    const t = (await readSafetensors(file)).get('b')!;
    expect([...t.data.slice(0, 5)]).toEqual([1, -2.5, 0.10009765625, 2 ** -133, Infinity]);
    expect(Number.isNaN(t.data[5])).toBe(true);
  });

  it('reads F32 and the metadata map', async () => {
    const header = { __metadata__: { format: 'pt', note: 'x' }, w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
    const file = fileWith(rawSafetensors(header, f32Bytes([0.5, -7])));
    expect([...(await readSafetensors(file)).get('w')!.data]).toEqual([0.5, -7]);
    const parsed = await readSafetensorsHeader(file);
    expect(parsed.metadata).toEqual({ format: 'pt', note: 'x' });
    expect(parsed.tensors.get('w')).toMatchObject({ dtype: 'F32', shape: [2], count: 2, byteLength: 8 });
  });
});

describe('readSafetensors: corrupt files', () => {
  const ok = (extra: object = {}) => ({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, ...extra });
  const cases: [string, Uint8Array, RegExp][] = [
    ['a file shorter than 8 bytes', new Uint8Array(5), /file is 5 bytes, shorter than the 8-byte header length field/],
    ['a zero header length', rawSafetensors('', new Uint8Array(0), 0n), /header length is 0/],
    [
      'a huge header length',
      rawSafetensors('{}', new Uint8Array(0), BigInt(MAX_HEADER_BYTES) + 1n),
      /exceeds the 104857600-byte limit/,
    ],
    [
      'a header length past the end',
      rawSafetensors('{}', new Uint8Array(0), 4096n),
      /header length 4096 bytes runs past the end of the 10-byte file/,
    ],
    ['bad header JSON', rawSafetensors('{"a": ', new Uint8Array(0)), /header is not valid UTF-8 JSON/],
    ['a header that is not an object', rawSafetensors('[1,2]'), /header is not a JSON object/],
    ['bad metadata', rawSafetensors({ __metadata__: { n: 1 } }), /__metadata__ value "n" must be a string/],
    [
      'an entry without dtype',
      rawSafetensors({ a: { shape: [1], data_offsets: [0, 4] } }, f32Bytes([1])),
      /tensor "a": missing dtype/,
    ],
    [
      'an entry without data_offsets',
      rawSafetensors({ a: { dtype: 'F32', shape: [1] } }, f32Bytes([1])),
      /tensor "a": missing data_offsets/,
    ],
    [
      'an unsupported dtype',
      rawSafetensors({ a: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /tensor "a": dtype I64 is not supported \(supported: F32, F16, BF16\)/,
    ],
    [
      'a negative dimension',
      rawSafetensors({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, f32Bytes([1])),
      /tensor "a": shape \[-1\] must be a list of non-negative integers/,
    ],
    [
      'reversed offsets',
      rawSafetensors({ a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32Bytes([1])),
      /tensor "a": data_offsets \[4,0\] must be \[begin, end\]/,
    ],
    [
      'offsets outside the file',
      rawSafetensors(ok(), f32Bytes([1])),
      /tensor "a": data ends at byte 8 but the data section holds only 4 bytes \(file truncated\?\)/,
    ],
    [
      'dtype × shape ≠ length',
      rawSafetensors({ a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32Bytes([1, 2])),
      /tensor "a": 8 bytes of data but shape \[3\] × F32 \(4 bytes\) needs 12/,
    ],
    [
      'a shape whose size overflows',
      rawSafetensors({ a: { dtype: 'F32', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 8] } }, f32Bytes([1, 2])),
      /tensor "a": 8 bytes of data but shape/,
    ],
    [
      'overlapping tensors',
      rawSafetensors(ok({ b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }), f32Bytes([1, 2, 3])),
      /tensors "a" and "b" overlap/,
    ],
  ];
  it.each(cases)('refuses %s', async (_what, bytes, message) => {
    const file = fileWith(bytes);
    const error = await readSafetensors(file).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CHECKPOINT_INVALID' });
    expect((error as Error).message.startsWith(`${file}: `)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  it('refuses a file truncated in the middle of a tensor', async () => {
    const full = rawSafetensors(ok({ b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] } }), f32Bytes([1, 2, 3, 4]));
    const file = fileWith(full.subarray(0, full.byteLength - 3));
    await expect(readSafetensors(file)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: expect.stringContaining('tensor "b": data ends at byte 16 but the data section holds only 13 bytes'),
    });
  });

  it('names a missing file and an unknown requested tensor', async () => {
    const missing = join(tempDir(), 'nope.safetensors');
    await expect(readSafetensors(missing)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      message: `${missing}: file not found`,
    });
    const file = fileWith(rawSafetensors(ok(), f32Bytes([1, 2])));
    await expect(readSafetensors(file, { names: ['zz'] })).rejects.toMatchObject({
      message: `${file}: no tensor named "zz"`,
    });
  });
});
