import { MllrError, writeFileAtomic, type NamedTensor } from '@mllr/core';
import { HOST_IS_LITTLE_ENDIAN } from './dtypes.js';

/** Bytes handed to the writer at a time; large tensors are streamed in slices of this size. */
const CHUNK_BYTES = 16 * 1024 * 1024;

/**
 * Writes tensors as an F32 safetensors file, atomically (temp file, fsync, rename) and chunk by chunk, in the
 * order given. The header is padded with spaces to a multiple of 8 so the data section is aligned.
 * `__metadata__` is `{ format: 'pt', ...metadata }`. Returns the bytes written.
 */
export async function writeSafetensors(
  file: string,
  tensors: Iterable<NamedTensor>,
  metadata: Record<string, string> = {},
): Promise<number> {
  const list = checkTensors(file, tensors);
  const header = buildHeader(list, metadata, file);
  return writeFileAtomic(file, chunks(header, list));
}

function checkTensors(file: string, tensors: Iterable<NamedTensor>): NamedTensor[] {
  const list = [...tensors];
  const seen = new Set<string>();
  for (const t of list) {
    const bad = (why: string) => new MllrError('ARGUMENT_INVALID', `cannot write ${file}: tensor "${t.name}" ${why}`);
    if (t.name === '' || t.name === '__metadata__') throw bad('has a reserved or empty name');
    if (seen.has(t.name)) throw bad('appears twice');
    seen.add(t.name);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw bad(`has shape ${JSON.stringify(t.shape)}; dimensions must be non-negative integers`);
    }
    const count = t.shape.reduce((n, d) => n * d, 1);
    if (t.data.length !== count)
      throw bad(`has ${t.data.length} values but shape ${JSON.stringify(t.shape)} needs ${count}`);
  }
  return list;
}

function buildHeader(list: readonly NamedTensor[], metadata: Record<string, string>, file: string): Uint8Array {
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string')
      throw new MllrError('ARGUMENT_INVALID', `cannot write ${file}: metadata "${key}" must be a string`);
  }
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', ...metadata } };
  let offset = 0;
  for (const t of list) {
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = JSON.stringify(header);
  const bytes = new TextEncoder().encode(json);
  const padded = new Uint8Array(Math.ceil(bytes.byteLength / 8) * 8).fill(0x20);
  padded.set(bytes);
  const out = new Uint8Array(8 + padded.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded.byteLength), true);
  out.set(padded, 8);
  return out;
}

async function* chunks(header: Uint8Array, list: readonly NamedTensor[]): AsyncGenerator<Uint8Array> {
  yield header;
  for (const t of list) {
    const bytes = littleEndianBytes(t.data);
    for (let at = 0; at < bytes.byteLength; at += CHUNK_BYTES)
      yield bytes.subarray(at, Math.min(at + CHUNK_BYTES, bytes.byteLength));
  }
}

/** The tensor's bytes in little-endian order: a view (no copy) on little-endian hosts. */
function littleEndianBytes(data: Float32Array): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return out;
}
