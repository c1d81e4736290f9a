import { createRng } from '@mllr/core';
import { describe, expect, it } from 'vitest';
import { adamwUpdate, type AdamWScalars } from './adamw-kernel.js';

const f32 = Math.fround;

/** The update written as a scalar JavaScript loop that rounds every operation to float32 (the tfjs engine's op order). */
function scalarUpdate(w: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, s: AdamWScalars): void {
  for (let i = 0; i < w.length; i++) {
    const gi = f32(g[i]! * s.scale);
    const mi = f32(f32(m[i]! * s.beta1) + f32(gi * s.oneMinusBeta1));
    const vi = f32(f32(v[i]! * s.beta2) + f32(f32(gi * gi) * s.oneMinusBeta2));
    m[i] = mi;
    v[i] = vi;
    const step = f32(f32(mi / s.correction1) / f32(f32(Math.sqrt(f32(vi / s.correction2))) + s.epsilon));
    const wi = w[i]!;
    w[i] =
      s.weightDecay > 0
        ? wi - f32(f32(step + f32(wi * s.weightDecay)) * s.learningRate)
        : wi - f32(step * s.learningRate);
  }
}

function scalars(step: number, weightDecay: number, scale: number): AdamWScalars {
  return {
    scale: f32(scale),
    beta1: f32(0.9),
    oneMinusBeta1: f32(1 - 0.9),
    beta2: f32(0.999),
    oneMinusBeta2: f32(1 - 0.999),
    correction1: f32(1 - 0.9 ** step),
    correction2: f32(1 - 0.999 ** step),
    epsilon: f32(1e-8),
    learningRate: f32(3e-4),
    weightDecay: f32(weightDecay),
  };
}

/** Weights, moments and gradients over many magnitudes, with zeros and subnormal gradients among them. */
function state(length: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  const arrays = [0, 1, 2, 3].map(() => new Float32Array(length));
  const [w, m, v, g] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let i = 0; i < length; i++) {
    w[i] = rng.next() * 2 - 1;
    g[i] = i % 11 === 0 ? 0 : i % 13 === 0 ? 1e-42 : (rng.next() * 2 - 1) * 10 ** Math.floor(rng.next() * 8 - 5);
    m[i] = (rng.next() * 2 - 1) * 1e-3;
    v[i] = rng.next() * 1e-6;
  }
  return arrays;
}

function bits(a: Float32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

describe('adamwUpdate (WebAssembly SIMD)', () => {
  it('gives the bit-identical result of the float32 scalar loop, for lengths around and across its chunks, with and without decay', () => {
    for (const length of [0, 1, 3, 4, 7, 16383, 16384, 16389, 50001]) {
      const kernel = state(length, length + 1);
      const reference = state(length, length + 1);
      for (let step = 1; step <= 3; step++) {
        const s = scalars(step, step === 2 ? 0 : 0.01, 1 / (37 * step));
        adamwUpdate(kernel[0]!, kernel[1]!, kernel[2]!, kernel[3]!, s);
        scalarUpdate(reference[0]!, reference[1]!, reference[2]!, reference[3]!, s);
      }
      for (let k = 0; k < 3; k++)
        expect(bits(kernel[k]!).equals(bits(reference[k]!)), `length ${length}, array ${k}`).toBe(true);
      if (length > 0) expect(bits(kernel[0]!).equals(bits(state(length, length + 1)[0]!))).toBe(false);
    }
  });

  it('leaves the gradient untouched and writes nothing past the tensor', () => {
    const buffer = new Float32Array(16400).fill(7);
    const [w, m, v, g] = [0, 1, 2, 3].map((k) => buffer.subarray(k * 4100, k * 4100 + 4099)) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    g.fill(0.5);
    adamwUpdate(w, m, v, g, scalars(1, 0.1, 1));
    expect(g.every((x) => x === 0.5)).toBe(true);
    for (let k = 0; k < 4; k++) expect(buffer[k * 4100 + 4099]).toBe(7);
  });
});
