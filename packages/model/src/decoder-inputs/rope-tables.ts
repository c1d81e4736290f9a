import type { ModelArchitecture, RopeScaling } from '@mllr/core';

/** Cosine and sine tables for rotary embeddings, [maxPositions, headDim] each, row-major. */
export interface RopeTables {
  cos: Float32Array;
  sin: Float32Array;
}

/**
 * RoPE tables in Hugging Face's rotate-half layout: the inverse frequencies (ropeInverseFrequencies) for the first
 * half of the head, repeated for the second half. Angles are rounded to float32 as PyTorch computes them, so every
 * engine's tables equal the reference implementation's bit for bit.
 */
export function ropeTables(arch: ModelArchitecture): RopeTables {
  const { headDim, maxPositionEmbeddings: positions } = arch;
  const half = headDim / 2;
  const inverse = ropeInverseFrequencies(arch);
  const cos = new Float32Array(positions * headDim);
  const sin = new Float32Array(positions * headDim);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * inverse[i]!);
      const row = p * headDim;
      cos[row + i] = cos[row + half + i] = Math.cos(angle);
      sin[row + i] = sin[row + half + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/**
 * The rotary inverse frequencies θ^(−2i/d), i < d/2, rescaled as the architecture's `ropeScaling` says (Hugging
 * Face's `linear` and `llama3` rope types). Every step is rounded to float32 in the order PyTorch's tensor ops take,
 * so the result equals PyTorch running transformers' rope init bit for bit (the fixtures' reference values; against
 * transformers itself, tools/fixtures/transformers_llama3_check.py).
 */
export function ropeInverseFrequencies(
  arch: Pick<ModelArchitecture, 'headDim' | 'ropeTheta' | 'ropeScaling'>,
): Float32Array {
  const { headDim, ropeTheta, ropeScaling } = arch;
  const inverse = new Float32Array(headDim / 2);
  for (let i = 0; i < inverse.length; i++)
    inverse[i] = Math.fround(1 / Math.fround(ropeTheta ** Math.fround((2 * i) / headDim)));
  // PyTorch divides by the factor rounded to float32 (Float32Array.map rounds the quotient).
  if (ropeScaling?.kind === 'linear') return inverse.map((f) => f / Math.fround(ropeScaling.factor));
  if (ropeScaling?.kind === 'llama3') return inverse.map((f) => llama3Frequency(f, ropeScaling));
  return inverse;
}

const f32 = Math.fround;
const TWO_PI = f32(2 * Math.PI);

/**
 * Llama 3.1's rescaling of one inverse frequency: wavelengths 2π/f above originalContext / lowFreqFactor are
 * stretched by `factor`, those below originalContext / highFreqFactor kept, and those between blended linearly in
 * originalContext / wavelength. (Float32 Array.map rounds the returned value.)
 */
function llama3Frequency(frequency: number, scaling: Extract<RopeScaling, { kind: 'llama3' }>): number {
  const { factor, lowFreqFactor: low, highFreqFactor: high, originalMaxPositionEmbeddings: context } = scaling;
  // PyTorch computes `2π / f` as reciprocal(f) · 2π, each rounded to float32; the scalar bounds become float32 too.
  const wavelength = f32(f32(1 / frequency) * TWO_PI);
  const [factor32, lowWavelength, highWavelength] = [f32(factor), f32(context / low), f32(context / high)];
  if (wavelength > lowWavelength) return f32(frequency / factor32);
  if (wavelength < highWavelength) return frequency;
  const smooth = f32(f32(f32(f32(1 / wavelength) * f32(context)) - f32(low)) / f32(high - low));
  return f32(f32(f32(f32(1 - smooth) * frequency) / factor32) + f32(smooth * frequency));
}
