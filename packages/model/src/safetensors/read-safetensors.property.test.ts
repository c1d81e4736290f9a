import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rawSafetensors } from '../test-fixtures/raw-safetensors.js';
import { tempDir } from '../test-fixtures/tiny-model.js';
import { readSafetensors } from './read-safetensors.js';

const dir = tempDir();
let n = 0;

/** Reads `bytes` as a safetensors file; the only acceptable failure is a CHECKPOINT_* MllrError naming the file. */
async function readOrTypedError(bytes: Uint8Array): Promise<void> {
  const file = join(dir, `f${n++}.safetensors`);
  writeFileSync(file, bytes);
  try {
    const tensors = await readSafetensors(file);
    for (const t of tensors.values()) expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
  } catch (error) {
    expect(error).toMatchObject({
      name: 'MllrError',
      code: expect.stringMatching(/^CHECKPOINT_(INVALID|UNSUPPORTED)$/),
    });
    expect((error as Error).message.startsWith(`${file}: `)).toBe(true);
  }
}

const dimension = fc.oneof(fc.nat(6), fc.constantFrom(-1, 1.5, 2 ** 31, 2 ** 53, 2 ** 64, Number.MAX_VALUE));
const entry = fc.record(
  {
    dtype: fc.constantFrom('F32', 'F16', 'BF16', 'I64', 'F64', ''),
    shape: fc.oneof(fc.array(dimension, { maxLength: 4 }), fc.anything()),
    data_offsets: fc.oneof(fc.tuple(fc.nat(80), fc.nat(80)), fc.array(dimension, { maxLength: 3 }), fc.anything()),
  },
  { requiredKeys: [] },
);

describe('readSafetensors under random input (property)', () => {
  it('refuses random bytes with a typed error', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), readOrTypedError), { numRuns: 150 });
  });

  it('refuses any length field that does not fit the file, before allocating', async () => {
    const lengths = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      fc.constantFrom(0n, 2n ** 31n, 2n ** 53n + 1n, 2n ** 64n - 1n),
    );
    await fc.assert(
      fc.asyncProperty(lengths, (length) => readOrTypedError(rawSafetensors('{}', new Uint8Array(16), length))),
      { numRuns: 100 },
    );
  });

  it('reads or refuses random headers over random data, never crashing', async () => {
    const header = fc.dictionary(fc.string({ maxLength: 6 }), entry, { maxKeys: 4 });
    const metadata = fc.option(
      fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })), fc.anything()),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(header, metadata, fc.uint8Array({ maxLength: 96 }), (h, meta, data) =>
        readOrTypedError(rawSafetensors(meta === undefined ? h : { ...h, __metadata__: meta }, data)),
      ),
      { numRuns: 200 },
    );
  });
});
