/**
 * Byte-level mutations for fuzzing file parsers. Each takes a seeded random source, so a run is reproducible from
 * its seed; several are stacked per input. Text-aware ones (numbers, nesting) target what JSON, YAML and CSV
 * parsers trip on; `lengthField` targets the 8-byte length prefix of safetensors.
 */

/** A deterministic source of random integers in [0, n). */
export type RandomInt = (n: number) => number;

/** mulberry32: small, fast and good enough to drive mutations. */
export function seededRandom(seed: number): RandomInt {
  let state = seed >>> 0;
  return (n: number) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(unit * n);
  };
}

/** Number spellings that break naive parsers: overflow, negative, non-integer, beyond 2^53, non-finite. */
export const HOSTILE_NUMBERS = [
  '0',
  '-1',
  '-0',
  '1.5',
  '4294967296',
  '2147483648',
  '9007199254740993',
  '18446744073709551615',
  '18446744073709551616',
  '1e308',
  '1e309',
  '-1e309',
  '1e-320',
  '99999999999999999999999999',
  'NaN',
  'Infinity',
  '0x10',
  '1_000',
];

const INTERESTING_BYTES = [
  0x00, 0xff, 0x7f, 0x80, 0x22, 0x27, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x0a, 0x0d, 0x5c, 0x23, 0x2a, 0x26, 0x21,
  0xef,
];

/** Little-endian u64 values for a length prefix: zero, tiny, just past typical, 2^31, 2^32, 2^53, all ones. */
const LENGTH_VALUES = [
  0n,
  1n,
  2n,
  7n,
  100n * 1024n * 1024n,
  100n * 1024n * 1024n + 1n,
  2n ** 31n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n + 1n,
  2n ** 64n - 1n,
];

type Mutation = (input: Uint8Array, random: RandomInt, seeds: readonly Uint8Array[]) => Uint8Array;

const encoder = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** A position biased towards the start, where headers and length fields live, half of the time. */
function position(length: number, random: RandomInt): number {
  if (length === 0) return 0;
  return random(2) === 0 ? random(Math.min(length, 512)) : random(length);
}

const MUTATIONS: Record<string, Mutation> = {
  flipBit(input, random) {
    const out = input.slice();
    if (out.byteLength > 0) out[position(out.byteLength, random)]! ^= 1 << random(8);
    return out;
  },
  setByte(input, random) {
    const out = input.slice();
    if (out.byteLength > 0)
      out[position(out.byteLength, random)] = INTERESTING_BYTES[random(INTERESTING_BYTES.length)]!;
    return out;
  },
  truncate(input, random) {
    return input.subarray(0, random(input.byteLength + 1)).slice();
  },
  deleteRange(input, random) {
    const start = position(input.byteLength, random);
    const end = Math.min(input.byteLength, start + 1 + random(64));
    return concat(input.subarray(0, start), input.subarray(end));
  },
  duplicateRange(input, random) {
    const start = position(input.byteLength, random);
    const chunk = input.subarray(start, Math.min(input.byteLength, start + 1 + random(256)));
    const at = position(input.byteLength, random);
    return concat(input.subarray(0, at), chunk, input.subarray(at));
  },
  splice(input, random, seeds) {
    const other = seeds[random(seeds.length)]!;
    return concat(input.subarray(0, random(input.byteLength + 1)), other.subarray(random(other.byteLength + 1)));
  },
  hostileNumber(input, random) {
    // Replace one run of ASCII digits (in the text part of the file: the first 64 KiB) with a hostile spelling.
    const limit = Math.min(input.byteLength, 65536);
    const runs: [number, number][] = [];
    for (let i = 0; i < limit; i++) {
      if (!isDigit(input[i]!)) continue;
      const start = i;
      while (i < limit && isDigit(input[i]!)) i++;
      runs.push([start, i]);
    }
    if (runs.length === 0) return input;
    const [start, end] = runs[random(runs.length)]!;
    const text = HOSTILE_NUMBERS[random(HOSTILE_NUMBERS.length)]!;
    return concat(input.subarray(0, start), encoder.encode(text), input.subarray(end));
  },
  lengthField(input, random) {
    const out = input.byteLength >= 8 ? input.slice() : concat(input, new Uint8Array(8 - input.byteLength));
    const value = LENGTH_VALUES[random(LENGTH_VALUES.length)]! + BigInt(random(2) === 0 ? 0 : random(64));
    new DataView(out.buffer, out.byteOffset, 8).setBigUint64(0, value & (2n ** 64n - 1n), true);
    return out;
  },
  deepNesting(input, random) {
    const depth = 1 + random(20000);
    const open = ['[', '{', '{"a":', '- ', '  '][random(5)]!;
    const at = position(input.byteLength, random);
    return concat(input.subarray(0, at), encoder.encode(open.repeat(depth)), input.subarray(at));
  },
  longRun(input, random) {
    const length = 1 + random(1 << (10 + random(11))); // up to 1 MiB
    const char = ['A', '"', '\\', ',', '\n', ' ', '\u00e9'][random(7)]!;
    const at = position(input.byteLength, random);
    return concat(input.subarray(0, at), encoder.encode(char.repeat(length)), input.subarray(at));
  },
  invalidUtf8(input, random) {
    const at = position(input.byteLength, random);
    const bad = [[0xc3], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]][random(4)]!;
    return concat(input.subarray(0, at), Uint8Array.from(bad), input.subarray(at));
  },
};

/** The names of every mutation, for reports. */
export const MUTATION_NAMES = Object.keys(MUTATIONS);

/** One fuzz input: `rounds` (1–4) stacked mutations of a seed. Returns the bytes and the mutations applied. */
export function mutate(
  seed: Uint8Array,
  random: RandomInt,
  seeds: readonly Uint8Array[],
): { bytes: Uint8Array; applied: string[] } {
  let bytes = seed;
  const applied: string[] = [];
  const rounds = 1 + random(4);
  for (let i = 0; i < rounds; i++) {
    const name = MUTATION_NAMES[random(MUTATION_NAMES.length)]!;
    bytes = MUTATIONS[name]!(bytes, random, seeds);
    applied.push(name);
  }
  return { bytes, applied };
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}
