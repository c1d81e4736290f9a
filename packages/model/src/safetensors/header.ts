import { MllrError } from '@mllr/core';
import { isJsonObject } from '../files/read-json-file.js';
import { READABLE_DTYPES, isReadableDtype, type ReadableDtype } from './dtypes.js';

/** The largest header mllr accepts; a larger length field means a corrupt or hostile file, not a real model. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** One tensor as described by a safetensors header; offsets are absolute positions in the file. */
export interface SafetensorsEntry {
  name: string;
  dtype: ReadableDtype;
  shape: number[];
  /** Number of elements (product of the shape). */
  count: number;
  /** First byte of the tensor in the file. */
  start: number;
  /** Byte length of the tensor. */
  byteLength: number;
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  file: string;
  /** Size of the whole file in bytes. */
  fileSize: number;
  /** Absolute offset where the data section starts (8 + header length). */
  dataStart: number;
  /** The `__metadata__` string map (empty when absent). */
  metadata: Record<string, string>;
  /** Tensors by name, in header order. */
  tensors: Map<string, SafetensorsEntry>;
}

/**
 * Checks the 8-byte length prefix against the file size and returns the header length. Bounds are checked here,
 * before the header buffer is allocated, so a hostile length cannot make us allocate gigabytes.
 */
export function checkHeaderLength(prefix: Uint8Array, file: string, fileSize: number): number {
  if (fileSize < 8) throw invalid(file, `file is ${fileSize} bytes, shorter than the 8-byte header length field`);
  const length = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (length === 0n) throw invalid(file, 'header length is 0; a safetensors header is a non-empty JSON object');
  if (length > BigInt(MAX_HEADER_BYTES)) {
    throw invalid(file, `header length ${length} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupt file?)`);
  }
  if (8n + length > BigInt(fileSize)) {
    throw invalid(
      file,
      `header length ${length} bytes runs past the end of the ${fileSize}-byte file (file truncated?)`,
    );
  }
  return Number(length);
}

/** Parses and validates the header JSON; every problem is CHECKPOINT_INVALID naming the file (and tensor). */
export function parseHeader(headerBytes: Uint8Array, file: string, fileSize: number): SafetensorsHeader {
  const dataStart = 8 + headerBytes.byteLength;
  const dataLength = fileSize - dataStart;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    throw invalid(file, `header is not valid UTF-8 JSON (${(error as Error).message})`, error);
  }
  if (!isJsonObject(json)) throw invalid(file, 'header is not a JSON object');

  const metadata = readMetadata(json['__metadata__'], file);
  const tensors = new Map<string, SafetensorsEntry>();
  for (const [name, raw] of Object.entries(json)) {
    if (name === '__metadata__') continue;
    tensors.set(name, readEntry(name, raw, file, dataStart, dataLength));
  }
  checkNoOverlap([...tensors.values()], file);
  return { file, fileSize, dataStart, metadata, tensors };
}

function readMetadata(raw: unknown, file: string): Record<string, string> {
  if (raw === undefined) return {};
  if (!isJsonObject(raw)) throw invalid(file, '__metadata__ must be an object of string values');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string')
      throw invalid(file, `__metadata__ value "${key}" must be a string, got ${typeof value}`);
    out[key] = value;
  }
  return out;
}

function readEntry(name: string, raw: unknown, file: string, dataStart: number, dataLength: number): SafetensorsEntry {
  const bad = (why: string) => invalid(file, `tensor "${name}": ${why}`);
  if (!isJsonObject(raw)) throw bad('entry is not an object with dtype, shape and data_offsets');
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== 'string') throw bad('missing dtype');
  if (!Array.isArray(shape)) throw bad('missing shape');
  if (!Array.isArray(offsets)) throw bad('missing data_offsets');
  if (!isReadableDtype(dtype))
    throw bad(`dtype ${dtype} is not supported (supported: ${Object.keys(READABLE_DTYPES).join(', ')})`);
  if (!shape.every(isNonNegativeInt))
    throw bad(`shape ${JSON.stringify(shape)} must be a list of non-negative integers`);
  if (offsets.length !== 2 || !offsets.every(isNonNegativeInt) || offsets[0]! > offsets[1]!) {
    throw bad(`data_offsets ${JSON.stringify(offsets)} must be [begin, end] integers with begin <= end`);
  }
  const [begin, end] = offsets as [number, number];
  if (end > dataLength)
    throw bad(`data ends at byte ${end} but the data section holds only ${dataLength} bytes (file truncated?)`);
  // Compared in BigInt: a hostile shape can overflow a double's exact range long before it fails this check.
  const bigCount = (shape as number[]).reduce((n, d) => n * BigInt(d), 1n);
  const byteLength = end - begin;
  const needed = bigCount * BigInt(READABLE_DTYPES[dtype]);
  if (needed !== BigInt(byteLength)) {
    throw bad(
      `${byteLength} bytes of data but shape ${JSON.stringify(shape)} × ${dtype} (${READABLE_DTYPES[dtype]} bytes) needs ${needed}`,
    );
  }
  return { name, dtype, shape: shape as number[], count: Number(bigCount), start: dataStart + begin, byteLength };
}

function checkNoOverlap(entries: SafetensorsEntry[], file: string): void {
  const sorted = entries.filter((e) => e.byteLength > 0).sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.start < prev.start + prev.byteLength)
      throw invalid(file, `tensors "${prev.name}" and "${cur.name}" overlap in the data section`);
  }
}

function isNonNegativeInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function invalid(file: string, why: string, cause?: unknown): MllrError {
  return new MllrError('CHECKPOINT_INVALID', `${file}: ${why}`, cause === undefined ? {} : { cause });
}
