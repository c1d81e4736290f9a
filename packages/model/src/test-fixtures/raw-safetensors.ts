/** Builds safetensors bytes by hand, with any header (object or raw text) and an optional forged length field. */
export function rawSafetensors(
  header: object | string,
  data: Uint8Array = new Uint8Array(0),
  lengthField?: bigint,
): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const headerBytes = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + headerBytes.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  out.set(data, 8 + headerBytes.byteLength);
  return out;
}

/** Little-endian bytes of 16-bit patterns (float16 or bfloat16). */
export function u16Bytes(patterns: readonly number[]): Uint8Array {
  const out = new Uint8Array(patterns.length * 2);
  const view = new DataView(out.buffer);
  patterns.forEach((p, i) => view.setUint16(i * 2, p, true));
  return out;
}

/** Little-endian float32 bytes. */
export function f32Bytes(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}
