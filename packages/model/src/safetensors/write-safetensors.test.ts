import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NamedTensor } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-fixtures/tiny-model.js';
import { readSafetensors, readSafetensorsHeader } from './read-safetensors.js';
import { writeSafetensors } from './write-safetensors.js';

const bytesOf = (t: NamedTensor) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

describe('writeSafetensors', () => {
  it('round-trips tensors exactly, scalars, empty tensors and special values included', async () => {
    const nanWithPayload = new Float32Array(new Uint32Array([0x7fc12345]).buffer)[0]!;
    const tensors: NamedTensor[] = [
      { name: 'b.matrix', shape: [2, 3], data: Float32Array.from([1, -2.5, 0.1, 1e-42, -0, 3.4e38]) },
      { name: 'a.scalar', shape: [], data: Float32Array.from([Math.PI]) },
      { name: 'c.empty', shape: [0, 3], data: new Float32Array(0) },
      { name: 'd.special', shape: [4], data: Float32Array.from([Infinity, -Infinity, nanWithPayload, 2 ** -149]) },
    ];
    const file = join(tempDir(), 'w.safetensors');
    const written = await writeSafetensors(file, tensors, { source: 'test' });
    const raw = readFileSync(file);
    expect(written).toBe(raw.byteLength);

    const back = await readSafetensors(file);
    expect([...back.keys()]).toEqual(['b.matrix', 'a.scalar', 'c.empty', 'd.special']);
    for (const t of tensors) {
      const got = back.get(t.name)!;
      expect(got.shape).toEqual(t.shape);
      expect(bytesOf(got)).toEqual(bytesOf(t)); // bit-exact: -0 and the NaN payload survive
    }
    expect(Object.is(back.get('b.matrix')!.data[4], -0)).toBe(true);
  });

  it('writes the documented layout: padded header, metadata, tensors in the order given', async () => {
    const file = join(tempDir(), 'layout.safetensors');
    await writeSafetensors(file, [
      { name: 'z', shape: [1], data: Float32Array.from([1]) },
      { name: 'a', shape: [2], data: Float32Array.from([2, 3]) },
    ]);
    const raw = readFileSync(file);
    const length = Number(raw.readBigUInt64LE(0));
    expect(length % 8).toBe(0);
    const text = raw.subarray(8, 8 + length).toString('utf8');
    expect(text).toMatch(/^\{.*\} *$/);
    expect(JSON.parse(text)).toEqual({
      __metadata__: { format: 'pt' },
      z: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      a: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    });
    expect(raw.byteLength).toBe(8 + length + 12);
    expect((await readSafetensorsHeader(file)).metadata).toEqual({ format: 'pt' });
  });

  it('refuses inconsistent tensors without touching the target', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.safetensors');
    await expect(
      writeSafetensors(file, [{ name: 'x', shape: [2, 2], data: new Float32Array(3) }]),
    ).rejects.toMatchObject({
      code: 'ARGUMENT_INVALID',
      message: expect.stringMatching(/tensor "x" has 3 values but shape \[2,2\] needs 4/),
    });
    const dup = { name: 'x', shape: [1], data: new Float32Array(1) };
    await expect(writeSafetensors(file, [dup, dup])).rejects.toMatchObject({
      message: expect.stringContaining('appears twice'),
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('streams a tensor larger than one chunk', async () => {
    const big = new Float32Array(5 * 1024 * 1024 + 3).map((_, i) => i % 1000);
    const file = join(tempDir(), 'big.safetensors');
    await writeSafetensors(file, [{ name: 'big', shape: [big.length], data: big }]);
    const back = (await readSafetensors(file)).get('big')!;
    expect(back.data.length).toBe(big.length);
    expect(back.data[big.length - 1]).toBe((big.length - 1) % 1000);
  });
});
