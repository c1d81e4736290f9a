import { endianness } from 'node:os';

/** The safetensors dtypes mllr reads, with their byte sizes; all are converted to float32. */
export const READABLE_DTYPES = { F32: 4, F16: 2, BF16: 2 } as const;

/** A safetensors dtype mllr can read. */
export type ReadableDtype = keyof typeof READABLE_DTYPES;

/** True when `dtype` is one mllr can read. */
export function isReadableDtype(dtype: string): dtype is ReadableDtype {
  return Object.hasOwn(READABLE_DTYPES, dtype);
}

/** safetensors stores little-endian; typed arrays use the host order, so big-endian hosts must swap. */
export const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

/** Converts little-endian tensor bytes of `dtype` into float32 values. `bytes` must hold exactly `count` elements. */
export function decodeToFloat32(dtype: ReadableDtype, bytes: Uint8Array, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(count);
  if (dtype === 'F32') {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  } else if (dtype === 'F16') {
    const table = halfTable();
    for (let i = 0; i < count; i++) out[i] = table[view.getUint16(i * 2, true)]!;
  } else {
    // bfloat16 is the top half of a float32: shift the bits up and reinterpret.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
  }
  return out;
}

let HALF_TABLE: Float32Array | undefined;

/** All 65536 float16 values as float32, built once on first use (256 KiB). */
function halfTable(): Float32Array {
  if (!HALF_TABLE) {
    HALF_TABLE = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) HALF_TABLE[h] = halfToFloat(h);
  }
  return HALF_TABLE;
}

/** The value of an IEEE 754 binary16 bit pattern. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
