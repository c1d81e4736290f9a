import { open, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:buffer';
import { MllrError, type NamedTensor } from '@mllr/core';
import { HOST_IS_LITTLE_ENDIAN, decodeToFloat32 } from './dtypes.js';
import { checkHeaderLength, parseHeader, type SafetensorsEntry, type SafetensorsHeader } from './header.js';

/** Options for {@link readSafetensors}. */
export interface ReadSafetensorsOptions {
  /** Read only these tensors (each must exist); default: every tensor in the file. */
  names?: readonly string[];
}

/** Reads and validates the header of a safetensors file without reading any tensor data. */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  return withFile(file, (handle, size) => readHeader(handle, file, size));
}

/**
 * Reads tensors of a safetensors file as float32 (F32, F16 and BF16 are converted). The header is read with two
 * positioned reads and each tensor with its own, so memory holds the tensors asked for, never the whole file.
 */
export async function readSafetensors(
  file: string,
  options: ReadSafetensorsOptions = {},
): Promise<Map<string, NamedTensor>> {
  return withFile(file, async (handle, size) => {
    const header = await readHeader(handle, file, size);
    const entries = selectEntries(header, options.names);
    const out = new Map<string, NamedTensor>();
    for (const entry of entries)
      out.set(entry.name, { name: entry.name, shape: [...entry.shape], data: await readTensor(handle, entry, file) });
    return out;
  });
}

async function withFile<T>(file: string, body: (handle: FileHandle, size: number) => Promise<T>): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MllrError(
      'CHECKPOINT_INVALID',
      `${file}: ${code === 'ENOENT' ? 'file not found' : `cannot be opened (${code})`}`,
      { cause: error },
    );
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new MllrError('CHECKPOINT_INVALID', `${file}: not a regular file`);
    return await body(handle, stats.size);
  } finally {
    await handle.close();
  }
}

async function readHeader(handle: FileHandle, file: string, size: number): Promise<SafetensorsHeader> {
  const prefix = new Uint8Array(8);
  if (size >= 8) await readExactly(handle, prefix, 0, file);
  const length = checkHeaderLength(prefix, file, size);
  const headerBytes = new Uint8Array(length);
  await readExactly(handle, headerBytes, 8, file);
  return parseHeader(headerBytes, file, size);
}

function selectEntries(header: SafetensorsHeader, names: readonly string[] | undefined): SafetensorsEntry[] {
  if (names === undefined) return [...header.tensors.values()];
  return [...new Set(names)].map((name) => {
    const entry = header.tensors.get(name);
    if (!entry) throw new MllrError('CHECKPOINT_INVALID', `${header.file}: no tensor named "${name}"`);
    return entry;
  });
}

async function readTensor(handle: FileHandle, entry: SafetensorsEntry, file: string): Promise<Float32Array> {
  // The header check tied the byte length to the file size; this guards the one allocation we cannot avoid.
  if (entry.count * 4 > constants.MAX_LENGTH) {
    throw new MllrError(
      'CHECKPOINT_UNSUPPORTED',
      `${file}: tensor "${entry.name}" has ${entry.count} elements, too many for one float32 array`,
    );
  }
  if (entry.dtype === 'F32' && HOST_IS_LITTLE_ENDIAN) {
    // Bytes land directly in the result: no second copy, and NaN payloads survive bit for bit.
    const out = new Float32Array(entry.count);
    await readExactly(handle, new Uint8Array(out.buffer), entry.start, file);
    return out;
  }
  const bytes = new Uint8Array(entry.byteLength);
  await readExactly(handle, bytes, entry.start, file);
  return decodeToFloat32(entry.dtype, bytes, entry.count);
}

/** One call per buffer; Node caps a single read at 2 GiB, so large buffers are read in slices. */
const MAX_READ = 1 << 30;

async function readExactly(handle: FileHandle, target: Uint8Array, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < target.byteLength) {
    const length = Math.min(MAX_READ, target.byteLength - done);
    const { bytesRead } = await handle.read(target, done, length, position + done);
    if (bytesRead === 0)
      throw new MllrError(
        'CHECKPOINT_INVALID',
        `${file}: file ended early at byte ${position + done} (changed while reading?)`,
      );
    done += bytesRead;
  }
}
